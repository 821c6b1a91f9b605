"""The end model: Snorkel's second step. The LabelModel's P(bad) trains a classifier over continuous evidence.

The LabelModel only sees votes, so a judge's 3s and 4s are thrown away and its output has few
distinct values. Here a logistic regression learns from the LabelModel's probabilistic labels
(each row twice: as bad with weight P(bad), as good with weight 1 − P(bad))
over features that keep their scale — each (rubric, judge)'s expected score and low-label
mass (missing: its own indicator, not a fake middle score), counts of each event kind, latency
relative to the feature's median, output length, and the text signals of critic.signals.
It is cross-fitted: no row is scored by a model that saw its own soft label. Each prediction
comes with the three features that pushed it up most (`drivers`), for the report and
`critic label --explain`.

People's verdicts (`critic review`) then correct it (`correct_with_gold`): a second logistic regression,
fitted on the reviewed rows alone with the end model's logit as its offset, learns how far each feature should
move that logit. The queue chooses what to review by P(bad), the sources' votes and these features, so given
those, the verdicts are an unbiased sample, and the correction holds on the unreviewed rest; weighing verdicts
into the end model itself fitted it to the queue's biased picture instead, and the queue lost to random
reviewing (bench/RESULTS.md, *People's verdicts as gold*).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from critic.combine.sources import EVENT_VOTES, RELATIVE_JUDGES
from critic.signals import NAMES as SIGNALS
from critic.store import Store
from critic.store.labels import base_features, event_counts, judge_scores

FOLDS = 5
MIN_ROWS = 50  # fewer rows than this: keep the LabelModel's P(bad), and say so
MAX_TRAIN = 200_000  # rows a fold trains on at most (a seeded sample beyond): 1M rows stay within seconds
C = 1.0  # inverse L2 strength on standardized features


@dataclass
class EndModel:
    """What the end model did: its kind, features, folds, a note, and the standardized weights."""

    kind: str  # "logistic" | "none"
    features: list[str]
    folds: int
    note: str
    weights: dict[str, float] = field(default_factory=dict)

    def as_dict(self, top: int = 10) -> dict[str, Any]:
        ranked = sorted(self.weights.items(), key=lambda kv: -abs(kv[1]))[:top]
        return {
            "kind": self.kind,
            "features": self.features,
            "folds": self.folds,
            "note": self.note,
            "top_weights": [{"feature": k, "weight": round(v, 4)} for k, v in ranked],
        }


def features(store: Store) -> pd.DataFrame:
    """One row per interaction being labelled (label_ids, ordered by id), one column per feature.

    Reads the interactions critic.store.labels.choose_for_label chose (critic.combine.label.label_matrix).
    """
    base = base_features(store)
    base["invented_numbers"] = np.log1p(base["invented_numbers"].astype(float))
    events = event_counts(store, list(EVENT_VOTES))
    scores = judge_scores(store)
    frame = base.set_index("id")
    if len(events):
        frame = frame.join(events.pivot(index="id", columns="name", values="value")).fillna(
            {c: 0.0 for c in events.name.unique()}
        )
    for key, group in scores.groupby("key"):
        key = str(key)
        relative = key.split("@", 1)[1] in RELATIVE_JUDGES
        g = group.set_index("id")
        # An uncalibrated judge (the embedded one) is used by rank: only its ordering carries signal.
        expected = g.expected.rank(pct=True) * 6 + 1 if relative else g.expected
        frame[f"score:{key}"] = expected.reindex(frame.index)
        frame[f"missing:{key}"] = frame[f"score:{key}"].isna().astype(float)
        frame[f"score:{key}"] = frame[f"score:{key}"].fillna(frame[f"score:{key}"].mean())
        if not relative:
            frame[f"low:{key}"] = g.low.reindex(frame.index).fillna(g.low.mean())
    return frame.astype(float)


def fit_end_model(
    frame: pd.DataFrame,
    soft: np.ndarray,
    *,
    seed: int = 0,
    folds: int = FOLDS,
) -> tuple[np.ndarray, list[list[str]], EndModel]:
    """(cross-fitted P(bad), the top-3 drivers per row, the model) from FRAME's features and soft labels SOFT."""
    scaled = standardized(frame)
    names = list(scaled.columns)
    why = _cannot_fit(frame, names, soft)
    if why:
        return soft, [[] for _ in soft], EndModel("none", names, 0, f"{why}; kept the label model's P(bad)")
    z = scaled.to_numpy(float)
    rng = np.random.default_rng(seed)
    fold = rng.permutation(len(z)) % folds
    out = np.empty(len(z))
    coefs = []
    for k in range(folds):
        train = np.flatnonzero(fold != k)
        if len(train) > MAX_TRAIN:
            train = rng.choice(train, MAX_TRAIN, replace=False)
        model = _fit(z[train], soft[train])
        test = fold == k
        out[test] = model.predict_proba(z[test])[:, 1]
        coefs.append(model.coef_[0])
    coef = np.mean(coefs, axis=0)
    drivers = _drivers(z * coef, names, present=_present(frame[names]))
    note = (
        f"logistic regression over {len(names)} features, trained on the label model's P(bad) as soft targets, "
        f"cross-fitted in {folds} folds"
    )
    return out, drivers, EndModel("logistic", names, folds, note, dict(zip(names, map(float, coef))))


