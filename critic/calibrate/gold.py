# SPDX-License-Identifier: Apache-2.0
"""`critic calibrate --gold`: each judge and rubric against the team's own reviewers, on its own traffic.

A verdict is bad or fine, a score is 1–7: agreement is how well the score ranks what people called bad
below what they called fine (ROC AUC of the reversed score), the mean score on each side, and how precise
and complete "score ≤ 2" (critic.scale.BAD_AT_OR_BELOW) is as a call of "bad".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from critic.scale import BAD_AT_OR_BELOW
from critic.store import Store
from critic.store.review import judged_verdicts


def calibrate_gold(store: Store) -> list[dict[str, Any]]:
    """One result per (judge, rubric) that scored reviewed interactions, by judge and rubric."""
    found: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)
    for rubric, judge, expected, verdict in judged_verdicts(store):
        found[(judge, rubric)].append((expected, verdict == "bad"))
    return [_figures(judge, rubric, pairs) for (judge, rubric), pairs in sorted(found.items())]


def _figures(judge: str, rubric: str, pairs: list[tuple[float, bool]]) -> dict[str, Any]:
    scores = np.array([s for s, _ in pairs], dtype=float)
    bad = np.array([b for _, b in pairs], dtype=bool)
    called = scores <= BAD_AT_OR_BELOW
    out: dict[str, Any] = {
        "judge": judge,
        "criterion": rubric,
        "n": len(pairs),
        "bad": int(bad.sum()),
        "auc": None,
        "mean_bad": _round(scores[bad].mean()) if bad.any() else None,
        "mean_ok": _round(scores[~bad].mean()) if (~bad).any() else None,
        "precision_low": _round(bad[called].mean()) if called.any() else None,
        "recall_low": _round(called[bad].mean()) if bad.any() else None,
    }
    if 0 < bad.sum() < len(bad):
        from sklearn.metrics import roc_auc_score

        out["auc"] = _round(float(roc_auc_score(bad, -scores)))
    return out


def _round(value: float) -> float:
    return round(float(value), 4)
