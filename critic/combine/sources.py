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

BAD, GOOD, ABSTAIN = 1, 0, -1
EVENT_VOTES = {"thumb_down": BAD, "thumb_up": GOOD, "regenerate": BAD, "abandon": BAD, "edit": BAD,
               "copy": GOOD, "escalate": BAD}
DEFAULT_THRESHOLDS = (2.0, 6.0)  # expected score ≤ 2 → bad, ≥ 6 → good
REFUSAL = r"(?i)(i'?m sorry,? but i (can'?t|cannot)|i (can'?t|cannot) (help|assist)|i('?m| am) unable to (help|assist)|as an ai\b)"
MANIPULATION = (r"(?i)(ignore (the|all|any|previous|your) (rubric|instructions|scale)|"
                r"(rate|score|grade|label) (this|it|me|the (reply|answer|response))( as| with)? (a )?[1-7]\b|"
                r"(answer|reply|respond) (with )?(only )?['\"]?[1-7]['\"]?\b|you are (the|a) (judge|grader|evaluator)|"
                r"⟦|⟧|</?(output|input|context)>)")

UserSource = Callable[[dict[str, Any]], int]


def thresholds(config: Config, rubric: str) -> tuple[float, float]:
    """(bad at or below, good at or above) for a rubric, from [label.thresholds.RUBRIC] or the default."""
    raw = config.raw.get("label", {}).get("thresholds", {}).get(rubric, {})
    return float(raw.get("bad", DEFAULT_THRESHOLDS[0])), float(raw.get("good", DEFAULT_THRESHOLDS[1]))


def votes_sql(store: Store, config: Config) -> str:
    """SQL for the long table (interaction_id, source, vote) of every non-abstaining built-in vote."""
    rubrics = [r[0] for r in store.con.execute("SELECT DISTINCT rubric FROM judgments").fetchall()]
    quoted = {r: "'" + r.replace("'", "''") + "'" for r in rubrics}
    bad_case = " ".join(f"WHEN {quoted[r]} THEN {thresholds(config, r)[0]}" for r in rubrics) or "WHEN '' THEN 0"
    good_case = " ".join(f"WHEN {quoted[r]} THEN {thresholds(config, r)[1]}" for r in rubrics) or "WHEN '' THEN 0"
    event_case = " ".join(f"WHEN '{k}' THEN {v}" for k, v in EVENT_VOTES.items())
    return f"""
        SELECT interaction_id, 'critic:' || rubric || '@' || judge AS source,
               CASE WHEN expected <= (CASE rubric {bad_case} END) THEN {BAD}
                    WHEN expected >= (CASE rubric {good_case} END) THEN {GOOD} END AS vote
        FROM judgments WHERE status = 'ok'
        QUALIFY row_number() OVER (PARTITION BY interaction_id, rubric, judge ORDER BY created_at DESC) = 1
        UNION ALL
        SELECT DISTINCT interaction_id, 'event:' || kind, CASE kind {event_case} END
        FROM events WHERE kind IN ({", ".join(f"'{k}'" for k in EVENT_VOTES)})
        UNION ALL
        SELECT id, 'heuristic:truncated_or_empty', {BAD} FROM interactions
        WHERE finish_reason = 'length' OR trim(output) = ''
        UNION ALL
        SELECT id, 'heuristic:refusal', {BAD} FROM interactions WHERE regexp_matches(output, '{REFUSAL.replace("'", "''")}')
        UNION ALL
        SELECT id, 'heuristic:judge_manipulation', {BAD} FROM interactions
        WHERE regexp_matches(output, '{MANIPULATION.replace("'", "''")}')
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