def standardized(frame: pd.DataFrame) -> pd.DataFrame:
    """FRAME's columns that vary, each shifted and scaled to mean 0 and standard deviation 1."""
    varies = frame.loc[:, frame.std() > 0]
    return (varies - varies.mean()) / varies.std(ddof=0)


def _cannot_fit(frame: pd.DataFrame, names: list[str], soft: np.ndarray) -> str | None:
    """Why no end model can be fitted here, or None."""
    if len(frame) < MIN_ROWS:
        return f"only {len(frame)} interactions (at least {MIN_ROWS} needed)"
    if not any(c not in SIGNALS and not c.startswith("events:") for c in names):
        return "no continuous feature varies"
    if not (np.isfinite(soft).all() and 0.02 < soft.mean() < 0.98):
        return "the label model's P(bad) is degenerate"
    return None


@dataclass
class Correction:
    """What people's verdicts did to P(bad): the corrected figures, a note (None: nothing was corrected), and per
    row the feature through which the verdicts raised it most (None where no feature raised it by RAISED_LOGIT)."""

    probs: np.ndarray
    note: str | None = None
    raised_by: list[str | None] = field(default_factory=list)


def correct_with_gold(frame: pd.DataFrame, probs: np.ndarray, bad: np.ndarray, *, seed: int = 0) -> Correction:
    """P(bad) corrected by people's verdicts, for the end model's PROBS; BAD is 1 where a person called the row bad,
    0 fine, -1 unreviewed.

    A logistic regression fitted on the reviewed rows with the end model's logit as its offset: it learns only an
    intercept and how far each standardized feature of FRAME should move that logit (L2, C=GOLD_C), so the end
    model's ranking stands except where people disagreed with it — even when every verdict lies in one band of
    P(bad). Unreviewed rows get the correction fitted on every verdict; a reviewed row, the one fitted on the
    other folds of verdicts, so `critic label`'s figures on gold stay out of sample. Fewer than MIN_GOLD verdicts,
    or verdicts of one kind: PROBS unchanged.
    """
    reviewed = np.flatnonzero(bad >= 0)
    y = bad[reviewed].astype(float)
    if len(reviewed) < MIN_GOLD or y.min() == y.max():
        return Correction(probs)
    scaled = standardized(frame)
    names = list(scaled.columns)
    z = scaled.to_numpy(float)
    clipped = np.clip(probs, 1e-6, 1 - 1e-6)
    offset = np.log(clipped / (1 - clipped))
    theta = _correction(offset[reviewed], z[reviewed], y)
    out = _expit(offset + theta[0] + z @ theta[1:])
    fold = np.random.default_rng(seed).permutation(len(reviewed)) % min(FOLDS, len(reviewed))
    for k in range(fold.max() + 1):
        rest, own = reviewed[fold != k], reviewed[fold == k]
        if y[fold != k].min() == y[fold != k].max():  # the other folds hold one kind of verdict: nothing to learn
            out[own] = probs[own]
            continue
        other = _correction(offset[rest], z[rest], y[fold != k])
        out[own] = _expit(offset[own] + other[0] + z[own] @ other[1:])
    pushed = z * theta[1:]
    strongest = pushed.argmax(axis=1) if names else np.zeros(len(z), dtype=int)
    raised = pushed.max(axis=1, initial=0.0) >= RAISED_LOGIT
    note = (
        f"corrected by {len(reviewed)} people's verdicts (a logistic regression on the reviewed rows with the end "
        f"model's logit as offset, C {GOLD_C:g}; cross-fitted on the reviewed rows)"
    )
    return Correction(out, note, [names[j] if r else None for j, r in zip(strongest, raised)])


