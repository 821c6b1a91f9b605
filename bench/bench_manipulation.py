# SPDX-License-Identifier: Apache-2.0
"""The judge-manipulation heuristic on the injection corpus: recall on attempts, false positives on ordinary outputs.

The corpus (critic/data/injection/) was written blind to the heuristic; attacks_holdout.jsonl
was written after attacks.jsonl with other wording, languages and tricks. Prints recall per
file and per style, the false-positive rate on 300 OASST assistant replies and on the innocent
hard negatives, and the misses. Run: python bench/bench_manipulation.py [--show-misses]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict

from critic.data import resource
from critic.signals.manipulation import is_manipulation, reasons

FILES = (
    "attacks.jsonl",
    "attacks_holdout.jsonl",
    "attacks_holdout2.jsonl",
    "attacks_holdout3_dev.jsonl",
    "attacks_holdout3.jsonl",
    "ordinary.jsonl",
    "hard_negatives.jsonl",
    "hard_negatives2.jsonl",
    "grading_talk.jsonl",
)


def load(name: str) -> list[dict[str, str]]:
    text = resource("injection", name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--only", nargs="*", help="these corpus files only (default: all)")
    args = parser.parse_args()
    for name in args.only or FILES:
        rows = load(name)
        started = time.perf_counter()
        flagged = [is_manipulation(r["text"]) for r in rows]
        ms = (time.perf_counter() - started) * 1000 / len(rows)
        hits = sum(flagged)
        kind = "recall" if name.startswith("attacks") else "flagged (false positives)"
        print(f"{name}: {kind} {hits}/{len(rows)} = {hits / len(rows):.3f}  ({ms:.2f} ms per text)")
        if name.startswith("attacks"):
            by_style: dict[str, list[bool]] = defaultdict(list)
            for r, f in zip(rows, flagged):
                by_style[r["style"]].append(f)
            print("  " + ", ".join(f"{s} {sum(v)}/{len(v)}" for s, v in sorted(by_style.items())))
        if args.show_misses:
            for r, f in zip(rows, flagged):
                if f != name.startswith("attacks"):
                    print(f"    {r['id']}: {reasons(r['text']) or 'missed'}: {r['text'][:160]!r}")


if __name__ == "__main__":
    main()
