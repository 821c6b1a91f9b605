"""Judging throughput and fault handling against a loopback OpenAI-compatible server.

    python bench/bench_eval.py [--n 3000] [--latency 0.2] [--concurrency 64]

The server runs in its own process (tests/fakes/provider.py) and answers after --latency
seconds, so the ideal rate is concurrency / latency (320 judgments/s at 64 and 200 ms).
Run 1: N distinct interactions, no faults. Run 2: 30% injected faults (429 with Retry-After,
500, timeouts, garbage text): every item must end with a status, unparseable replies counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.store import Store  # noqa: E402


def make_store(path: Path, n: int) -> None:
    rows = [{"id": f"b{i}", "ts": "2026-11-02T10:00:00Z", "input": f"question {i}", "output": f"answer number {i}"}
            for i in range(n)]
    src = path.with_suffix(".jsonl")
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    subprocess.run([sys.executable, "-m", "critic.cli", "ingest", str(src), "--db", str(path)], check=True,
                   capture_output=True)


def run_eval(db: Path, port: int, concurrency: int) -> tuple[dict[str, object], float]:
    env = {**os.environ, "OPENAI_API_KEY": "sk-bench", "CRITIC_JUDGE_TIMEOUT": "2"}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "critic.cli", "eval", "--db", str(db), "--judge", "openai:gpt-4.1-mini",
                          "--base-url", f"http://127.0.0.1:{port}/v1", "--rubric", "fluency",
                          "--concurrency", str(concurrency), "--format", "json"],
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout), time.perf_counter() - t


def server(port: int, latency: float, fault_rate: float) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.provider", "--port", str(port), "--latency", str(latency),
                             "--fault-rate", str(fault_rate)], cwd=ROOT, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    return proc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, fault_rate, port in (("clean", 0.0, 18731), ("30% faults", 0.3, 18732)):
            db = Path(tmp) / f"{port}.duckdb"
            make_store(db, args.n)
            proc = server(port, args.latency, fault_rate)
            try:
                result, wall = run_eval(db, port, args.concurrency)
            finally:
                proc.terminate()
            with Store.open(db) as store:
                statuses = dict(store.con.execute("SELECT status, count(*) FROM judgments GROUP BY 1").fetchall())
                span = store.con.execute("SELECT epoch(finished_at) - epoch(started_at) FROM runs").fetchone()
            judging_s = float(span[0]) if span else wall
            ideal = args.concurrency / args.latency
            rate = args.n / judging_s
            print(f"{label}: {args.n} judgments, {judging_s:.1f} s judging ({wall:.1f} s with process start) = "
                  f"{rate:.0f}/s, ideal {ideal:.0f}/s -> {rate / ideal:.0%}; output tokens/judgment "
                  f"{int(result['output_tokens']) / max(1, int(result['judged'])):.2f}; statuses {statuses}; "
                  f"unparseable {result['unparseable']}, errors {result['errors']}", flush=True)


if __name__ == "__main__":
    main()
