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
from critic.store import Store
from critic.store.views import latest_judgments

BAD, GOOD, ABSTAIN = 1, 0, -1
EVENT_VOTES = {"thumb_down": BAD, "thumb_up": GOOD, "regenerate": BAD, "abandon": BAD, "edit": BAD,
               "copy": GOOD, "escalate": BAD}
# Expected score ≤ 2 → bad. A rubric judges one criterion, so by default a high score is not a
# "good" vote: a rubric blind to a failure (tone on a truncated reply) would vote good on it.
# Measured on the sample with a noisy judge (bench/RESULTS.md, *End model*): LabelModel ROC AUC
# 0.842 with good votes at ≥ 6, 0.935 without. Set `good` per rubric to have it vote good.
DEFAULT_THRESHOLDS: tuple[float, float | None] = (2.0, None)

# The heuristic sources: source name (heuristic:NAME) → the text signal it votes with (critic.store.signals);
# also the end model's feature carrying its evidence. latency_over_p99 is computed apart (below).
HEURISTICS = {"truncated_or_empty": "truncated", "refusal": "refusal", "judge_manipulation": "manipulation",
              "wrong_language": "wrong_language", "invented_numbers": "invented_numbers"}

# Heuristics earn their vote on real replies: precision for "the reply people rejected or ranked lowest"
# where each fired (fired, precision; bench/RESULTS.md, *Fusion on real replies*: HH-RLHF 1,800 and
# OpenAssistant 424 replies). Below 0.9 a heuristic does not vote bad; it stays a feature of the end
# model and a triage signature. Refusal is the exception, kept voting: most of its fires there are
# refusals of harmful requests, the answer people chose (harmless-base), while a refusal of an ordinary
# request is a failure; without its vote the sample's end-model AUC fell from 0.965 to 0.949. Not
# measured (too rare there): truncated by length (a fact of the call), wrong_language (1 fire), latency
# (simulated there). An empty reply is bad whatever votes (critic.combine.label).
HEURISTIC_PRECISION = {"refusal": (11, 0.45), "invented_numbers": (9, 0.56), "judge_manipulation": (7, 0.43)}
KEEPS_VOTE = ("refusal",)
NO_VOTE = tuple(name for name, (_fired, precision) in HEURISTIC_PRECISION.items()
                if precision < 0.9 and name not in KEEPS_VOTE)

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


def _critic_votes(config: Config, rubrics: list[str]) -> str:
    """SQL for critic votes: by rank among the same judge's scores on that rubric, and by absolute score.

    A score in the judge's lowest share votes bad, in its highest share good if configured (mid-rank
    of ties, over at least MIN_RANKED scores; for a calibrated judge only when its absolute votes
    reach less than that share); a calibrated judge's score at or below `bad` (default 2)
    votes bad whatever its rank, and at or above `good` (if set) votes good.
    """
    def case(values: dict[str, float | None]) -> str:  # CASE rubric arms; a CASE needs one arm, so a dummy if none
        return " ".join(f"WHEN '{r.replace(chr(39), chr(39) * 2)}' THEN {'NULL' if v is None else v}"
                        for r, v in values.items()) or "WHEN '' THEN NULL"

    by_rank = {r: quantiles(config, r) for r in rubrics}
    relative = ", ".join(f"'{j}'" for j in RELATIVE_JUDGES)
    absolute = f"judge NOT IN ({relative})"
    t_bad = f"CASE rubric {case({r: thresholds(config, r)[0] for r in rubrics})} END"
    # by rank: the embedded judge always; a calibrated judge where its absolute votes reach less than the share
    ranked = f"n >= {MIN_RANKED} AND (judge IN ({relative}) OR share_low < q_bad)"
    return f"""
        SELECT interaction_id, 'critic:' || rubric || '@' || judge AS source,
               CASE WHEN {absolute} AND expected <= t_bad THEN {BAD}
                    WHEN {ranked} AND rank_q <= q_bad THEN {BAD}
                    WHEN {absolute} AND expected >= t_good THEN {GOOD}
                    WHEN {ranked} AND rank_q >= q_good THEN {GOOD} END AS vote
        FROM (
            SELECT interaction_id, rubric, judge, expected, count(*) OVER w AS n,
                   avg(CASE WHEN expected <= {t_bad} THEN 1 ELSE 0 END) OVER w AS share_low,
                   -- mid-rank of ties, as a share: (scores below + scores at or below) / 2n
                   ((rank() OVER o - 1) + cume_dist() OVER o * count(*) OVER w) / (2 * count(*) OVER w) AS rank_q,
                   {t_bad} AS t_bad,
                   CASE rubric {case({r: thresholds(config, r)[1] for r in rubrics})} END AS t_good,
                   CASE rubric {case({r: q[0] for r, q in by_rank.items()})} END AS q_bad,
                   CASE rubric {case({r: q[1] for r, q in by_rank.items()})} END AS q_good
            FROM {latest_judgments()}
            WINDOW w AS (PARTITION BY rubric, judge), o AS (PARTITION BY rubric, judge ORDER BY expected))
    """


def votes_sql(store: Store, config: Config) -> str:
    """SQL for the long table (interaction_id, source, vote) of every non-abstaining built-in vote.

    Reads the text signals of the interactions being labelled from the temp table label_signals
    (critic.store.signals, made once by label_matrix and read again by the end model).
    """
    rubrics = [r[0] for r in store.con.execute("SELECT DISTINCT rubric FROM judgments ORDER BY 1").fetchall()]
    event_case = " ".join(f"WHEN '{k}' THEN {v}" for k, v in EVENT_VOTES.items())
    fired = ", ".join(f"({column} > 0)::INTEGER AS {name}" for name, column in HEURISTICS.items())
    return f"""
        {_critic_votes(config, rubrics)}
        UNION ALL
        SELECT DISTINCT interaction_id, 'event:' || kind, CASE kind {event_case} END
        FROM events WHERE kind IN ({", ".join(f"'{k}'" for k in EVENT_VOTES)})
        UNION ALL
        SELECT id, 'heuristic:' || signal, {BAD} FROM (
            UNPIVOT (SELECT id, {fired} FROM label_signals) ON {", ".join(HEURISTICS)} INTO NAME signal VALUE fired)
        WHERE fired = 1 AND signal NOT IN ({", ".join(f"'{h}'" for h in NO_VOTE)})
        UNION ALL
        SELECT id, 'heuristic:latency_over_p99', {BAD} FROM (
            SELECT id, latency_ms, quantile_cont(latency_ms, 0.99) OVER (PARTITION BY feature) AS p99
            FROM interactions WHERE latency_ms IS NOT NULL)
        WHERE latency_ms > p99
    """


def load_user_sources(config: Config) -> dict[str, UserSource]:
    """User-defined sources from [label] sources = ["module:function", ...] in critic.toml."""
    found: dict[str, UserSource] = {}
    for spec in config.raw.get("label", {}).get("sources", []):
        module_name, _, attr = str(spec).partition(":")
        try:
            func = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError, ValueError) as exc:
            raise ConfigError(f"{config.path}: [label] sources: cannot load {spec!r} ({exc}); "
                              "give 'module:function' importable from the current folder") from exc
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
