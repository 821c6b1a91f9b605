"""Labeling sources: each votes bad (1), good (0) or abstains (-1) on an interaction, in Snorkel's convention.

Built-in sources are SQL over the store, so the label matrix is built by DuckDB, not by a
Python loop per row: one source per (rubric, judge), one per behavioural event kind, and
heuristics (truncated or empty output, refusal wording, latency above the feature's p99, and
judged text that tries to instruct the judge). User-defined sources are Python functions named
in critic.toml; a source that raises abstains on that row and is counted as faulty.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from critic.config import Config
from critic.errors import ConfigError
from critic.scale import BAD_AT_OR_BELOW
from critic.signals import HEURISTICS, NO_VOTE
from critic.store import Store
from critic.store.labels import Thresholds, VoteRules, judged_rubric_names

BAD, GOOD, ABSTAIN = 1, 0, -1
EVENT_VOTES = {
    "thumb_down": BAD,
    "thumb_up": GOOD,
    "regenerate": BAD,
    "abandon": BAD,
    "edit": BAD,
    "copy": GOOD,
    "escalate": BAD,
}
# Expected score ≤ 2 → bad. A rubric judges one criterion, so by default a high score is not a
# "good" vote: a rubric blind to a failure (tone on a truncated reply) would vote good on it.
# Measured on the sample with a noisy judge (bench/RESULTS.md, *End model*): LabelModel ROC AUC
# 0.842 with good votes at ≥ 6, 0.935 without. Set `good` per rubric to have it vote good.
DEFAULT_THRESHOLDS: tuple[float, float | None] = (float(BAD_AT_OR_BELOW), None)

UserSource = Callable[[dict[str, Any]], int]

# A judge also votes by its own distribution, per rubric: the lowest share of its expected scores
# → bad. A judge whose labels all sit in a narrow band (3–5 on real replies) never reaches an
# absolute threshold, and its ranking would be thrown away: the embedded judge always votes so, a
# calibrated judge when its scores at or below `bad` are fewer than that share. Ties share a mid-rank, so a judge's
# whole lowest label votes together or not at all. No "good" vote by rank unless configured, for the
# reason above: a rubric's best scores say nothing of failures it is blind to (measured:
# bench/RESULTS.md, *Fusion on real replies*). [label.thresholds.RUBRIC] bad_quantile /
# good_quantile set the shares; a judge with fewer than MIN_RANKED scores votes by absolute score only.
DEFAULT_QUANTILES: tuple[float, float | None] = (0.15, None)
MIN_RANKED = 20
# Judges whose scores rank but are not calibrated labels (the embedded judge): no absolute
# threshold (their 1–7 bunches near the bottom on short replies), only the rank vote.
RELATIVE_JUDGES = ("local",)


def thresholds(config: Config, rubric: str) -> tuple[float, float | None]:
    """(bad at or below, good at or above or None) for a rubric, from [label.thresholds.RUBRIC] or the default."""
    raw = config.raw.get("label", {}).get("thresholds", {}).get(rubric, {})
    good = raw.get("good", DEFAULT_THRESHOLDS[1])
    return float(raw.get("bad", DEFAULT_THRESHOLDS[0])), None if good is None else float(good)


def quantiles(config: Config, rubric: str) -> tuple[float, float | None]:
    """(bad_quantile, good_quantile or None): the shares of a judge's own scores on RUBRIC that vote bad and good."""
    raw = config.raw.get("label", {}).get("thresholds", {}).get(rubric, {})
    good = raw.get("good_quantile", DEFAULT_QUANTILES[1])
    return float(raw.get("bad_quantile", DEFAULT_QUANTILES[0])), None if good is None else float(good)


def vote_rules(store: Store, config: Config) -> VoteRules:
    """How the built-in sources vote on this store's judged rubrics, from critic.toml and the defaults above."""
    per_rubric = {r: Thresholds(*thresholds(config, r), *quantiles(config, r)) for r in judged_rubric_names(store)}
    return VoteRules(per_rubric, RELATIVE_JUDGES, MIN_RANKED, EVENT_VOTES, HEURISTICS, NO_VOTE)


def load_user_sources(config: Config) -> dict[str, UserSource]:
    """User-defined sources from [label] sources = ["module:function", ...] in critic.toml."""
    found: dict[str, UserSource] = {}
    for spec in config.raw.get("label", {}).get("sources", []):
        module_name, _, attr = str(spec).partition(":")
        try:
            func = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ConfigError(
                f"{config.path}: [label] sources: cannot load {spec!r} ({exc}); "
                "give 'module:function' importable from the current folder"
            ) from exc
        found[f"user:{attr}"] = func
    return found


def user_votes(rows: list[dict[str, Any]], sources: dict[str, UserSource]) -> tuple[np.ndarray, dict[str, int]]:
    """One column per user source; a source that raises or returns anything but 1/0/-1 abstains there."""
    matrix = np.full((len(rows), len(sources)), ABSTAIN, dtype=int)
    faults = {name: 0 for name in sources}
    for j, (name, func) in enumerate(sources.items()):
        for i, row in enumerate(rows):
            try:
                vote = func(row)
            except Exception:  # noqa: BLE001 - a user's source must never crash the run
                faults[name] += 1
                continue
            if vote in (BAD, GOOD, ABSTAIN):
                matrix[i, j] = vote
            else:
                faults[name] += 1
    return matrix, faults
