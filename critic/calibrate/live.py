"""`critic calibrate --human FILE`: judge items people scored, now, and turn them into score rows.

FILE is a JSONL of {"id", "output", "input"?, "reference"?, "context"?, "human", "group"?}, where
"human" is a number (one rubric) or {criterion: number} keyed by rubric name. Items become
evaluation items in the store (an unchanged output is the same item, so re-running costs
nothing) and are judged with the given judge and rubrics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from critic import jsonl
from critic.calibrate.scores import ScoreRow
from critic.config import Config
from critic.errors import InputError
from critic.judge.backends.base import Judge
from critic.judge.items import expected_scores, judge_items, store_items, text_fields
from critic.rubrics import Rubric
from critic.store import Store


def read_human(path: str, rubrics: list[Rubric]) -> list[dict[str, Any]]:
    """Items of a --human file; each must carry a human score for every rubric (FILE:LINE otherwise)."""
    items, seen = [], set()
    for lineno, record in jsonl.records(path):
        if record.get("id") is None:
            raise InputError(path, lineno, "each line needs an 'id' and an 'output'")
        record = text_fields(path, lineno, record)
        if str(record["id"]) in seen:
            raise InputError(path, lineno, f"duplicate id {record['id']!r}")
        seen.add(str(record["id"]))
        human = record.get("human")
        scores = human if isinstance(human, dict) else {rubrics[0].name: human} if len(rubrics) == 1 else {}
        for rubric in rubrics:
            value = scores.get(rubric.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise InputError(
                    path,
                    lineno,
                    f"'human' needs a number for rubric {rubric.name!r} (a number, or {{\"{rubric.name}\": 5, ...}})",
                )
        items.append(
            {**record, "id": str(record["id"]), "human": {r.name: float(scores[r.name] or 0) for r in rubrics}}
        )
    if not items:
        raise InputError(path, None, "no items")
    return items


def judge_human(
    store: Store,
    judge: Judge,
    config: Config,
    rubrics: list[Rubric],
    items: list[dict[str, Any]],
    concurrency: int,
    progress: Callable[[int], None] | None = None,
) -> list[ScoreRow]:
    """Judge ITEMS (cached) and pair each expected score with its human score, per rubric."""
    ids = store_items(store, [{k: v for k, v in item.items() if k != "human"} for item in items])
    judge_items(store, judge, config, rubrics, ids, concurrency, progress)
    rows: list[ScoreRow] = []
    for rubric in rubrics:
        scores = expected_scores(store, judge.spec, rubric, ids)
        rows.extend(
            ScoreRow(
                item["id"],
                rubric.name,
                judge.spec,
                scores[iid],
                item["human"][rubric.name],
                None if item.get("group") is None else str(item["group"]),
            )
            for item, iid in zip(items, ids)
            if iid in scores
        )
    return rows
