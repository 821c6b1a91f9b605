"""Turn HANNA's recorded LLM-judge and per-rater scores into `critic calibrate --scores` rows.

HANNA (Chhun et al., TACL 2024) keeps, per story, three raters' 1–5 scores on six criteria and
the 1–5 ratings of 5 LLM judges under 4 prompts. Each CSV cell is a Python-literal list of 96
numbers (one per WritingPrompts prompt); rows are the 11 story sources, 96 stories each.
"""

from __future__ import annotations

import ast
import csv
import sys
from collections.abc import Iterator
from pathlib import Path

CRITERIA = {
    "RE": "Relevance",
    "CH": "Coherence",
    "EM": "Empathy",
    "SU": "Surprise",
    "EG": "Engagement",
    "CX": "Complexity",
}
JUDGES = ("Beluga-13B", "OrcaPlatypus", "Mistral-7B", "Llama-13B", "ChatGPT")


def _columns(path: Path) -> dict[str, list[float]]:
    """Each column as one list over the 1,056 stories, in story-ID order."""
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out: dict[str, list[float]] = {}
    for name in rows[0]:
        if name == "Model":
            continue
        out[name] = [float(x) for row in rows for x in ast.literal_eval(row[name])]
    return out


def score_rows(path: Path) -> Iterator[dict[str, object]]:
    """Judge rows (every judge × prompt, against the human mean) and rater rows (each rater against the other two)."""
    cols = _columns(path)
    for code, criterion in CRITERIA.items():
        human = cols[criterion]
        for judge in JUDGES:
            for prompt in (1, 2, 3, 4):
                scores = cols[f"{judge} {code} {prompt}"]
                for story, (s, h) in enumerate(zip(scores, human)):
                    yield {
                        "id": story,
                        "criterion": criterion,
                        "judge": f"{judge} prompt {prompt}",
                        "score": s,
                        "human": h,
                        "group": story % 96,
                    }
        for rater in (1, 2, 3):
            rest = cols[f"Human Avg {rater} {code}"]
            for story, (s, h) in enumerate(zip(cols[f"Human {rater} {code}"], rest)):
                yield {
                    "id": story,
                    "criterion": criterion,
                    "judge": f"human rater {rater} vs rest",
                    "score": s,
                    "human": h,
                    "group": story % 96,
                }
