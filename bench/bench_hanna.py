"""Calibration on HANNA: every LLM judge × prompt, and every human rater against the other two (the ceiling).

    python bench/bench_hanna.py [--hanna ../shared/datasets/hanna]

Writes the recorded scores as `critic calibrate --scores` rows, runs the calibration (1–5 on
both sides) and prints the Spearman table; the dataset README's sanity check is ChatGPT prompt 1
against the human mean: Relevance 0.365, Coherence 0.447.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.agreement import Scale
from critic.calibrate.hanna import CRITERIA, score_rows
from critic.calibrate.scores import ScoreRow, calibrate_scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hanna", type=Path, default=ROOT.parent / "shared" / "datasets" / "hanna")
    args = parser.parse_args()
    rows = [
        ScoreRow(
            str(r["id"]),
            str(r["criterion"]),
            str(r["judge"]),
            float(r["score"]),
            float(r["human"]),  # type: ignore[arg-type]
            str(r["group"]),
        )
        for r in score_rows(args.hanna / "hanna_metric_scores_llm.csv")
    ]
    five = Scale(1, 5)
    results = calibrate_scores(rows, judge_scale=five, human_scale=five)
    table: dict[str, dict[str, dict[str, object]]] = defaultdict(dict)
    for r in results:
        table[str(r["judge"])][str(r["criterion"])] = r
    criteria = list(CRITERIA.values())
    print("Spearman ρ against the human mean (judges) or the other two raters' mean (raters), all 1,056 stories;")
    print("in brackets: MAE on the 7-point scale")
    print(f"{'judge':<28}" + "".join(f"{c:>18}" for c in criteria))
    for judge, by in table.items():
        cells = "".join(f"{by[c]['spearman']:>10.3f} ({by[c]['mae']:.2f})" for c in criteria)
        print(f"{judge:<28}{cells}")


if __name__ == "__main__":
    main()
