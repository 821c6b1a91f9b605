"""Train the learned half of the judge-manipulation detector; print its held-out figures.

    python datasets/train_manipulation.py [--shared ../shared/datasets] [--out critic/signals/steering.json]

A logistic regression (L1, so few weights are kept) over hashed character 2–5-grams of each text's
normalized view (critic.signals.manipulation.views: compatibility forms, invisible characters out,
look-alikes as Latin, hidden payloads read back), lower-cased.

- Attempts (positive): critic/data/injection/attacks.jsonl, attacks_holdout.jsonl,
  attacks_holdout2.jsonl, attacks_holdout3_dev.jsonl — never attacks_holdout3.jsonl, the blind set.
- Ordinary text (negative): the hard negatives and grading_talk.jsonl, and replies people wrote or
  rated: HH-RLHF chosen and rejected replies (MIT), FairEval answers (Apache-2.0), LLMBar outputs (MIT).
  ordinary.jsonl (OpenAssistant) stays out, for the false-positive figure.

The threshold is the lowest probability whose false-positive rate on held-out HH-RLHF replies
(a split by conversation never trained on) is at most TARGET_FP. Deterministic: same data, same file.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.signals import steering  # noqa: E402

INJECTION = ROOT / "critic" / "data" / "injection"
ATTACKS = ("attacks.jsonl", "attacks_holdout.jsonl", "attacks_holdout2.jsonl", "attacks_holdout3_dev.jsonl")
INNOCENT = ("hard_negatives.jsonl", "hard_negatives2.jsonl", "grading_talk.jsonl")
HH = ("helpful-online-test.jsonl.gz", "helpful-rejection-sampled-test.jsonl.gz", "harmless-base-test.jsonl.gz")
TARGET_FP = 0.002
SEED = 0


def corpus(name: str) -> list[str]:
    return [json.loads(line)["text"] for line in (INJECTION / name).read_text(encoding="utf-8").splitlines() if line]


def hh_replies(shared: Path) -> tuple[list[str], list[str]]:
    """(replies to train on, held-out replies) from HH-RLHF, split by conversation."""
    train, held = [], []
    for name in HH:
        with gzip.open(shared / "hh_rlhf" / name, "rt", encoding="utf-8") as f:
            for k, line in enumerate(f):
                row = json.loads(line)
                replies = [row[key].rpartition("\n\nAssistant:")[2].strip() for key in ("chosen", "rejected")]
                (held if k % 4 == 0 else train).extend(r for r in replies if r)
    return train, held


def other_replies(shared: Path) -> list[str]:
    """FairEval answers and LLMBar outputs: more ordinary assistant text, some of it about rating and grading."""
    found: list[str] = []
    for path in sorted((shared / "faireval" / "answer").glob("*.jsonl")):
        found += [json.loads(line).get("text", "") for line in path.read_text().splitlines() if line]
    for path in sorted((shared / "llmbar" / "Dataset").rglob("dataset.json")):
        for row in json.loads(path.read_text()):
            found += [row.get("output_1", ""), row.get("output_2", "")]
    return [t for t in found if t]


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=ROOT / "critic" / "signals" / steering.FILE)
    args = parser.parse_args()
    attacks = [t for name in ATTACKS for t in corpus(name)]
    hh_train, hh_held = hh_replies(args.shared)
    rng = random.Random(SEED)
    rng.shuffle(hh_train)
    rng.shuffle(hh_held)
    others = other_replies(args.shared)
    rng.shuffle(others)
    innocent = [t for name in INNOCENT for t in corpus(name)] + hh_train[:6000] + others[:2000]
    texts = attacks + innocent
    y = np.r_[np.ones(len(attacks)), np.zeros(len(innocent))]
    x = steering.vectorize(texts)
    model = LogisticRegression(
        l1_ratio=1.0, C=4.0, solver="liblinear", class_weight="balanced", max_iter=2000, random_state=SEED
    ).fit(x, y)
    held = steering.vectorize(hh_held[:4000])
    scores = np.sort(model.decision_function(held))[::-1]
    threshold = float(scores[int(TARGET_FP * len(scores))]) + 1e-9
    coef = model.coef_[0]
    kept = {int(i): round(float(coef[i]), 6) for i in np.flatnonzero(coef)}
    found = {
        "attempts": len(attacks),
        "innocent": len(innocent),
        "weights": len(kept),
        "threshold": threshold,
        "held_out_hh_replies": len(held.indptr) - 1,
        "held_out_fp": float((model.decision_function(held) >= threshold).mean()),
    }
    args.out.write_text(
        json.dumps(
            {
                "version": steering.VERSION,
                "intercept": round(float(model.intercept_[0]), 6),
                "threshold": round(threshold, 6),
                "coef": kept,
                "trained_on": {
                    "attempts": list(ATTACKS),
                    "innocent": list(INNOCENT) + ["HH-RLHF", "FairEval", "LLMBar"],
                },
                "figures": found,
            },
            indent=0,
        )
        + "\n"
    )
    print(json.dumps(found))


if __name__ == "__main__":
    main()