MIN_GOLD = 10  # verdicts before they correct P(bad)
RAISED_LOGIT = 1.0  # a feature whose correction raises the log-odds this much (odds ×2.7) is named a driver
GOLD_C = 0.1  # the correction's inverse L2 strength (bench/RESULTS.md, *People's verdicts as gold*)


def _correction(offset: np.ndarray, z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """[intercept, weights] of logit P(bad) = OFFSET + intercept + Z · weights, fitted to Y with L2 on the weights."""
    from scipy.optimize import minimize

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = offset + theta[0] + z @ theta[1:]
        residual = _expit(eta) - y
        value = float(np.sum(np.logaddexp(0, eta) - y * eta) + theta[1:] @ theta[1:] / (2 * GOLD_C))
        return value, np.r_[residual.sum(), z.T @ residual + theta[1:] / GOLD_C]

    found: np.ndarray = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B").x
    return found


def _expit(eta: np.ndarray) -> np.ndarray:
    result: np.ndarray = 0.5 * (1 + np.tanh(eta / 2))  # 1 / (1 + e^-eta) without overflow
    return result


def _fit(z: np.ndarray, soft: np.ndarray) -> Any:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([z, z])
    y = np.r_[np.ones(len(z)), np.zeros(len(z))]
    w = np.r_[soft, 1 - soft]
    model = LogisticRegression(C=C, max_iter=300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on near-separable folds
        model.fit(x, y, sample_weight=w)
    return model


def _present(frame: pd.DataFrame) -> np.ndarray:
    """Per row and feature: does the interaction have this evidence? A count or a flag (an event, a
    signal, a missing score) is evidence only where it is there: its absence pushing P(bad) up is
    not something the interaction has. A score or a length is always there."""
    counted = [
        c.startswith(("events:", "missing:")) or c in SIGNALS or c in ("latency_over_p99", "latency_missing")
        for c in frame.columns
    ]
    values = frame.to_numpy(float)
    return np.where(np.array(counted), values > 0, True)


def _drivers(
    contributions: np.ndarray, names: list[str], top: int = 3, present: np.ndarray | None = None
) -> list[list[str]]:
    """Per row, the features the interaction has that pushed P(bad) up most (positive contributions), largest first."""
    if not len(contributions):
        return []
    if present is not None:
        contributions = np.where(present, contributions, 0.0)
    k = min(top, contributions.shape[1])
    idx = np.argsort(-contributions, axis=1)[:, :k]
    return [[names[j] for j in row if c[j] > 0.1] for row, c in zip(idx, contributions)]


def drivers_json(drivers: list[str]) -> str:
    return json.dumps(drivers)
