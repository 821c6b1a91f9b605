"""Students: held-out agreement with people, speed, and the cascade curve.

    python bench/bench_student.py

(1) SummEval, G-Eval's protocol: students trained by 5-fold cross-validation grouped by document
on the expert means (the shipped students' training, datasets/train_students.py), per-document
Spearman / Kendall averaged, next to the embedded judge's row and the published UniEval and
G-Eval-4 rows (bench/RESULTS.md). (2) HH-RLHF: held-out pairwise accuracy of the helpfulness
student, folds grouped by conversation. (3) OASST en_100: within each sibling group, Spearman
between the shipped helpfulness student's expected label and the human rank (0 = best; negative
is agreement). (4) Speed: judgments/s of the student's distribution with features computed, and
features/s (sentence model included) separately. (5) The cascade on SummEval with the human mean
as a perfect teacher: per-document Spearman with people when the X% items the student is least
sure of (widest predicted spread) take the teacher's score.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "datasets"))

import train_students

from critic.agreement import grouped
from critic.judge.backends.local import shipped_student
from critic.judge.backends.student import features
from critic.judge.backends.student.model import train

SHARED = ROOT.parent / "shared" / "datasets"
EMBEDDED = {
    "coherence": 0.295,
    "faithfulness": 0.214,
    "fluency": -0.003,
    "relevance": 0.124,
}  # RESULTS, per-doc, 5 docs
PUBLISHED = {
    "UniEval": {"coherence": 0.575, "faithfulness": 0.446, "fluency": 0.449, "relevance": 0.426},
    "G-Eval-4": {"coherence": 0.582, "faithfulness": 0.507, "fluency": 0.455, "relevance": 0.547},
}
SHARES = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)


def summeval() -> None:
    fields, targets, docs = train_students.summeval_rows(SHARED)
    started = time.perf_counter()
    x = features.featurize_many(fields)
    took = time.perf_counter() - started
    print(f"features (sentence model included): {len(fields) / took:.0f} items/s on {len(fields)} summaries")
    print("\n| rubric (SummEval dimension) | student ρ | student τ | embedded ρ (5 docs) | UniEval ρ | G-Eval-4 ρ |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    rhos, curves = [], {}
    for rubric, y in targets.items():
        student, held_out = train(rubric, rubric, "human", list(features.NAMES), x, y, docs, train_students.FOLDS)
        per_doc = grouped(held_out, y, docs)
        rhos.append(per_doc["spearman"])
        print(
            f"| {rubric} | {per_doc['spearman']:.3f} | {per_doc['kendall']:.3f} | {EMBEDDED[rubric]:.3f} | "
            f"{PUBLISHED['UniEval'][rubric]:.3f} | {PUBLISHED['G-Eval-4'][rubric]:.3f} |"
        )
        spread = held_out_spread(x, y, docs)
        curves[rubric] = [cascade(held_out, spread, y, docs, share) for share in SHARES]
    print(f"| **average** | **{np.mean(rhos):.3f}** | | 0.157 | 0.474 | 0.514 |")
    print(
        "\nCascade, human mean as the teacher: per-document Spearman with people by share escalated "
        "(widest predicted spread first)\n"
    )
    print("| rubric | " + " | ".join(f"{s:.0%}" for s in SHARES) + " |\n| --- |" + " ---: |" * len(SHARES))
    for rubric, row in curves.items():
        print(f"| {rubric} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
    at20 = np.mean([row[SHARES.index(0.2)] for row in curves.values()])
    print(
        "| average | "
        + " | ".join(f"{np.mean([r[i] for r in curves.values()]):.3f}" for i in range(len(SHARES)))
        + f" |\n\nat 20% escalated: {at20:.3f} of the teacher's 1.000"
    )


def held_out_spread(x: np.ndarray, y: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Out-of-fold predicted spread: a spread model fitted, per fold, on the training folds' out-of-fold errors."""
    from sklearn.model_selection import GroupKFold

    out = np.empty(len(y))
    for tr, te in GroupKFold(n_splits=train_students.FOLDS).split(x, y, docs):
        model = train("s", "r", "t", list(features.NAMES), x[tr], y[tr], docs[tr], train_students.FOLDS)[0]
        out[te] = model.spread(x[te])
    return out


def cascade(student: np.ndarray, spread: np.ndarray, human: np.ndarray, docs: np.ndarray, share: float) -> float:
    mixed = student.copy()
    top = np.argsort(-spread)[: int(round(share * len(student)))]
    mixed[top] = human[top]
    return float(grouped(mixed, human, docs)["spearman"])


def hh() -> None:
    for rubric in train_students.PREFERENCES:
        student, found = train_students.preference_student(SHARED, rubric)
        print(
            f"\nHH-RLHF pairs for {rubric}: held-out pairwise accuracy {found['held_out_pairwise_accuracy']:.3f} "
            f"on {found['pairs']} pairs ({found['conversations']} conversations, 5 folds grouped by conversation); "
            "chance 0.5"
        )


def oasst() -> None:
    rows = [json.loads(line) for line in (ROOT / "datasets/oasst/interactions.jsonl").read_text().splitlines()]
    student = shipped_student("helpfulness")
    assert student is not None
    x = features.featurize_many([{"output": r["output"], "input": transcript(r["input"])} for r in rows])
    started = time.perf_counter()
    for row in x:
        student.distribution(row)
    speed = len(x) / (time.perf_counter() - started)
    expected = student.expected(x)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        meta = r.get("metadata") or {}
        if meta.get("rank") is not None:
            groups.setdefault(meta.get("parent_id"), []).append(i)
    rhos = [
        spearmanr(expected[idx], [rows[i]["metadata"]["rank"] for i in idx])[0]
        for idx in groups.values()
        if len(idx) >= 2 and len(set(expected[idx])) > 1
    ]
    print(
        f"\nOASST en_100: shipped helpfulness student, {len(rhos)} sibling groups: mean within-group Spearman("
        f"expected, human rank) {np.nanmean(rhos):+.3f} (negative = agrees: rank 0 is best)"
    )
    print(f"student distribution, features computed: {speed:.0f} judgments/s")


def transcript(value: object) -> str:
    """A logged chat input as the store keeps it ("role: content" lines), a text input as it is."""
    if isinstance(value, list):
        return "\n".join(f"{m.get('role', '?')}: {m.get('content', '')}" for m in value)
    return str(value or "")


if __name__ == "__main__":
    summeval()
    hh()
    oasst()
