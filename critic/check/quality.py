"""`assert_quality`: a quality check inside a team's own test suite (also the `critic_quality` pytest fixture)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from critic.config import load_config
from critic.judge.backends import resolve_judge
from critic.judge.items import expected_scores, judge_items, store_items
from critic.rubrics import resolve_rubric
from critic.store import Store, default_db_path


@dataclass(frozen=True)
class Quality:
    rubric: str
    n: int
    mean: float
    scores: dict[str, float]


def assert_quality(
    outputs: Sequence[str | dict[str, Any]],
    *,
    rubric: str = "accuracy",
    min_mean: float = 5.5,
    judge: str | None = None,
    base_url: str | None = None,
    db: str | None = None,
    concurrency: int = 16,
) -> Quality:
    """Judge OUTPUTS (cached) on RUBRIC; fail with the worst items when the mean expected score is below MIN_MEAN.

    Each output is a string or a dict with `output` and optionally `id`, `input`, `reference`, `context`.
    """
    records = [
        {"id": str(k), "output": o} if isinstance(o, str) else {"id": str(o.get("id", k)), **o}
        for k, o in enumerate(outputs)
    ]
    config = load_config()
    the_judge = resolve_judge(judge, config, base_url=base_url)
    spec = the_judge.spec
    the_rubric = resolve_rubric(rubric, config.rubric_paths)
    with Store.open(db or default_db_path()) as store:
        ids = store_items(store, records)
        judge_items(store, the_judge, config, [the_rubric], ids, concurrency)
        rows = expected_scores(store, spec, the_rubric, ids)
    scores = {r["id"]: rows[i] for r, i in zip(records, ids) if i in rows}
    if len(scores) < len(records):
        raise AssertionError(
            f"critic: {len(records) - len(scores)} of {len(records)} outputs could not be judged "
            f"on {rubric} by {spec}; see the judgments table in the store"
        )
    mean = sum(scores.values()) / len(scores)
    if mean < min_mean:
        worst = sorted(records, key=lambda r: scores[r["id"]])[:5]
        lines = [f"  {scores[r['id']]:.2f}  {r['id']}: {r['output'][:120]!r}" for r in worst]
        raise AssertionError(
            f"critic: mean {rubric} {mean:.2f} < {min_mean} over {len(scores)} outputs "
            f"(judge {spec}); worst:\n" + "\n".join(lines)
        )
    return Quality(rubric, len(scores), mean, scores)
