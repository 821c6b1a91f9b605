"""Issue 25 item 3: a learned head on the sentence model's embeddings beside the shipped features, on HH-RLHF pairs.

    python bench/bench_student_heads.py

Bradley-Terry (logistic regression on the chosen-minus-rejected difference, no intercept) on the
shipped student features, then with the reply's MiniLM embedding (384) added, then with the
elementwise product of the last user turn's and the reply's embeddings too; held-out pairwise
accuracy, 5 folds grouped by conversation, at two regularization strengths.
"""

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "datasets"))
import train_students
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from critic.embed import sentence_vectors
from critic.judge.backends.student import features
from critic.judge.backends.student.features import last_turn

SHARED = ROOT.parent / "shared" / "datasets"


def run(rubric, files):
    pairs = train_students.hh_pairs(SHARED, files)
    t = time.time()
    fc = features.featurize_many([{"input": p, "output": c} for p, c, _ in pairs])
    fr = features.featurize_many([{"input": p, "output": r} for p, _, r in pairs])
    ask = sentence_vectors([last_turn(p) for p, _, _ in pairs])
    ec = sentence_vectors([c for _, c, _ in pairs])
    er = sentence_vectors([r for _, _, r in pairs])
    print(rubric, len(pairs), f"embedded in {time.time() - t:.0f}s", flush=True)
    both = np.vstack([fc, fr])
    mu, sd = both.mean(0), both.std(0)
    sd[sd == 0] = 1
    variants = {
        "features (shipped)": ((fc - mu) / sd, (fr - mu) / sd),
        "features + output emb": (np.hstack([(fc - mu) / sd, ec]), np.hstack([(fr - mu) / sd, er])),
        "features + output emb + ask*output": (
            np.hstack([(fc - mu) / sd, ec, ask * ec]),
            np.hstack([(fr - mu) / sd, er, ask * er]),
        ),
    }
    groups = np.array([p for p, _, _ in pairs])
    for name, (a, b) in variants.items():
        for C in (0.1, 1.0):
            d = a - b
            right = np.empty(len(pairs))
            for tr, te in GroupKFold(n_splits=5).split(d, groups=groups):
                x = np.vstack([d[tr], -d[tr]])
                y = np.r_[np.ones(len(tr)), np.zeros(len(tr))]
                w = LogisticRegression(C=C, fit_intercept=False, max_iter=2000).fit(x, y).coef_[0]
                m = d[te] @ w
                right[te] = np.where(m > 0, 1, np.where(m == 0, 0.5, 0))
            print(f"  {name:40s} C={C}: {right.mean():.3f}", flush=True)


if __name__ == "__main__":
    run("helpfulness", train_students.HH_FILES)
    run("tone", ("harmless-base-test.jsonl.gz",))
