"""`critic calibrate --scores`: agreement of recorded judge scores with human scores, per (judge, criterion)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from critic import jsonl
from critic.agreement import SEVEN, Scale, agreement
from critic.errors import InputError
from critic.store import Store
from critic.store.kept import calibrations

REQUIRED = ("id", "criterion", "judge", "score", "human")


@dataclass(frozen=True)
class ScoreRow:
    id: str
    criterion: str
    judge: str
    score: float
    human: float
    group: str | None


def read_scores(path: str) -> list[ScoreRow]:
    """Rows of a --scores JSONL file; a malformed line fails with FILE:LINE."""
    rows = []
    for lineno, record in jsonl.records(path):
        missing = [k for k in REQUIRED if record.get(k) is None]
        if missing:
            raise InputError(path, lineno, f"missing field {missing[0]!r}; each line needs {', '.join(REQUIRED)}")
        try:
            score, human = float(record["score"]), float(record["human"])
        except (TypeError, ValueError) as exc:
            raise InputError(path, lineno, "fields 'score' and 'human' must be numbers") from exc
        group = record.get("group")
        rows.append(
            ScoreRow(
                str(record["id"]),
                str(record["criterion"]),
                str(record["judge"]),
                score,
                human,
                None if group is None else str(group),
            )
        )
    return rows


def calibrate_scores(
    rows: list[ScoreRow], *, judge_scale: Scale = SEVEN, human_scale: Scale = SEVEN
) -> list[dict[str, Any]]:
    """One result per (judge, criterion), in order of first appearance."""
    by_key: dict[tuple[str, str], list[ScoreRow]] = defaultdict(list)
    for row in rows:
        by_key[(row.judge, row.criterion)].append(row)
    results = []
    for (judge, criterion), items in by_key.items():
        groups = [r.group or "" for r in items] if any(r.group for r in items) else None
        figures = agreement(
            [r.score for r in items],
            [r.human for r in items],
            judge_scale=judge_scale,
            human_scale=human_scale,
            groups=groups,
        )
        results.append({"criterion": criterion, "judge": judge, **figures})
    return results


def history(store: Store) -> list[dict[str, Any]]:
    """Every kept calibration, by judge, criterion and date."""
    out = []
    for created, judge, criterion, version, source, r in calibrations(store):
        out.append(
            {
                "date": str(created),
                "judge": judge,
                "criterion": criterion,
                "rubric_version": version,
                "source": source,
                "n": r["n"],
                "mae": r.get("mae"),  # a calibration against verdicts (--gold) has an AUC instead
                "within_1": r.get("within_1"),
                "spearman": r.get("spearman"),
                "kendall": r.get("kendall"),
                "auc": r.get("auc"),
            }
        )
    return out
