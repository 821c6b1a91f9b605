# SPDX-License-Identifier: Apache-2.0
"""PII redaction on the planted corpora (tests/data/pii): values redacted, look-alikes kept, time per text.

values.jsonl and keep.jsonl were written blind to the redactor; holdout.jsonl and
keep_holdout.jsonl were written later by someone who saw neither the redactor nor the first
files. national*.jsonl (national identifiers, dates of birth, street addresses) and their
look-alikes were written blind to the redactor in issue 22. Run: python bench/bench_redact.py [--show]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from critic.triage.redact import redact

PII = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii"
PAIRS = (
    ("values.jsonl", "keep.jsonl"),
    ("holdout.jsonl", "keep_holdout.jsonl"),
    ("national.jsonl", "keep_national.jsonl"),  # issue 22: national ids, dates of birth, addresses
    ("national_holdout.jsonl", "keep_national_holdout.jsonl"),
)


def load(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (PII / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every miss and every wrongly redacted look-alike")
    args = parser.parse_args()
    for planted, kept in PAIRS:
        rows, looks = load(planted), load(kept)
        started = time.perf_counter()
        missed = [r for r in rows if r["value"] in (redact(r["text"]) or "")]
        wrong = [r for r in looks if redact(r["text"]) != r["text"]]
        us = (time.perf_counter() - started) * 1e6 / (len(rows) + len(looks))
        by_kind = Counter(r["kind"] for r in rows)
        missed_kind = Counter(r["kind"] for r in missed)
        kinds = ", ".join(f"{k} {by_kind[k] - missed_kind[k]}/{by_kind[k]}" for k in sorted(by_kind))
        print(
            f"{planted}: redacted {len(rows) - len(missed)}/{len(rows)} ({kinds}); "
            f"{kept}: kept {len(looks) - len(wrong)}/{len(looks)}; {us:.0f} µs per text"
        )
        if args.show:
            for r in missed:
                print(f"  missed {r['id']}: {r['value']}")
            for r in wrong:
                print(f"  redacted look-alike {r['id']}: {redact(r['text'])}")


if __name__ == "__main__":
    main()
