"""Ingest throughput: `critic ingest` against raw DuckDB `read_json` on the same JSONL file.

    python bench/bench_ingest.py [--n 1000000]

Generates N interactions with the sample generator (cached in bench/out/), then, side by side
in one run: (a) raw DuckDB `CREATE TABLE AS SELECT * FROM read_json(file)` into a fresh file,
(b) critic's full ingest (validate, normalize, hash user ids, dedupe, write) into a fresh store.
Prints the figures and the ratio.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from critic.config import Config
from critic.ingest import ingest_files
from critic.store import Store
from datasets.generate_sample import write

OUT = Path(__file__).resolve().parent / "out"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    data = OUT / f"traffic-{args.n}"
    if not (data / "interactions.jsonl").exists():
        t = time.perf_counter()
        write(data, args.n, seed=11)
        print(f"generated {args.n} interactions in {time.perf_counter() - t:.1f} s", flush=True)
    src = data / "interactions.jsonl"
    size_mb = src.stat().st_size / 1e6

    raw_db = OUT / "raw.duckdb"
    raw_db.unlink(missing_ok=True)
    t = time.perf_counter()
    con = duckdb.connect(str(raw_db))
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_json('{src}', format='newline_delimited')")
    rows = con.execute("SELECT count(*) FROM t").fetchone()
    con.close()
    raw_s = time.perf_counter() - t

    store_db = OUT / "critic.duckdb"
    store_db.unlink(missing_ok=True)
    t = time.perf_counter()
    with Store.open(store_db) as store:
        result = ingest_files(store, [str(src), str(data / "events.jsonl")], Config())
    critic_s = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"file: {src.name}, {rows[0] if rows else 0} records, {size_mb:.0f} MB")
    print(f"raw duckdb read_json:  {raw_s:6.1f} s  {args.n / raw_s:10.0f} rows/s")
    print(
        f"critic ingest:         {critic_s:6.1f} s  {args.n / critic_s:10.0f} rows/s "
        f"({result.interactions} interactions + {result.events} events)"
    )
    print(f"critic / raw rate: {raw_s / critic_s:.2f}   peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
