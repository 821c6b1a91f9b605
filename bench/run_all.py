"""Run every benchmark in order and keep what each printed: the figures behind bench/RESULTS.md.

    python bench/run_all.py [--quick]

Order: ingest (1M, generates the traffic once), label + triage (1M, on the ingest store),
judging throughput (3,000 + 20,000 sustained), peers side by side (500 items), weak supervision,
HANNA calibration, the embedded judge on SummEval (5 documents; ≈ 20 min on 2 cores). Output
goes to the terminal and to bench/out/run_all-<date>.txt. --quick runs smaller sizes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# (script, full-size arguments, --quick arguments)
BENCHES = [
    ("bench_ingest.py", ["--n", "1000000"], ["--n", "100000"]),
    ("bench_triage.py", [], []),
    ("bench_eval.py", ["--n", "3000", "--sustained", "20000"], ["--n", "1000", "--sustained", "2000"]),
    ("bench_peers.py", ["--n", "500"], ["--n", "50"]),
    ("bench_label.py", [], []),
    ("bench_hanna.py", [], []),
    ("bench_summeval.py", ["--docs", "5"], ["--docs", "1"]),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    log = BENCH / "out" / f"run_all-{date.today()}.txt"
    log.parent.mkdir(parents=True, exist_ok=True)
    failed = []
    with log.open("w") as out:
        for script, full, quick in BENCHES:
            extra = quick if args.quick else full
            header = f"\n=== python bench/{script} {' '.join(extra)}\n"
            print(header, flush=True)
            out.write(header)
            proc = subprocess.run([sys.executable, str(BENCH / script), *extra], capture_output=True, text=True)
            print(proc.stdout, flush=True)
            out.write(proc.stdout)
            if proc.returncode:
                failed.append(script)
                out.write(proc.stderr[-4000:])
                print(proc.stderr[-4000:], file=sys.stderr)
    print(f"\nwrote {log}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
