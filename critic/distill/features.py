"""Cheap, deterministic, explainable features of one output and the material it answers.

Material is the input, context and reference together. Overlap figures are shares of the
output's word n-grams found in the material (high for grounded, extractive outputs; low for
invented content); novel numbers are numbers in the output found nowhere in the material.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from critic.store.signals import ENGLISH, FOREIGN, REFUSAL

VERSION = "f1"  # part of a student's version: changing a feature changes every student trained on it
NAMES = (
    "log_chars", "log_words", "sentences", "words_per_sentence", "questions", "newlines",
    "has_material", "log_length_ratio", "overlap_1", "overlap_2", "overlap_3", "novel_numbers",
    "repeated_trigrams", "lowercase_starts", "refusal", "foreign_share", "truncated", "empty",
)
WORD = re.compile(r"\w+", re.UNICODE)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
REFUSAL_RE, ENGLISH_RE, FOREIGN_RE = (re.compile(p) for p in (REFUSAL, ENGLISH, FOREIGN))


def featurize(fields: dict[str, Any]) -> np.ndarray:
    """The NAMES features of one interaction's fields (input, output, context, reference, finish_reason)."""
    output = str(fields.get("output") or "")
    material = " ".join(str(fields.get(k) or "") for k in ("input", "context", "reference")).lower()
    words = WORD.findall(output.lower())
    sentences = [s.strip() for s in SENTENCE.findall(output) if s.strip()]
    material_words = WORD.findall(material)
    english = len(ENGLISH_RE.findall(output.lower()))
    foreign = len(FOREIGN_RE.findall(output.lower()))
    return np.array([
        math.log1p(len(output)), math.log1p(len(words)), len(sentences), len(words) / max(len(sentences), 1),
        output.count("?"), output.count("\n"),
        float(bool(material_words)), math.log((len(words) + 1) / (len(material_words) + 1)),
        _overlap(words, material_words, 1), _overlap(words, material_words, 2), _overlap(words, material_words, 3),
        math.log1p(sum(1 for n in set(NUMBER.findall(output)) if len(n) > 1 and n not in material)),
        _repeated(words), sum(s[0].islower() for s in sentences) / max(len(sentences), 1),
        float(bool(REFUSAL_RE.search(output))), foreign / max(foreign + english, 1),
        float(fields.get("finish_reason") == "length"), float(not output.strip()),
    ], dtype=float)


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def _overlap(words: list[str], material: list[str], n: int) -> float:
    """Share of the output's n-grams found in the material (0 with no material or no n-grams)."""
    own = _ngrams(words, n)
    return len(own & _ngrams(material, n)) / len(own) if own and material else 0.0


def _repeated(words: list[str]) -> float:
    """Share of the output's word trigrams that occur more than once."""
    grams = [tuple(words[i:i + 3]) for i in range(len(words) - 2)]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0
