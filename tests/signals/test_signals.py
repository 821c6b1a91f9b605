"""The one list of signals: who votes, in which order triage reads them, what the store computes."""

from __future__ import annotations

from critic.signals import HEURISTICS, MIN_PRECISION, NAMES, NO_VOTE, SIGNALS, Signal
from critic.triage.signature import ORDER, WEAK


def test_a_heuristic_votes_only_at_the_precision_it_earned() -> None:
    assert set(NO_VOTE) == {"invented_numbers", "judge_manipulation"}  # 0.56 and 0.43 on real replies
    assert all(
        s.votes == (s.precision is None or s.precision[1] >= MIN_PRECISION or s.keeps_vote) for s in SIGNALS if s.source
    )
    weak = Signal("new", "0", "a new heuristic", 9, source="new", precision=(50, 0.6))
    assert not weak.votes and Signal("x", "0", "x", 9, source="x", precision=(50, 0.95)).votes
    assert not Signal("y", "0", "y", 9).votes  # no source: evidence only


def test_triage_reads_the_signatures_by_precedence() -> None:
    assert ORDER == ("failed", "truncated", "refusal", "wrong_language", "manipulation", "invented_numbers")
    assert WEAK == ("mid_sentence",)
    assert set(HEURISTICS.values()) <= set(NAMES) and len(set(NAMES)) == len(NAMES)


def test_the_column_order_is_the_one_the_end_model_learned_on() -> None:
    assert NAMES == (
        "failed",
        "truncated",
        "refusal",
        "wrong_language",
        "invented_numbers",
        "mid_sentence",
        "manipulation",
    )
