"""Rebuild the small slices of ../shared/datasets that tests read (tests never read ../shared).

    python datasets/make_test_slices.py   # from the repository root, with ../shared beside it

- llmbar/<set>/<judge>/result.json: LLMBar's recorded pairwise verdicts in both orders, trimmed to
  the fields critic reads (results[0]['swap = False'/'swap = True']['winner'], label), and the
  set's statistics.json as published. Source: princeton-nlp/LLMBar, commit 900616bf (MIT).
- hanna/chatgpt_prompt1.jsonl: HANNA's recorded ChatGPT (prompt 1) Relevance and Coherence scores
  against the human mean, as `critic calibrate --scores` reads them. Source:
  dig-team/hanna-benchmark-asg, commit 282f2753 (MIT).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
OUT = ROOT / "tests" / "data"
SETS = (
    "LLMBar/Natural",
    "LLMBar/Adversarial/Neighbor",
    "LLMBar/Adversarial/GPTInst",
    "LLMBar/Adversarial/GPTOut",
    "LLMBar/Adversarial/Manual",
    "Processed/FairEval",
    "Processed/LLMEval^2",
    "Processed/MT-Bench",
)
JUDGES = ("GPT-4", "ChatGPT", "LLaMA2", "PaLM2")


def llmbar() -> None:
    for name in SETS:
        for judge in JUDGES:
            src = SHARED / "llmbar" / "Dataset" / name / "evaluators" / judge / "Vanilla_NoRules"
            rows = json.loads((src / "result.json").read_text())
            slim = [
                {
                    "label": r.get("label"),
                    "results": [{k: {"winner": r["results"][0][k]["winner"]} for k in ("swap = False", "swap = True")}],
                }
                for r in rows
            ]
            dest = OUT / "llmbar" / name / judge
            dest.mkdir(parents=True, exist_ok=True)
            (dest / "result.json").write_text(json.dumps(slim, separators=(",", ":")))
            (dest / "statistics.json").write_text((src / "statistics.json").read_text())


def hanna() -> None:
    sys.path.insert(0, str(ROOT))
    from critic.calibrate.hanna import score_rows

    rows = [
        r
        for r in score_rows(SHARED / "hanna" / "hanna_metric_scores_llm.csv")
        if r["judge"] == "ChatGPT prompt 1" and r["criterion"] in ("Relevance", "Coherence")
    ]
    (OUT / "hanna" / "chatgpt_prompt1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


if __name__ == "__main__":
    llmbar()
    hanna()
