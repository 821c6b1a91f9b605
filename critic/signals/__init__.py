# SPDX-License-Identifier: Apache-2.0
"""What the text and metadata of an interaction say is wrong with it: one list, read by every stage.

Each signal is defined once here: its name (a column of the store's signals query, a feature of
the end model, a triage signature), how it is computed (a DuckDB expression over one interaction
row `i`, vectorized: a million rows in seconds), how the report names it, the heuristic labeling
source it feeds (if any), its measured precision (which decides whether that source votes), and its
precedence as a triage signature; the list's order is the column order of the store's signals query. The label
model's sources (critic.combine.sources), the end model's features (critic.combine.endmodel) and
triage's signatures (critic.triage.signature) all read SIGNALS, so adding a heuristic is one entry.

The ground floor: this package imports nothing from critic above the ground floor (critic.sql).
"""

from __future__ import annotations

from dataclasses import dataclass

from critic.signals.manipulation import GATE
from critic.signals.patterns import ENGLISH, FOREIGN, GROUNDED_INPUT, NUMBER, REFUSAL
from critic.sql import literal as _q


@dataclass(frozen=True)
class Signal:
    """One thing an interaction's text or metadata says is wrong with it."""

    name: str
    sql: str  # a DuckDB expression over the interaction row `i`: 0 or more (a flag, or a count)
    title: str  # how the report names the failure
    precedence: int  # as a triage signature: the first that holds names the problem (lower first)
    source: str | None = None  # the heuristic labeling source it feeds: heuristic:SOURCE
    precision: tuple[int, float] | None = None  # measured: (times fired, precision) on real replies
    keeps_vote: bool = False  # votes whatever its measured precision (see SIGNALS)
    weak: bool = False  # a weak signature: ranked after the critic scores in triage
    suspect: bool = False  # where it fires, the judge's scores are suspect: critic's votes abstain there

    @property
    def votes(self) -> bool:
        """Whether its source votes bad: measured precision at least MIN_PRECISION, or not measured, or kept."""
        measured = self.precision is None or self.precision[1] >= MIN_PRECISION
        return self.source is not None and (measured or self.keeps_vote)


MIN_PRECISION = 0.9  # below it, a heuristic is evidence (a feature, a signature), not a vote


_FAILED = "coalesce(i.finish_reason = 'error', false)"
_MATERIAL = "lower(coalesce(i.input, '') || ' ' || coalesce(i.context, '') || ' ' || coalesce(i.reference, ''))"


def _count(column: str, pattern: str) -> str:
    return f"len(regexp_extract_all(lower({column}), {_q(pattern)}))"


_IN_INPUT = "coalesce(i.input, '')"

# Precision for "the reply people rejected or ranked lowest" where each fired (bench/RESULTS.md,
# *Fusion on real replies*: HH-RLHF 1,800 and OpenAssistant 424 replies). Below MIN_PRECISION a heuristic does
# not vote bad; it stays a feature of the end model and a triage signature. Refusal is the exception,
# kept voting: most of its fires there are refusals of harmful requests, the answer people chose
# (harmless-base), while a refusal of an ordinary request is a failure; without its vote the sample's
# end-model AUC fell from 0.965 to 0.949. Not measured (too rare there): truncated by length (a fact of
# the call), wrong_language (1 fire). An empty reply is bad whatever votes (critic.combine.label).
SIGNALS: tuple[Signal, ...] = (
    # the call failed: the user got an error, not a reply (P(bad) = 1 in the label; no vote needed)
    Signal("failed", f"{_FAILED}::INTEGER", "failed call (error)", 0),
    # the model hit its token limit, or an empty output (not for a failed call, nor a call logged without content)
    Signal(
        "truncated",
        f"(coalesce(i.finish_reason = 'length', false) "
        f"OR (i.has_content AND NOT {_FAILED} AND trim(i.output) = ''))::INTEGER",
        "truncated or empty (finish_reason=length)",
        1,
        source="truncated_or_empty",
    ),
    Signal(
        "refusal",
        f"regexp_matches(i.output, {_q(REFUSAL)})::INTEGER",
        "refusal",
        2,
        source="refusal",
        precision=(11, 0.45),
        keeps_vote=True,
    ),
    # the output's function words are mostly not English while the input's are
    Signal(
        "wrong_language",
        f"({_count('i.output', FOREIGN)} >= 2 "
        f"AND 2 * {_count('i.output', FOREIGN)} >= {_count('i.output', ENGLISH)} "
        f"AND {_count(_IN_INPUT, ENGLISH)} >= {_count(_IN_INPUT, FOREIGN)})::INTEGER",
        "reply not in the question's language",
        3,
        source="wrong_language",
    ),
    # numbers in a grounded output that appear nowhere in the input, context or reference (a count)
    Signal(
        "invented_numbers",
        f"CASE WHEN i.context IS NOT NULL OR i.reference IS NOT NULL "
        f"OR length(i.input) > {GROUNDED_INPUT} "
        f"THEN len(list_filter(list_distinct(regexp_extract_all(i.output, {_q(NUMBER)})), "
        f"lambda x: length(x) > 1 AND NOT contains({_MATERIAL}, x))) ELSE 0 END",
        "numbers found nowhere in the input or context",
        5,
        source="invented_numbers",
        precision=(9, 0.56),
    ),
    # a longer output that stops without closing punctuation; weak: a list or a code block ends so too
    Signal(
        "mid_sentence",
        "(length(i.output) > 120 AND NOT regexp_matches(rtrim(i.output), '[.!?…:;)\"\\]*`>]$'))::INTEGER",
        "stops mid-sentence",
        6,
        weak=True,
    ),
    # the output tries to steer the judge (critic.signals.manipulation): an RE2 gate in SQL, then the
    # detector itself, registered on every store connection as critic_manipulation(text)
    Signal(
        "manipulation",
        f"(CASE WHEN NOT regexp_matches(i.output, '^[\\x00-\\x7F]*$') "
        f"OR regexp_matches(i.output, {_q(GATE)}, 'i') "
        f"OR regexp_matches(translate(i.output, '013457@$', 'oieastas'), {_q(GATE)}, 'i') "
        f"THEN critic_manipulation(i.output) ELSE false END)::INTEGER",
        "addresses the judge (manipulation)",
        4,
        source="judge_manipulation",
        precision=(7, 0.43),
        suspect=True,
    ),
)
NAMES = tuple(s.name for s in SIGNALS)
BY_NAME = {s.name: s for s in SIGNALS}
# heuristic:SOURCE → the signal it votes with; latency_over_p99 is computed apart (critic.combine.sources)
HEURISTICS = {s.source: s.name for s in SIGNALS if s.source}
NO_VOTE = tuple(s.source for s in SIGNALS if s.source and not s.votes)
SUSPECT = tuple(s.name for s in SIGNALS if s.suspect)  # signals that make the judge's scores suspect
