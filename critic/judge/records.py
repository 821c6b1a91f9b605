"""The records that pass between the critic's stages: a request to a judge and its reply."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from critic.rubrics import Rubric
from critic.scale import LABELS

_LABEL = re.compile(r"^\s*([1-7])\s*[.)]?\s*$")


@dataclass(frozen=True)
class JudgeRequest:
    """One interaction × one rubric: the rendered prompt, and the parts a local judge scores directly."""

    prompt: str
    rubric: Rubric
    fields: dict[str, Any]


@dataclass(frozen=True)
class JudgeReply:
    """What a backend answered: raw text, label probabilities when known, and what it cost."""

    text: str
    probs: dict[int, float] | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    latency_ms: float = 0.0
    method: str = "label"  # "logprobs" | "label" | "likelihood" | "student" | "student@HASH" (the revision)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """A reply turned into a judgment: status, label, probabilities and expected score."""

    status: str  # ok | unparseable | error
    label: int | None
    probs: dict[int, float] | None
    expected: float | None


def parse_label(text: str) -> int | None:
    """The label 1–7 if TEXT is exactly one (a trailing '.' or ')' allowed), else None."""
    match = _LABEL.match(text or "")
    return int(match.group(1)) if match else None


def verdict(reply: JudgeReply) -> Verdict:
    """Score a reply: the status comes from the text alone; probabilities only refine a valid label.

    Only a reply that is exactly one label is `ok`. With log-probabilities, the expected score is
    the probability-weighted mean over the labels; they never rescue a reply that is no label
    ("8", "Seven", "I think", empty), however much mass sits on the digits 1-7.
    """
    label = parse_label(reply.text)
    if label is None:
        return Verdict("unparseable", None, None, None)
    if reply.probs:
        usable = {k: p for k, p in reply.probs.items() if k in LABELS and math.isfinite(p) and p > 0}
        total = sum(usable.values())
        if total > 0:
            probs = {k: usable.get(k, 0.0) / total for k in LABELS}
            return Verdict("ok", label, probs, sum(k * p for k, p in probs.items()))
    return Verdict("ok", label, {label: 1.0}, float(label))


def to_distribution(expected: float, spread: float) -> dict[int, float]:
    """A discretized normal over the labels 1–7 centred on EXPECTED with SPREAD (in labels)."""
    weights = {k: math.exp(-0.5 * ((k - expected) / spread) ** 2) for k in LABELS}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}
