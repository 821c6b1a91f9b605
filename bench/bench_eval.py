"""Judging throughput and fault handling against a loopback OpenAI-compatible server.

    python bench/bench_eval.py [--n 3000] [--latency 0.2] [--concurrency 64] [--sustained 20000]

The server runs in its own process (tests/fakes/provider.py) and answers after --latency
seconds, so the ideal rate is concurrency / latency (320 judgments/s at 64 and 200 ms).
Run 1: N distinct interactions, no faults. Run 2: 30% injected faults (429 with Retry-After,
500, timeouts, garbage text): every item must end with a status, unparseable replies counted.
Run 3: --sustained judgments (20,000) without faults, sampling the eval process's resident
memory every second, to show the judging rate holds and memory stays flat.
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

from critic.store import Store


def make_store(path: Path, n: int) -> None:
    rows = [
        {"id": f"b{i}", "ts": "2026-11-02T10:00:00Z", "input": f"question {i}", "output": f"answer number {i}"}
        for i in range(n)
    ]
    src = path.with_suffix(".jsonl")
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    subprocess.run(
        [sys.executable, "-m", "critic.cli", "ingest", str(src), "--db", str(path)], check=True, capture_output=True
    )


def run_eval(db: Path, port: int, concurrency: int, rss: list[float] | None = None) -> tuple[dict[str, object], float]:
    """Run `critic eval` in its own process; with RSS, append its resident MB once a second."""
    env = {**os.environ, "OPENAI_API_KEY": "sk-bench", "CRITIC_JUDGE_TIMEOUT": "2"}
    t = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "critic.cli",
            "eval",
            "--db",
            str(db),
            "--judge",
            "openai:gpt-4.1-mini",
            "--base-url",
            f"http://127.0.0.1:{port}/v1",
            "--rubric",
            "fluency",
            "--concurrency",
            str(concurrency),
            "--format",
            "json",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    while rss is not None and proc.poll() is None:
        rss.append(_rss_mb(proc.pid))
        time.sleep(1)
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"critic eval failed with exit {proc.returncode}")
    return json.loads(out), time.perf_counter() - t


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def server(port: int, latency: float, fault_rate: float) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.provider",
            "--port",
            str(port),
            "--latency",
            str(latency),
            "--fault-rate",
            str(fault_rate),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    return proc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--sustained", type=int, default=20_000)
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
            print(
                f"{label}: {args.n} judgments, {judging_s:.1f} s judging ({wall:.1f} s with process start) = "
                f"{rate:.0f}/s, ideal {ideal:.0f}/s -> {rate / ideal:.0%}; output tokens/judgment "
                f"{int(result['output_tokens']) / max(1, int(result['judged'])):.2f}; statuses {statuses}; "
                f"unparseable {result['unparseable']}, errors {result['errors']}",
                flush=True,
            )
        if args.sustained:
            sustained(Path(tmp), args)


def sustained(tmp: Path, args: argparse.Namespace) -> None:
    """SUSTAINED judgments in one run: rate, store write rate, and resident memory over time."""
    db = tmp / "sustained.duckdb"
    make_store(db, args.sustained)
    proc = server(18733, args.latency, 0.0)
    rss: list[float] = []
    try:
        result, wall = run_eval(db, 18733, args.concurrency, rss)
    finally:
        proc.terminate()
    with Store.open(db) as store:
        written = store.con.execute("SELECT count(*) FROM judgments WHERE status = 'ok'").fetchone()[0]
        span = store.con.execute("SELECT epoch(finished_at) - epoch(started_at) FROM runs").fetchone()
    judging_s = float(span[0]) if span else wall
    quarters = [rss[min(len(rss) - 1, int(len(rss) * q))] for q in (0.25, 0.5, 0.75, 1.0)] if rss else []
    print(
        f"sustained: {args.sustained} judgments in {judging_s:.1f} s = {args.sustained / judging_s:.0f}/s "
        f"(ideal {args.concurrency / args.latency:.0f}/s); {written} rows written = {written / judging_s:.0f} rows/s; "
        f"eval process RSS at 25/50/75/100% of the run: {' / '.join(f'{m:.0f}' for m in quarters)} MB "
        f"(peak {max(rss, default=0):.0f} MB); judged {result['judged']}",
        flush=True,
    )


if __name__ == "__main__":
    main()
