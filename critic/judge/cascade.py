"""`critic eval --cascade student:NAME --judge JUDGE`: the student judges everything; the judge only where it is unsure.

The items escalated to the (expensive) judge are the share the student is least sure of — the
widest label distribution — or those above an uncertainty; a seeded random audit share of the
rest goes to the judge too, and the student–judge agreement on the audited items is recorded
as a calibration of the student (`critic calibrate --history`), so student drift shows. The
choice depends only on the stored student judgments and the seed, so a re-run picks the same
items and, all of them judged, makes no call.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

from critic.agreement import agreement
from critic.config import Config
from critic.judge.backends.base import Judge
from critic.judge.run import Runner, RunResult, Selection, WorkItem, select_work
from critic.rubrics import Rubric
from critic.store import Store
from critic.store.judgments import judgment_probs, paired_scores
from critic.store.kept import write_calibrations


@dataclass(frozen=True)
class Plan:
    """How much goes to the judge: the share least sure (or an uncertainty above which), and an audit share."""

    escalate: float = 0.2
    escalate_when: float | None = None  # standard deviation (labels) of the student's distribution
    audit: float = 0.05
    seed: int = 0


@dataclass
class CascadeResult:
    student: RunResult
    teacher: RunResult
    items: int = 0
    escalated: int = 0
    audited: int = 0
    agreement: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "escalated": self.escalated,
            "audited": self.audited,
            "teacher_calls": self.teacher.judged,
            "teacher_reused": self.teacher.cached,
            "agreement": self.agreement,
        }


def uncertainty(probs: str | None) -> float:
    """Standard deviation (labels) of a stored label distribution; unknown counts as most uncertain."""
    if not probs:
        return math.inf
    dist = {int(k): float(v) for k, v in json.loads(probs).items()}
    mean = sum(k * p for k, p in dist.items())
    return math.sqrt(sum(p * (k - mean) ** 2 for k, p in dist.items()))


def choose(items: list[tuple[str, str]], spread: dict[tuple[str, str], float], plan: Plan) -> tuple[set, set]:
    """(escalated, audited) keys of ITEMS: the least sure by PLAN, then a seeded audit share of the rest."""

    def draw(key: tuple[str, str]) -> float:  # a fixed pseudo-random number per item and seed
        return int(hashlib.sha256(f"{plan.seed}:{key[0]}:{key[1]}".encode()).hexdigest()[:8], 16) / 16**8

    ranked = sorted(items, key=lambda k: (-spread.get(k, math.inf), draw(k)))
    if plan.escalate_when is not None:
        escalated = {k for k in ranked if spread.get(k, math.inf) >= plan.escalate_when}
    else:
        escalated = set(ranked[: int(round(plan.escalate * len(ranked)))])
    audited = {k for k in ranked if k not in escalated and draw(k) < plan.audit}
    return escalated, audited


def run_cascade(
    store: Store,
    student: Judge,
    teacher: Judge,
    config: Config,
    rubrics: list[Rubric],
    selection: Selection,
    plan: Plan,
    *,
    concurrency: int,
    budget_usd: float | None,
) -> CascadeResult:
    """Student on every selected item, the teacher on the escalated and audited ones; agreement recorded."""
    work = select_work(store, rubrics, student.spec, selection)
    student_run = asyncio.run(Runner(store, student, config, concurrency=concurrency, budget_usd=None).run(work))
    every = select_work(store, rubrics, student.spec, selection, finished=True)
    keys = [(w.interaction_id, w.rubric.name) for w in every]
    versions = [r.version for r in rubrics]
    spread = {(i, r): uncertainty(p) for i, r, p in judgment_probs(store, student.spec, versions)}
    escalated, audited = choose(keys, spread, plan)
    chosen = escalated | audited
    todo: list[WorkItem] = [
        w for w in select_work(store, rubrics, teacher.spec, selection) if (w.interaction_id, w.rubric.name) in chosen
    ]
    teacher_run = asyncio.run(Runner(store, teacher, config, concurrency=concurrency, budget_usd=budget_usd).run(todo))
    result = CascadeResult(student_run, teacher_run, len(keys), len(escalated), len(audited))
    result.agreement = _audit(store, student.spec, teacher.spec, rubrics, audited, record_it=teacher_run.judged > 0)
    return result


def _audit(
    store: Store, student: str, teacher: str, rubrics: list[Rubric], audited: set, *, record_it: bool
) -> dict[str, Any]:
    """Student–teacher agreement on the audited items, per rubric; recorded as a calibration of the student
    when the teacher judged anything new (a re-run that calls nobody adds no history row)."""
    found: dict[str, dict[str, Any]] = {}
    for rubric in rubrics:
        rows = paired_scores(store, student, teacher, rubric.name, rubric.version)
        pairs = [(s, t) for i, s, t in rows if (i, rubric.name) in audited]
        if len(pairs) < 2:
            found[rubric.name] = {"n": len(pairs)}
            continue
        figures = agreement([s for s, _ in pairs], [t for _, t in pairs])
        found[rubric.name] = {k: figures[k] for k in ("n", "spearman", "mae", "within_1")}
        if record_it:
            write_calibrations(
                store,
                [{"judge": student, "criterion": rubric.name, **figures}],
                f"cascade audit vs {teacher}",
                {rubric.name: rubric.version},
            )
    return found
