"""`critic distill`: train a student for one rubric from a judge's stored judgments or from human scores."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from critic.agreement import Scale, agreement
from critic.errors import CriticError
from critic.judge.backends.student import features
from critic.judge.backends.student.model import Student, train
from critic.rubrics import Rubric
from critic.scale import HIGH, LOW
from critic.store import Store
from critic.store.kept import (
    reviewed_fields,
    students,
    teacher_judgments,
    write_student,
)

MIN_ROWS = 30
CV_FIGURES = ("n", "spearman", "kendall", "mae", "within_1")


@dataclass(frozen=True)
class Rows:
    """Training rows: each interaction's fields, its target label (1–7) and its group for cross-validation."""

    fields: list[dict[str, Any]]
    y: np.ndarray
    groups: np.ndarray


def teacher_rows(store: Store, rubric: Rubric, teacher: str) -> Rows:
    """The TEACHER's ok judgments of logged traffic on this rubric version; grouped by session (else interaction)."""
    rows = teacher_judgments(store, teacher, rubric.name, rubric.version)
    return Rows([_fields(r) for r in rows], np.array([r[6] for r in rows], float), np.array([str(r[5]) for r in rows]))


def _fields(row: tuple[Any, ...]) -> dict[str, Any]:
    """The judged fields of a training row from the store (critic.store.kept: its first five columns)."""
    return dict(zip(("input", "output", "context", "reference", "finish_reason"), row[:5]))


# A verdict as a training target on the 1–7 scale: bad is the worst label; fine is one below the best (a
# reviewer who calls a reply fine says nothing went wrong, not that it could not be better).
VERDICT_TARGETS = {"bad": float(LOW), "ok": float(HIGH - 1)}


def gold_rows(store: Store, rubric: Rubric, teacher: str | None) -> Rows:
    """People's verdicts as targets (VERDICT_TARGETS), and TEACHER's judgments where nobody reviewed (when given)."""
    found = {r[7]: (_fields(r), VERDICT_TARGETS[r[6]], str(r[5])) for r in reviewed_fields(store)}
    if teacher:
        for r in teacher_judgments(store, teacher, rubric.name, rubric.version):
            found.setdefault(r[7], (_fields(r), float(r[6]), str(r[5])))
    ordered = [found[i] for i in sorted(found)]
    return Rows(
        [f for f, _, _ in ordered], np.array([y for _, y, _ in ordered], float), np.array([g for _, _, g in ordered])
    )


def human_rows(items: list[dict[str, Any]], rubric: Rubric, scale: Scale) -> Rows:
    """Items of a `critic calibrate --human` file (read_human), their human scores mapped onto 1–7."""
    y = scale.to_seven(np.array([item["human"][rubric.name] for item in items], float))
    groups = np.array([str(item.get("group") if item.get("group") is not None else item["id"]) for item in items])
    return Rows(items, y, groups)


def distill(store: Store, rows: Rows, *, name: str, rubric: Rubric, teacher: str, folds: int = 5) -> Student:
    """Fit, cross-validate (grouped K-fold) and store a student; it is returned with its CV figures."""
    if len(rows.y) < MIN_ROWS:
        raise CriticError(
            f"only {len(rows.y)} training rows for rubric {rubric.name!r} from {teacher} (at least "
            f"{MIN_ROWS} needed); judge more with `critic eval --judge {teacher} --rubric {rubric.name}`"
        )
    if len(set(rows.groups.tolist())) < folds:
        raise CriticError(f"{len(set(rows.groups.tolist()))} groups cannot be split into {folds} folds; lower --folds")
    x = features.featurize_many(rows.fields)
    student, held_out = train(name, rubric.name, teacher, list(features.NAMES), x, rows.y, rows.groups, folds)
    found = agreement(
        held_out.tolist(),
        rows.y.tolist(),
        groups=rows.groups.tolist() if len(set(rows.groups.tolist())) < len(rows.y) else None,
    )
    cv = {k: found[k] for k in CV_FIGURES} | {"folds": folds, "grouped": found.get("grouped")}
    digest = hashlib.sha256(
        json.dumps(
            [
                features.VERSION,
                rubric.version,
                teacher,
                rows.y.round(4).tolist(),
                [f.get("output") for f in rows.fields],
            ]
        ).encode()
    ).hexdigest()[:12]
    student = replace(student, version=digest, cv=cv)
    write_student(store, name, student.version, rubric.name, teacher, student.to_json())
    return student


def list_students(store: Store) -> list[dict[str, Any]]:
    """Every stored student version, newest first, with its CV figures."""
    rows = students(store)
    return [
        {
            "name": n,
            "version": v,
            "rubric": r,
            "teacher": t,
            "created_at": str(c),
            "n": json.loads(m)["n"],
            **{f"cv_{k}": json.loads(m)["cv"].get(k) for k in ("spearman", "mae", "within_1")},
        }
        for n, v, r, t, c, m in rows
    ]
