"""Failure signatures: what the evidence says is wrong with a likely-bad interaction, before what it talks about.

A problem in the report is one root cause, so interactions are grouped first by signature —
the first of these that holds — and only then, inside a signature, by topic:

1. a failed call (the user got an error), then a text signal (critic.signals): truncated,
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

from datetime import datetime

from critic.signals import SIGNALS
from critic.store import Store
from critic.store.triage import low_score_rubrics, signals_of

USER_ONLY = "user signals"
LOW_RANK = 0.1
LABELS = {s.name: s.title for s in SIGNALS}
_BY_PRECEDENCE = sorted(SIGNALS, key=lambda s: s.precedence)
ORDER = tuple(s.name for s in _BY_PRECEDENCE if not s.weak)  # the first that holds names the problem
WEAK = tuple(s.name for s in _BY_PRECEDENCE if s.weak)  # after the critic scores: a list or code block ends so too


def signatures(store: Store, ids: list[str], since: datetime, until: datetime) -> dict[str, str]:
    """{id: signature} for IDS; scores are ranked among the interactions judged in [SINCE, UNTIL)."""
    if not ids:
        return {}
    signals = signals_of(store, ids)
    low = low_score_rubrics(store, ids, since, until, LOW_RANK)
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
