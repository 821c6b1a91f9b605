"""The student: a ridge regression for the expected label and a second one for its spread.

Both are linear on standardized features, so a student is a few arrays and a JSON document
(never a pickle, which would run code from a store file). Its label distribution is a
discretized normal around the expected label with the predicted spread, so it has an
uncertainty per item: the spread model is fitted on out-of-fold absolute errors.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from critic.judge.records import to_distribution

ALPHA = 1.0  # ridge strength on standardized features
MIN_SPREAD = 0.3  # labels: no student is surer than this


@dataclass(frozen=True)
class Student:
    """A fitted student for one rubric."""

    name: str
    rubric: str
    teacher: str
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    spread_coef: list[float]
    spread_intercept: float
    version: str = ""
    n: int = 0
    cv: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> str:
        return f"student:{self.name}@{self.version}"

    def _z(self, x: np.ndarray) -> np.ndarray:
        return (np.atleast_2d(x) - np.array(self.mean)) / np.array(self.scale)

    def expected(self, x: np.ndarray) -> np.ndarray:
        """Expected labels (1–7) for rows of features X."""
        return np.clip(self._z(x) @ np.array(self.coef) + self.intercept, 1.0, 7.0)

    def spread(self, x: np.ndarray) -> np.ndarray:
        """Predicted spread (labels) of the teacher's label around the expected one."""
        return np.maximum(self._z(x) @ np.array(self.spread_coef) + self.spread_intercept, MIN_SPREAD)

    def distribution(self, x: np.ndarray) -> dict[int, float]:
        """The label distribution for one row of features."""
        return to_distribution(float(self.expected(x)[0]), float(self.spread(x)[0]))

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Student:
        return cls(**json.loads(text))


def fit(x: np.ndarray, y: np.ndarray) -> tuple[list[float], list[float], list[float], float]:
    """(mean, scale, coef, intercept) of a ridge regression of Y on standardized X."""
    from sklearn.linear_model import Ridge

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = Ridge(alpha=ALPHA).fit((x - mean) / scale, y)
    return mean.tolist(), scale.tolist(), model.coef_.tolist(), float(model.intercept_)


def cross_fit(x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int) -> np.ndarray:
    """Out-of-fold predictions of Y, folds grouped so no group is in both training and test."""
    from sklearn.model_selection import GroupKFold

    out = np.empty(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        mean, scale, coef, intercept = fit(x[train], y[train])
        out[test] = np.clip(((x[test] - mean) / scale) @ np.array(coef) + intercept, 1.0, 7.0)
    return out


def train(
    name: str, rubric: str, teacher: str, names: list[str], x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int
) -> tuple[Student, np.ndarray]:
    """The student fitted on all rows, and its out-of-fold predictions (for the CV figures)."""
    held_out = cross_fit(x, y, groups, folds)
    # A normal's mean absolute deviation is σ·√(2/π): fit the spread on |error|·√(π/2).
    mean, scale, coef, intercept = fit(x, y)
    _, _, spread_coef, spread_intercept = fit(x, np.abs(y - held_out) * math.sqrt(math.pi / 2))
    student = Student(
        name, rubric, teacher, names, mean, scale, coef, intercept, spread_coef, spread_intercept, n=len(y)
    )
    return student, held_out
