"""Failure signatures: what the evidence says is wrong with a likely-bad interaction, before what it talks about.

A problem in the report is one root cause, so interactions are grouped first by signature —
the first of these that holds — and only then, inside a signature, by topic:

1. a failed call (the user got an error), then a text signal (critic.store.signals): truncated,
   refusal, wrong language, judge manipulation, invented numbers, stops mid-sentence;
2. a low critic score: the rubric on which the interaction ranks lowest among the period's
   judged interactions, when it is in that rubric's bottom LOW_RANK (ranks, not raw scores, so
   an uncalibrated judge works too) or scored ≤ 2;
3. otherwise "user signals": only thumbs and behaviour called it bad.

The last two are weak (`is_weak`): a noisy judge's bottom ranks hold good replies too, and a
thumbs-down says nothing of why, so those groups are split by topic and context into separate
problems.
"""

from __future__ import annotations

from critic.store import Store
from critic.store.signals import signals_sql
from critic.store.views import IN_PERIOD, shown_judgments

USER_ONLY = "user signals"
LOW_RANK = 0.1
LABELS = {
    "failed": "failed call (error)",
    "truncated": "truncated or empty (finish_reason=length)",
    "refusal": "refusal",
    "wrong_language": "reply not in the question's language",
    "manipulation": "addresses the judge (manipulation)",
    "invented_numbers": "numbers found nowhere in the input or context",
    "mid_sentence": "stops mid-sentence",
}
ORDER = ("failed", "truncated", "refusal", "wrong_language", "manipulation", "invented_numbers")
WEAK = ("mid_sentence",)  # after the critic scores: a list or a code block ends without a full stop too


def signatures(store: Store, ids: list[str], since: object, until: object) -> dict[str, str]:
    """{id: signature} for IDS; scores are ranked among the interactions judged in [SINCE, UNTIL)."""
    if not ids:
        return {}
    con = store.con
    con.execute("CREATE OR REPLACE TEMP TABLE signature_ids AS SELECT unnest(?) AS id", [ids])
    signals = {r[0]: dict(zip(ORDER + WEAK, r[1:])) for r in con.execute(
        f"SELECT id, {', '.join(ORDER + WEAK)} FROM ({signals_sql('signature_ids')})").fetchall()}
    low = dict(con.execute(f"""
        WITH j AS (
            SELECT interaction_id, rubric, expected, percent_rank() OVER (PARTITION BY rubric ORDER BY expected) AS r
            FROM {shown_judgments(IN_PERIOD)})
        SELECT interaction_id, arg_min(rubric, r) FROM j JOIN signature_ids s ON s.id = j.interaction_id
        WHERE r <= ? OR expected <= 2 GROUP BY 1""", [since, until, LOW_RANK]).fetchall())
    return {i: _signature(signals.get(i, {}), low.get(i)) for i in ids}


def _signature(signals: dict[str, int], low_rubric: str | None) -> str:
    for name in ORDER:
        if signals.get(name):
            return name
    if low_rubric:
        return f"low {low_rubric} score"
    for name in WEAK:
        if signals.get(name):
            return name
    return USER_ONLY


def is_weak(signature: str) -> bool:
    """A signature that does not say what went wrong by itself ("user signals", a low score): split by topic too."""
    return signature == USER_ONLY or signature.startswith("low ")


def label(signature: str) -> str:
    """How a signature reads in a problem's name."""
    return LABELS.get(signature, signature)
