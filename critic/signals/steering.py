# SPDX-License-Identifier: Apache-2.0
"""The learned half of the judge-manipulation detector: character n-grams, a sparse logistic regression.

Trained by `datasets/train_manipulation.py` on the attempts of critic/data/injection/ against replies
people wrote or rated (its docstring says which); the weights ship beside this module as JSON
(`steering.json`, the non-zero ones only). critic.signals.manipulation flags a text when its rules fire or when this
model's score reaches the threshold set for a false-positive rate of 0.2% on held-out HH-RLHF replies.
Off unless CRITIC_STEERING_MODEL=on: on a blind set it raised recall from 0.537 to 0.725, but it also flags
short ordinary replies that mention a score ("She was top scorer with 7 goals."); bench/RESULTS.md,
*Judge-manipulation heuristic*, has both.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

VERSION = "s1"
FILE = "steering.json"
N_FEATURES = 2**18
NGRAMS = (2, 5)


def vectorize(texts: list[str]) -> Any:
    """Hashed character n-grams of TEXTS' normalized views, lower-cased (a scipy sparse matrix, one row each)."""
    from critic.signals.manipulation import views

    return _vectorizer().transform(["\n".join(views(t)) for t in texts])


@lru_cache(maxsize=1)
def _vectorizer() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb", ngram_range=NGRAMS, n_features=N_FEATURES, alternate_sign=False, norm="l2", lowercase=True
    )


@lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, float, float] | None:
    """(a dense weight per hashed n-gram, intercept, threshold), or None when no weights ship."""
    path = Path(__file__).with_name(FILE)
    if os.environ.get("CRITIC_STEERING_MODEL", "off").lower() not in ("on", "1", "true") or not path.is_file():
        return None  # off unless asked: it raises recall but flags short replies about scores (bench/RESULTS.md)
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = np.zeros(N_FEATURES)
    weights[[int(k) for k in data["coef"]]] = list(data["coef"].values())
    return weights, float(data["intercept"]), float(data["threshold"])


def score(text: str) -> float:
    """The model's decision value for TEXT (higher: more like an attempt); -inf without shipped weights."""
    model = _model()
    if model is None or not text:
        return float("-inf")
    weights, intercept, _ = model
    row = vectorize([text])
    return float(row.data @ weights[row.indices] + intercept)


def enabled() -> bool:
    """The learned half is switched on (CRITIC_STEERING_MODEL=on) and its weights ship."""
    return _model() is not None


def flags(text: str) -> bool:
    """The model's score reaches its shipped threshold."""
    model = _model()
    return model is not None and score(text) >= model[2]
