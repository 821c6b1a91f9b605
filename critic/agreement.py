"""Agreement metrics between judge scores and human scores, checked by hand in the tests.

Human scales that are not 1–7 are mapped linearly onto 1–7 for the distance metrics (MAE,
within one label, exact agreement, confusion matrix, quadratic κ); rank correlations use the
raw values. The grouped variant follows the summarization meta-evaluation protocol:
correlate within each group (e.g. source document), skip groups where either side is
constant, and average.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import kendalltau, pearsonr, spearmanr

from critic import scale
from critic.errors import ConfigError


@dataclass(frozen=True)
class Scale:
    """A human rating scale [low, high], mapped linearly onto critic's (critic.scale)."""

    low: float
    high: float

    @classmethod
    def parse(cls, text: str) -> Scale:
        try:
            low, high = (float(x) for x in text.split("-", 1))
        except ValueError as exc:
            raise ConfigError(f"--human-scale {text!r}: write it as LOW-HIGH, e.g. 1-5 or 0-1") from exc
        if high <= low:
            raise ConfigError(f"--human-scale {text!r}: HIGH must be above LOW")
        return cls(low, high)

    def to_seven(self, values: np.ndarray) -> np.ndarray:
        span = scale.HIGH - scale.LOW
        return scale.LOW + span * (values - self.low) / (self.high - self.low)


SEVEN = Scale(scale.LOW, scale.HIGH)


def _corr(func: object, a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 2 or np.all(a == a[0]) or np.all(b == b[0]):
        return None
    value = float(func(a, b)[0])  # type: ignore[operator]
    return None if math.isnan(value) else value


def quadratic_kappa(a: np.ndarray, b: np.ndarray) -> float | None:
    """Cohen's κ with quadratic weights over the labels 1–7 (inputs rounded to labels)."""
    a_lab = np.clip(np.rint(a), scale.LOW, scale.HIGH).astype(int) - scale.LOW
    b_lab = np.clip(np.rint(b), scale.LOW, scale.HIGH).astype(int) - scale.LOW
    n = len(scale.LABELS)
    observed = np.zeros((n, n))
    np.add.at(observed, (a_lab, b_lab), 1)
    weights = np.array([[(i - j) ** 2 / (n - 1) ** 2 for j in range(n)] for i in range(n)])
    expected = np.outer(observed.sum(1), observed.sum(0)) / max(len(a), 1)
    denominator = (weights * expected).sum()
    if denominator == 0:
        return None
    return float(1 - (weights * observed).sum() / denominator)


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float | None:
    """Cohen's κ of two raters' labels (any values; unweighted); None where chance agreement is total."""
    a, b = np.asarray(a), np.asarray(b)
    if not len(a):
        return None
    labels = np.union1d(a, b)
    observed = float((a == b).mean())
    expected = float(sum((a == k).mean() * (b == k).mean() for k in labels))
    return None if expected >= 1 else round((observed - expected) / (1 - expected), 4)


def confusion(judge: np.ndarray, human: np.ndarray) -> list[list[int]]:
    """7×7 counts: rows the human label, columns the judge label (both rounded to 1–7)."""
    matrix = np.zeros((len(scale.LABELS), len(scale.LABELS)), dtype=int)
    j = np.clip(np.rint(judge), scale.LOW, scale.HIGH).astype(int) - scale.LOW
    h = np.clip(np.rint(human), scale.LOW, scale.HIGH).astype(int) - scale.LOW
    np.add.at(matrix, (h, j), 1)
    return matrix.tolist()


def agreement(
    judge: Sequence[float],
    human: Sequence[float],
    *,
    judge_scale: Scale = SEVEN,
    human_scale: Scale = SEVEN,
    groups: Sequence[str] | None = None,
) -> dict[str, object]:
    """Every agreement figure `critic calibrate` reports for one (judge, criterion)."""
    j_raw, h_raw = np.asarray(judge, float), np.asarray(human, float)
    j7, h7 = judge_scale.to_seven(j_raw), human_scale.to_seven(h_raw)
    distance = np.abs(j7 - h7)
    result: dict[str, object] = {
        "n": len(j_raw),
        "mae": float(distance.mean()) if len(distance) else None,
        "within_1": float((distance <= 1).mean()) if len(distance) else None,
        "exact": float((np.rint(j7) == np.rint(h7)).mean()) if len(distance) else None,
        "pearson": _corr(pearsonr, j_raw, h_raw),
        "spearman": _corr(spearmanr, j_raw, h_raw),
        "kendall": _corr(kendalltau, j_raw, h_raw),
        "kappa_quadratic": quadratic_kappa(j7, h7) if len(distance) else None,
        "confusion": confusion(j7, h7),
    }
    if groups is not None:
        result["grouped"] = grouped(j_raw, h_raw, np.asarray(groups))
    return result


def grouped(judge: np.ndarray, human: np.ndarray, groups: np.ndarray) -> dict[str, object]:
    """Per-group correlations averaged over the groups where both sides vary."""
    found: dict[str, list[float]] = {"pearson": [], "spearman": [], "kendall": []}
    for g in np.unique(groups):
        mask = groups == g
        for name, func in (("pearson", pearsonr), ("spearman", spearmanr), ("kendall", kendalltau)):
            value = _corr(func, judge[mask], human[mask])
            if value is not None:
                found[name].append(value)
    out: dict[str, object] = {k: (float(np.mean(v)) if v else None) for k, v in found.items()}
    out["groups"] = len(found["pearson"])
    return out
