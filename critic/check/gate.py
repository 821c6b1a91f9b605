"""`critic check`: fail a change that makes outputs worse, with statistics, not vibes.

Both sides' outputs become evaluation items in the store (critic.judge.items: the id carries a
hash of the output, so an unchanged output is the same item and its judgment comes from the cache), are judged
pointwise, and are compared per rubric on the items both sides have: paired difference with a
bootstrap interval, Wilcoxon signed-rank test, the share that dropped by ≥ 2 labels and the
worst regressions. The verdict and the exit code come from the same GateResult.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import wilcoxon

from critic.combine.compare import compare_values
from critic.errors import CriticError, InputError
from critic.judge.items import Items, expected_scores, read_items
from critic.rubrics import Rubric
from critic.store import Store
from critic.store.kept import check_run_items, recent_check_runs, write_check_run


@dataclass(frozen=True)
class Thresholds:
    max_drop: float = 0.3  # labels: a significant drop smaller than this passes
    alpha: float = 0.05
    min_n: int = 10
    max_failed_share: float = 0.1  # unparseable or failed judgments above this share are an error


@dataclass
class RubricVerdict:
    rubric: str
    verdict: str  # regressed | improved | unchanged | insufficient evidence
    n: int
    baseline_mean: float | None
    candidate_mean: float | None
    diff: float | None
    diff_ci: tuple[float, float] | None
    p_value: float | None
    dropped_2_plus: float | None
    reason: str
    worst: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class GateResult:
    rubrics: list[RubricVerdict]
    failed_judgments: int = 0

    @property
    def passed(self) -> bool:
        return not any(r.verdict == "regressed" for r in self.rubrics)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 3

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "exit_code": self.exit_code,
            "failed_judgments": self.failed_judgments,
            "rubrics": [asdict(r) for r in self.rubrics],
        }


def record_check(store: Store, candidate: str, items: Items) -> str:
    """Keep this check's candidate outputs under a new run id (a later `--baseline RUN_ID`); return the id."""
    run_id = "check-" + uuid.uuid4().hex[:10]
    write_check_run(store, run_id, candidate, {k: {"id": v["id"], "output": v["output"]} for k, v in items.items()})
    return run_id


def read_side(store: Store, value: str) -> Items:
    """{id: record} from a JSONL file, or from the candidate of a recorded check run id."""
    if Path(value).is_file():
        return read_items(value)
    kept = check_run_items(store, value)
    if kept is None:
        recent = recent_check_runs(store)
        hint = f"recent check runs: {', '.join(recent)}" if recent else "no check runs are recorded in this store"
        raise InputError(value, None, f"neither a file nor a check run id in the store ({hint})")
    return kept


def gate(
    store: Store,
    judge_spec: str,
    rubrics: list[Rubric],
    pairs: dict[str, tuple[str, str]],
    sides: tuple[Items, Items],
    thresholds: Thresholds,
) -> GateResult:
    """Compare the judged sides per rubric and decide."""
    verdicts, failed = [], 0
    ids = sorted({i for pair in pairs.values() for i in pair})  # an unchanged output is one interaction
    for rubric in rubrics:
        scores = expected_scores(store, judge_spec, rubric, ids)
        failed += len(ids) - len(scores)
        items = [k for k, (b, c) in pairs.items() if b in scores and c in scores]
        base = np.array([scores[pairs[k][0]] for k in items])
        cand = np.array([scores[pairs[k][1]] for k in items])
        verdicts.append(decide(rubric.name, items, base, cand, thresholds, sides))
    total = len(ids) * len(rubrics)
    if total and failed / total > thresholds.max_failed_share:
        raise CriticError(
            f"{failed} of {total} judgments are unparseable or failed (more than "
            f"{thresholds.max_failed_share:.0%}); the check cannot be trusted — see critic eval's errors"
        )
    return GateResult(verdicts, failed)


def decide(
    rubric: str,
    items: list[str],
    base: np.ndarray,
    cand: np.ndarray,
    t: Thresholds,
    sides: tuple[Items, Items] | None = None,
) -> RubricVerdict:
    """The verdict for one rubric from paired baseline and candidate scores."""
    n = len(items)
    if n < t.min_n:
        return RubricVerdict(
            rubric,
            "insufficient evidence",
            n,
            None,
            None,
            None,
            None,
            None,
            None,
            f"only {n} paired items (--min-n {t.min_n})",
        )
    d = cand - base
    p_value = 1.0 if np.allclose(d, 0) else float(wilcoxon(cand, base, zero_method="wilcox").pvalue)
    metric = compare_values(rubric, cand, base, higher_is_better=True, pairs=(cand, base))
    diff = float(d.mean())
    if p_value < t.alpha and -diff > t.max_drop:
        verdict, reason = (
            "regressed",
            f"mean dropped {-diff:.2f} labels (> {t.max_drop}), Wilcoxon p = {p_value:.3g} < {t.alpha}",
        )
    elif p_value < t.alpha and diff > 0:
        verdict, reason = "improved", f"mean rose {diff:.2f} labels, Wilcoxon p = {p_value:.3g}"
    else:
        verdict, reason = "unchanged", f"change {diff:+.2f} labels, Wilcoxon p = {p_value:.3g}"
    order = np.argsort(d)[:5]
    worst = [
        {
            "id": items[i],
            "baseline": round(float(base[i]), 2),
            "candidate": round(float(cand[i]), 2),
            "output": (sides[1][items[i]]["output"] if sides else None),
        }
        for i in order
        if d[i] < 0
    ]
    return RubricVerdict(
        rubric,
        verdict,
        n,
        float(base.mean()),
        float(cand.mean()),
        diff,
        metric.diff_ci,
        p_value,
        float((d <= -2).mean()),
        reason,
        worst,
    )
