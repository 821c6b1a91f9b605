# SPDX-License-Identifier: Apache-2.0
"""The no-key judge: its speed on chat traffic, and the student against Gemma's likelihood on human preferences.

    python bench/bench_local_judges.py [--n 1000] [--pairs 150]

(1) Speed: `local` judging N real chat interactions (HH-RLHF conversations and their chosen reply),
then N of the sample's chats (templated: texts repeat), on accuracy, tone and helpfulness,
features included (sentence model loaded before the clock starts, its load time printed apart),
as `critic eval` does it: prepare() featurizes each distinct interaction once for all rubrics, then
one score() per judgment. (2) Trust: on PAIRS random HH-RLHF pairs per rubric (harmless-base for
tone, helpful for helpfulness; seed 0), the share where each judge gives the reply people preferred
the higher expected label (ties count half) — Gemma's likelihood (`local:gemma-3-270m`) beside the
shipped student's cross-validated figure on all pairs (datasets/train_students.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "datasets"))

import train_students

from critic.data import resource
from critic.judge.backends.local import LocalJudge, shipped_student
from critic.judge.records import JudgeRequest
from critic.rubrics import resolve_rubric

SHARED = ROOT.parent / "shared" / "datasets"
RUBRICS = ("accuracy", "tone", "helpfulness")


def hh_chats(n: int) -> list[dict[str, str]]:
    """N real chat interactions: HH-RLHF conversations (the turns before the last reply) and their chosen reply."""
    pairs = train_students.hh_pairs(SHARED, (*train_students.HH_FILES, "harmless-base-test.jsonl.gz"))
    random.Random(0).shuffle(pairs)
    return [{"input": prefix, "output": chosen} for prefix, chosen, _ in pairs[:n]]


def sample_chats(n: int) -> list[dict[str, str]]:
    """N chat interactions of the shipped sample (support and search; templated, so texts repeat)."""
    rows = [json.loads(line) for line in resource("sample", "interactions.jsonl").read_text().splitlines()]
    return [r for r in rows if r.get("feature") != "summarizer"][:n]


def speed(name: str, rows: list[dict[str, str]]) -> None:
    """Judgments/s with the sentence model in fp32 and in bf16 ($CRITIC_EMBED_PRECISION), side by side, and how far
    the two precisions' expected labels part."""
    rubrics = [resolve_rubric(r) for r in RUBRICS]
    requests = [
        JudgeRequest(rubric=r, fields={k: row.get(k) for k in ("input", "output", "context", "reference")}, prompt="")
        for row in rows
        for r in rubrics
    ]
    from critic.embed import precision, sentence_vectors

    started = time.perf_counter()
    sentence_vectors(["warm up"])
    loaded = time.perf_counter() - started
    print(f"sentence model load {loaded:.1f} s, before the clock; auto precision here: {precision()}")
    expected = {}
    for chosen in ("fp32", "bf16"):
        os.environ["CRITIC_EMBED_PRECISION"] = chosen
        sentence_vectors(["warm up"])
        judge = LocalJudge()
        started = time.perf_counter()
        judge.prepare(requests)
        featurized = time.perf_counter() - started
        replies = [judge.score(request) for request in requests]
        took = time.perf_counter() - started
        expected[chosen] = np.array([sum(int(k) * p for k, p in (r.probs or {}).items()) for r in replies])
        print(
            f"speed on {name}, {chosen}: {len(requests)} judgments ({len(rows)} interactions × {len(rubrics)} "
            f"rubrics) in {took:.1f} s = {len(requests) / took:.0f} judgments/s, {len(rows) / took:.0f} "
            f"interactions/s (features {featurized:.1f} s)"
        )
    os.environ.pop("CRITIC_EMBED_PRECISION")
    gap = np.abs(expected["fp32"] - expected["bf16"])
    print(f"  bf16 against fp32: expected label differs by {gap.max():.4f} at most, {gap.mean():.5f} on average")


def trust(pairs_per_rubric: int) -> None:
    gemma = LocalJudge("gemma-3-270m")
    print("\n| rubric | data | pairs | Gemma likelihood | shipped student (5-fold CV, all pairs) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for rubric_name, files in (("tone", ("harmless-base-test.jsonl.gz",)), ("helpfulness", train_students.HH_FILES)):
        pairs = train_students.hh_pairs(SHARED, files)
        random.Random(0).shuffle(pairs)
        pairs = pairs[:pairs_per_rubric]
        rubric = resolve_rubric(rubric_name)
        right = 0.0
        started = time.perf_counter()
        for prefix, chosen, rejected in pairs:
            a, b = (
                gemma.score(JudgeRequest(rubric=rubric, fields={"input": prefix, "output": o}, prompt="")).probs
                for o in (chosen, rejected)
            )
            ea, eb = (sum(k * p for k, p in d.items()) for d in (a, b))
            right += 1.0 if ea > eb else 0.5 if ea == eb else 0.0
        student = shipped_student(rubric_name)
        cv = student.cv["held_out_pairwise_accuracy"] if student else float("nan")
        print(
            f"| {rubric_name} | {files[0].split('-test')[0]} | {len(pairs)} | {right / len(pairs):.3f} | {cv:.3f} |"
            f"  ({(time.perf_counter() - started) / (2 * len(pairs)):.2f} s per Gemma judgment)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=150)
    parser.add_argument("--skip-trust", action="store_true")
    args = parser.parse_args()
    speed("HH-RLHF chats", hh_chats(args.n))
    speed("the sample's chats", sample_chats(args.n))
    if not args.skip_trust:
        trust(args.pairs)


if __name__ == "__main__":
    main()
