"""Position bias from pairwise verdicts recorded in both orders (LLMBar's result.json, or JSONL).

This is the evidence for why critic scores one output at a time: a judge asked "which is
better?" often changes its answer when the two outputs swap places.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from critic import jsonl
from critic.errors import InputError


@dataclass(frozen=True)
class Verdicts:
    """One pair: the winner (1 or 2, original index) shown in the original and in the swapped order."""

    winner_original: int | None  # None: the judge's reply named no winner (never correct)
    winner_swapped: int | None
    label: int | None  # the gold winner, where known


@dataclass(frozen=True)
class PositionStats:
    """Positional agreement, accuracy per order, and how often the first-shown output wins."""

    n: int
    agreement: float  # same winner in both orders (LLMBar's 'equal')
    first_position_rate: float  # share of all verdicts that picked the output shown first
    accuracy_original: float | None  # LLMBar's correct_False
    accuracy_swapped: float | None  # correct_True
    accuracy_average: float | None
    correct_both: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_recorded(path: str) -> list[Verdicts]:
    """Verdicts from LLMBar's result.json (a JSON list) or a JSONL of {winner_original, winner_swapped, label?}."""
    if path.endswith(".json"):
        try:
            rows = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(path, None, f"not readable JSON ({exc})") from exc
        return [_from_llmbar(path, i, row) for i, row in enumerate(rows)]
    return [_from_line(path, lineno, row) for lineno, row in jsonl.records(path)]


def position_stats(verdicts: list[Verdicts]) -> PositionStats:
    """The position-bias figures over VERDICTS."""
    n = len(verdicts)
    if not n:
        raise InputError("--recorded", None, "no verdicts to analyse")
    agree = sum(v.winner_original == v.winner_swapped for v in verdicts) / n  # as LLMBar counts: no winner twice agrees
    # Original order shows output 1 first; swapped order shows output 2 first.
    first = sum((v.winner_original == 1) + (v.winner_swapped == 2) for v in verdicts) / (2 * n)
    gold = [v for v in verdicts if v.label is not None]
    if not gold:
        return PositionStats(n, round(agree, 4), round(first, 4), None, None, None, None)
    original = sum(v.winner_original == v.label for v in gold) / len(gold)
    swapped = sum(v.winner_swapped == v.label for v in gold) / len(gold)
    both = sum(v.winner_original == v.label == v.winner_swapped for v in gold) / len(gold)
    return PositionStats(
        n,
        round(agree, 4),
        round(first, 4),
        round(original, 4),
        round(swapped, 4),
        round((original + swapped) / 2, 4),
        round(both, 4),
    )


def _from_llmbar(path: str, index: int, row: dict[str, Any]) -> Verdicts:
    try:
        result = row["results"][0]
        return Verdicts(
            _winner(result["swap = False"]["winner"]),
            _winner(result["swap = True"]["winner"]),
            _winner(row.get("label")),
        )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise InputError(
            path,
            f"item {index}",
            f"expected LLMBar's results[0]['swap = False'/'swap = True']['winner'] and 'label' ({exc!r})",
        ) from exc


def _from_line(path: str, lineno: int, row: dict[str, Any]) -> Verdicts:
    try:
        return Verdicts(_winner(row["winner_original"]), _winner(row["winner_swapped"]), _winner(row.get("label")))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            path, lineno, f"each line needs winner_original and winner_swapped (1 or 2) ({exc!r})"
        ) from exc


def _winner(value: Any) -> int | None:
    if value is None:
        return None
    winner = int(value)
    if winner not in (1, 2):
        raise ValueError(f"a winner is 1 or 2, not {value!r}")
    return winner
