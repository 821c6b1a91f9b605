"""Cheap, deterministic, explainable features of one output and the material it answers.

Material is the input, context and reference together. Overlap figures are shares of the
output's word n-grams found in the material (high for grounded, extractive outputs; low for
invented content); novel numbers are numbers in the output found nowhere in the material.
Two cosine similarities from the shipped MiniLM (critic.embed) say whether the output is about
what was asked: with the input's last user turn (the whole input when it is not a chat) and
with the context or reference; 0 where there is nothing to compare or the model cannot load.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from critic.signals.patterns import ENGLISH, FOREIGN, REFUSAL
from critic.signals.patterns import NUMBER as NUMBER_PATTERN

VERSION = (
    "f3"  # part of a student's version: changing a feature changes every student trained on it (f3: 128 word pieces)
)
NAMES = (
    "log_chars",
    "log_words",
    "sentences",
    "words_per_sentence",
    "questions",
    "newlines",
    "has_material",
    "log_length_ratio",
    "overlap_1",
    "overlap_2",
    "overlap_3",
    "novel_numbers",
    "repeated_trigrams",
    "lowercase_starts",
    "refusal",
    "foreign_share",
    "truncated",
    "empty",
    "cos_input",
    "cos_context",
)
WORD = re.compile(r"\w+", re.UNICODE)
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
NUMBER = re.compile(NUMBER_PATTERN)
REFUSAL_RE, ENGLISH_RE, FOREIGN_RE = (re.compile(p) for p in (REFUSAL, ENGLISH, FOREIGN))
TURN = re.compile(r"(?:^|\n)\s*(?:human|user)\s*:", re.IGNORECASE)  # HH-RLHF's and critic's chat transcripts


def featurize(fields: dict[str, Any]) -> np.ndarray:
    """The NAMES features of one interaction's fields (input, output, context, reference, finish_reason)."""
    return featurize_many([fields])[0]


FIELDS = ("input", "output", "context", "reference", "finish_reason")  # what the features read


def content_key(fields: dict[str, Any]) -> tuple[str, ...]:
    """What the features of FIELDS depend on: equal keys, equal features (whatever the rubric)."""
    return tuple(str(fields.get(k) or "") for k in FIELDS)


class FeatureCache:
    """Features computed in one batch before a run (the sentence model is far faster batched), then read per request.

    Keyed by content: an interaction judged on three rubrics is featurized once, and so is a reply logged twice.
    """

    def __init__(self) -> None:
        self._rows: dict[tuple[str, ...], np.ndarray] = {}

    def prepare(self, fields: list[dict[str, Any]]) -> None:
        distinct = list({content_key(f): f for f in fields}.items())
        self._rows = dict(zip((k for k, _ in distinct), featurize_many([f for _, f in distinct])))

    def get(self, fields: dict[str, Any]) -> np.ndarray:
        """FIELDS' features: the batch's, else computed now."""
        found = self._rows.get(content_key(fields))
        return featurize(fields) if found is None else found


def featurize_many(rows: list[dict[str, Any]]) -> np.ndarray:
    """NAMES features for many interactions; the sentence model embeds each distinct text once, in one batch."""
    if not rows:
        return np.empty((0, len(NAMES)))
    return np.hstack([np.vstack([_text_features(f) for f in rows]), _similarities(rows)])


def _text_features(fields: dict[str, Any]) -> np.ndarray:
    output = str(fields.get("output") or "")
    material = " ".join(str(fields.get(k) or "") for k in ("input", "context", "reference")).lower()
    words = WORD.findall(output.lower())
    sentences = [s.strip() for s in SENTENCE.findall(output) if s.strip()]
    material_words = WORD.findall(material)
    english = len(ENGLISH_RE.findall(output.lower()))
    foreign = len(FOREIGN_RE.findall(output.lower()))
    return np.array(
        [
            math.log1p(len(output)),
            math.log1p(len(words)),
            len(sentences),
            len(words) / max(len(sentences), 1),
            output.count("?"),
            output.count("\n"),
            float(bool(material_words)),
            math.log((len(words) + 1) / (len(material_words) + 1)),
            _overlap(words, material_words, 1),
            _overlap(words, material_words, 2),
            _overlap(words, material_words, 3),
            math.log1p(sum(1 for n in set(NUMBER.findall(output)) if len(n) > 1 and n not in material)),
            _repeated(words),
            sum(s[0].islower() for s in sentences) / max(len(sentences), 1),
            float(bool(REFUSAL_RE.search(output))),
            foreign / max(foreign + english, 1),
            float(fields.get("finish_reason") == "length"),
            float(not output.strip()),
        ],
        dtype=float,
    )


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _overlap(words: list[str], material: list[str], n: int) -> float:
    """Share of the output's n-grams found in the material (0 with no material or no n-grams)."""
    own = _ngrams(words, n)
    return len(own & _ngrams(material, n)) / len(own) if own and material else 0.0


def _repeated(words: list[str]) -> float:
    """Share of the output's word trigrams that occur more than once."""
    grams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return 1 - len(set(grams)) / len(grams) if grams else 0.0


def last_turn(text: str) -> str:
    """The last user turn of a chat transcript ("…Human: …" or "user: …" lines), else TEXT itself."""
    parts = TURN.split(text)
    return parts[-1].split("\nassistant:")[0].split("\n\nAssistant:")[0].strip() if len(parts) > 1 else text


def _similarities(rows: list[dict[str, Any]]) -> np.ndarray:
    """cos(output, last user turn or input) and cos(output, context or reference), per row."""
    from critic.embed import sentence_vectors

    outputs = [str(f.get("output") or "") for f in rows]
    asked = [last_turn(str(f.get("input") or "")) for f in rows]
    grounds = [str(f.get("context") or f.get("reference") or "") for f in rows]
    texts = outputs + asked + grounds
    distinct = list(dict.fromkeys(texts))  # a question asked a thousand times is embedded once
    unique = sentence_vectors(distinct)
    if unique is None:
        return np.zeros((len(rows), 2))
    where = {t: i for i, t in enumerate(distinct)}
    vectors = unique[[where[t] for t in texts]]
    n = len(rows)
    out, ask, ground = vectors[:n], vectors[n : 2 * n], vectors[2 * n :]
    cos_input = np.where([bool(a) for a in asked], (out * ask).sum(axis=1), 0.0)
    cos_context = np.where([bool(g) for g in grounds], (out * ground).sum(axis=1), 0.0)
    return np.column_stack([cos_input, cos_context])
