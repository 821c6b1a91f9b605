"""critic.embed: the shipped sentence model in fp32 or bf16, and the choice between them."""

from __future__ import annotations

import numpy as np
import pytest

from critic.embed import precision, sentence_vectors
from critic.errors import ConfigError

TEXTS = [
    "How do I reset my password?",
    "Obviously you need to check the Orders page yourself. We can't do everything for you.",
    "Please check your spam folder first; the link is valid for one hour.",
    "",
]


def test_precision_follows_the_environment_and_refuses_a_typo(monkeypatch: pytest.MonkeyPatch) -> None:
    for chosen in ("fp32", "bf16", "FP32"):
        monkeypatch.setenv("CRITIC_EMBED_PRECISION", chosen)
        assert precision() == chosen.lower()
    monkeypatch.setenv("CRITIC_EMBED_PRECISION", "auto")
    assert precision() in ("fp32", "bf16")
    monkeypatch.setenv("CRITIC_EMBED_PRECISION", "int8")
    with pytest.raises(ConfigError, match="auto, bf16 or fp32"):
        precision()


def test_bf16_vectors_stay_within_the_stated_tolerance_of_fp32(monkeypatch: pytest.MonkeyPatch) -> None:
    """bench/RESULTS.md states cosine ≥ 0.9999 on 600 HH-RLHF replies; a handful here, with a looser bound."""
    vectors = {}
    for chosen in ("fp32", "bf16"):
        monkeypatch.setenv("CRITIC_EMBED_PRECISION", chosen)
        found = sentence_vectors(TEXTS)
        assert found is not None
        vectors[chosen] = found
    cosine = (vectors["fp32"] * vectors["bf16"]).sum(axis=1)
    assert cosine.min() > 0.995
    assert np.allclose(np.linalg.norm(vectors["bf16"], axis=1), 1.0, atol=1e-3)
