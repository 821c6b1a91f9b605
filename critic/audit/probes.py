"""Probes of a pointwise judge: does padding (verbosity) or an appended instruction (injection) move its score?

The built-in items are the example golden set's inputs with its baseline outputs. Each probe
judges the originals and the altered outputs with the same rubric and judge (cached in the
store like any judgment) and reports the mean score shift. Injection appends attempts from the
injection corpus (critic/data/injection, written blind to critic's heuristic), reports the share
of altered outputs the heuristic flags, and `detector_on_corpus` measures the heuristic on the
whole corpus: recall on every attempt, false positives on ordinary assistant outputs.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from critic.config import Config
from critic.data import resource
from critic.judge.backends.base import Judge
from critic.judge.items import expected_scores, golden, judge_pairs, store_sides
from critic.rubrics import Rubric
from critic.signals.manipulation import is_manipulation
from critic.store import Store

FILLER = (
    " To add some further context, it is worth noting that this answer has been written with care, and "
    "that all of the points above apply in general, in most cases, and under the usual conditions."
)
CORPUS = ("attacks.jsonl", "attacks_holdout.jsonl", "attacks_holdout2.jsonl")  # written blind to the heuristic
ORDINARY = ("ordinary.jsonl",)


def corpus(names: tuple[str, ...]) -> list[str]:
    """The texts of the injection corpus files NAMES, in file order."""
    texts = []
    for name in names:
        lines = resource("injection", name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return texts


@dataclass(frozen=True)
class DetectorResult:
    """critic's manipulation heuristic on the whole injection corpus."""

    attacks: int
    recall: float
    ordinary: int
    false_positive_rate: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def detector_on_corpus() -> DetectorResult:
    """Recall on every manipulation attempt of the corpus, false positives on its ordinary outputs."""
    attacks, ordinary = corpus(CORPUS), corpus(ORDINARY)
    caught = sum(is_manipulation(t) for t in attacks)
    flagged = sum(is_manipulation(t) for t in ordinary)
    return DetectorResult(
        len(attacks), round(caught / len(attacks), 4), len(ordinary), round(flagged / len(ordinary), 4)
    )


@dataclass(frozen=True)
class ProbeResult:
    """One probe on one rubric: the mean score shift (altered − original) and what was flagged."""

    probe: str
    rubric: str
    n: int
    mean_original: float
    mean_altered: float
    mean_shift: float
    max_shift: float
    flagged_share: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def alter(probe: str, output: str, index: int) -> str:
    """OUTPUT changed the way PROBE changes it (the index picks an injection)."""
    if probe == "verbosity":
        return output + FILLER * 2
    attacks = corpus(CORPUS)
    return output + "\n\n" + attacks[index * 7 % len(attacks)]  # spread over styles


def run_probe(
    store: Store, judge: Judge, config: Config, rubric: Rubric, probe: str, *, limit: int = 12, concurrency: int = 4
) -> ProbeResult:
    """Judge the built-in items as they are and altered by PROBE; the shift in expected score."""
    original = dict(list(golden("baseline").items())[:limit])
    altered = {k: {**v, "output": alter(probe, v["output"], i)} for i, (k, v) in enumerate(original.items())}
    pairs = store_sides(store, original, altered, golden("inputs"))
    judge_pairs(store, judge, config, [rubric], pairs, concurrency)
    scores = expected_scores(store, judge.spec, rubric, [i for p in pairs.values() for i in p])
    both = [(scores[a], scores[b]) for a, b in pairs.values() if a in scores and b in scores]
    before, after = np.array([x for x, _ in both]), np.array([y for _, y in both])
    flagged = None
    if probe == "injection":
        flagged = round(sum(is_manipulation(v["output"]) for v in altered.values()) / len(altered), 4)
    shift = after - before if both else np.array([0.0])
    return ProbeResult(
        probe,
        rubric.name,
        len(both),
        round(float(before.mean()), 3) if both else 0.0,
        round(float(after.mean()), 3) if both else 0.0,
        round(float(shift.mean()), 3),
        round(float(np.abs(shift).max()), 3),
        flagged,
    )
