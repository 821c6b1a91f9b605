"""Imperfect judges for the loopback provider: they answer from the planted truth, noisily, with blind spots.

A real judge is neither an oracle nor useless: it sees some failure modes through some rubrics,
misses others entirely, scatters its labels, and is sometimes wrong about a good reply. The
noisy judge here knows each output's planted mode (from truth.csv, never from the record) and
answers like that: a failure its rubric can see gets a low label, everything else a high one,
then noise of up to ±2 labels, and a share of the failures it should see are missed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

# Which planted modes each rubric can see; nothing sees "truncated" (a judge reads the partial text as fine).
SEES = {
    "accuracy": {"invented_numbers", "wrong_language"},
    "helpfulness": {"refusal", "wrong_language"},
    "tone": {"rude_tone"},
}
NOISE = (-2, -1, -1, 0, 0, 0, 0, 1, 1, 2)  # label offsets, drawn uniformly: ±2 one time in five
MISS = 0.25  # share of visible failures the judge misses anyway


def planted_modes(folder: Path) -> dict[str, str]:
    """{output text: planted mode} for the interactions of FOLDER (interactions.jsonl + truth.csv)."""
    with (folder / "truth.csv").open() as f:
        truth = {r["id"]: r["failure_mode"] for r in csv.DictReader(f)}
    modes = {}
    for line in (folder / "interactions.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if truth.get(record["id"]):
            modes[_key(record["output"])] = truth[record["id"]]
    return modes


def noisy_judge(
    modes: dict[str, str], *, seed: int = 0, sees: dict[str, set[str]] | None = None, miss: float = MISS
) -> Callable[[str], str]:
    """A reply function for ProviderServer: one label per prompt, deterministic for a prompt and seed."""
    sees = SEES if sees is None else sees

    def reply(prompt: str) -> str:
        rubric = re.search(r"on one criterion: (\w+)", prompt)
        body = prompt.rsplit("⟦output⟧", 1)[-1].rsplit("⟦/output⟧", 1)[0]
        rng = random.Random(int(hashlib.sha256(f"{seed}:{prompt}".encode()).hexdigest()[:12], 16))
        mode = modes.get(_key(body))
        visible = mode is not None and rubric is not None and mode in sees.get(rubric.group(1), set())
        base = 2 if visible and rng.random() >= miss else 6
        return str(min(7, max(1, base + rng.choice(NOISE))))

    return reply


def _key(text: str) -> str:
    return " ".join(text.replace("⟦", "[").replace("⟧", "]").split())
