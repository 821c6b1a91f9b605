"""Train the students shipped in critic/data/students/ from public human judgments; print their held-out figures.

    python datasets/train_students.py [--shared ../shared/datasets] [--out critic/data/students]

- coherence, faithfulness, fluency, relevance: SummEval's expert mean scores (1–5 → 1–7) of the
  1,600 summaries of 100 CNN/DailyMail articles (article as input). Held out: 5-fold
  cross-validation grouped by document, G-Eval's per-document protocol (correlate each
  document's 16 summaries, average). SummEval annotations: MIT (Fabbri et al. 2021).
- accuracy: SummEval's consistency (factual consistency with the article), as faithfulness.
- helpfulness: HH-RLHF helpful-online + helpful-rejection-sampled test pairs (the conversation
  before the last reply as input). A Bradley–Terry model — logistic regression on the feature
  differences of the chosen and rejected reply — gives each reply a pointwise score, mapped onto
  the 1–7 scale (4 at the mean reply, 1.2 labels per standard deviation). Held out: pairwise
  accuracy, 5 folds grouped by conversation. HH-RLHF: MIT (Anthropic 2022).
- tone: HH-RLHF harmless-base test pairs (the less harmful reply is preferred), the same way.

Deterministic: the same data gives byte-identical files. The figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.agreement import grouped  # noqa: E402
from critic.judge.backends.student import features  # noqa: E402
from critic.judge.backends.student.model import Student, train  # noqa: E402

# (SummEval dimension, rubric): accuracy and faithfulness both learn factual consistency with the source
SUMMEVAL = (
    ("coherence", "coherence"),
    ("consistency", "faithfulness"),
    ("consistency", "accuracy"),
    ("fluency", "fluency"),
    ("relevance", "relevance"),
)
HH_FILES = ("helpful-online-test.jsonl.gz", "helpful-rejection-sampled-test.jsonl.gz")
# rubric → (HH-RLHF files, teacher, source): students learned from preference pairs
PREFERENCES = {
    "helpfulness": (
        HH_FILES,
        "human:HH-RLHF helpful preference pairs",
        "HH-RLHF helpful-online + helpful-rejection-sampled test pairs (Bai et al. 2022, MIT), "
        "Bradley-Terry on feature differences",
    ),
    "tone": (
        ("harmless-base-test.jsonl.gz",),
        "human:HH-RLHF harmless preference pairs",
        "HH-RLHF harmless-base test pairs (Bai et al. 2022, MIT; the less harmful reply preferred), "
        "Bradley-Terry on feature differences",
    ),
}
BT_LABELS_PER_SD = 1.2
FOLDS = 5


def summeval_rows(shared: Path) -> tuple[list[dict[str, str]], dict[str, np.ndarray], np.ndarray]:
    """(fields per summary, {rubric: human mean on 1–7}, document id per summary)."""
    docs = {
        d["doc_id"]: d["source"]
        for d in map(json.loads, (shared / "summeval/documents.jsonl").read_text().splitlines())
    }
    rows = [json.loads(line) for line in (shared / "summeval/summaries.jsonl").read_text().splitlines()]
    fields = [{"input": docs[r["doc_id"]], "output": r["summary"]} for r in rows]
    targets = {
        rubric: 1 + 6 * (np.array([r["expert_mean_scores"][dim] for r in rows], float) - 1) / 4
        for dim, rubric in SUMMEVAL
    }
    return fields, targets, np.array([r["doc_id"] for r in rows])


def summeval_students(shared: Path) -> tuple[list[Student], list[dict[str, object]]]:
    fields, targets, docs = summeval_rows(shared)
    x = features.featurize_many(fields)
    students, figures = [], []
    for rubric, y in targets.items():
        student, held_out = train(
            f"builtin-{rubric}", rubric, "human:SummEval expert means", list(features.NAMES), x, y, docs, FOLDS
        )
        per_doc = grouped(held_out, y, docs)
        found = {
            "rubric": rubric,
            "n": len(y),
            "per_doc_spearman": per_doc["spearman"],
            "per_doc_kendall": per_doc["kendall"],
            "documents": per_doc["groups"],
        }
        students.append(
            _with_cv(
                student,
                found,
                "SummEval (Fabbri et al. 2021, MIT): 1,600 summaries of 100 CNN/DailyMail articles, expert mean scores",
            )
        )
        figures.append(found)
    return students, figures


def hh_pairs(shared: Path, files: tuple[str, ...] = HH_FILES) -> list[tuple[str, str, str]]:
    """(conversation before the last reply, chosen reply, rejected reply) where only the last reply differs."""
    pairs = []
    for name in files:
        with gzip.open(shared / "hh_rlhf" / name, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                prefix, _, chosen = row["chosen"].rpartition("\n\nAssistant:")
                other, _, rejected = row["rejected"].rpartition("\n\nAssistant:")
                if prefix == other and chosen.strip() != rejected.strip():
                    pairs.append((prefix.strip(), chosen.strip(), rejected.strip()))
    return pairs


def bradley_terry(diff: np.ndarray) -> np.ndarray:
    """Weights w with P(chosen ≻ rejected) = σ(w · (z_chosen − z_rejected)), both directions, no intercept."""
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([diff, -diff])
    y = np.r_[np.ones(len(diff)), np.zeros(len(diff))]
    return np.asarray(LogisticRegression(C=1.0, fit_intercept=False, max_iter=1000).fit(x, y).coef_[0])


def preference_student(shared: Path, rubric: str) -> tuple[Student, dict[str, object]]:
    """A student for RUBRIC from HH-RLHF preference pairs (PREFERENCES), with its held-out pairwise accuracy."""
    from sklearn.model_selection import GroupKFold

    files, teacher, source = PREFERENCES[rubric]
    pairs = hh_pairs(shared, files)
    chosen = features.featurize_many([{"input": p, "output": c} for p, c, _ in pairs])
    rejected = features.featurize_many([{"input": p, "output": r} for p, _, r in pairs])
    both = np.vstack([chosen, rejected])
    mean, scale = both.mean(axis=0), both.std(axis=0)
    scale[scale == 0] = 1.0
    diff = (chosen - rejected) / scale
    groups = np.array([p for p, _, _ in pairs])
    right = np.empty(len(pairs))
    for train_idx, test_idx in GroupKFold(n_splits=FOLDS).split(diff, groups=groups):
        margin = diff[test_idx] @ bradley_terry(diff[train_idx])
        right[test_idx] = np.where(margin > 0, 1.0, np.where(margin == 0, 0.5, 0.0))
    w = bradley_terry(diff)
    k = BT_LABELS_PER_SD / float(np.std(((both - mean) / scale) @ w))
    found = {
        "rubric": rubric,
        "pairs": len(pairs),
        "conversations": len(set(groups.tolist())),
        "held_out_pairwise_accuracy": float(right.mean()),
    }
    student = Student(
        f"builtin-{rubric}",
        rubric,
        teacher,
        list(features.NAMES),
        mean.tolist(),
        scale.tolist(),
        (k * w).tolist(),
        4.0,
        [0.0] * len(w),
        1.5,
        n=len(pairs),
    )
    return _with_cv(student, found, source), found


def _with_cv(student: Student, found: dict[str, object], source: str) -> Student:
    from dataclasses import replace

    version = hashlib.sha256(json.dumps([features.VERSION, student.coef, student.intercept]).encode()).hexdigest()[:12]
    return replace(student, version=version, cv={"source": source, **found, "folds": FOLDS})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=ROOT / "critic" / "data" / "students")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    students, figures = summeval_students(args.shared)
    for rubric in PREFERENCES:
        student, found = preference_student(args.shared, rubric)
        students.append(student)
        figures.append(found)
    for student in students:
        (args.out / f"{student.rubric}.json").write_text(json.dumps(json.loads(student.to_json()), indent=1) + "\n")
    for f in figures:
        print(json.dumps(f))


if __name__ == "__main__":
    main()
