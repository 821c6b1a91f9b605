"""`critic label` and `critic triage` at 1M interactions: wall time and peak memory of each stage.

    python bench/bench_triage.py [--n 1000000]

Needs the store that bench_ingest.py leaves in bench/out/critic.duckdb (run it first). Works on
a copy, so the ingest store stays as it was. Each stage runs in its own process, so its peak
resident memory is its own. Prints the figures; the goal (issue 5/8) is label + triage ≤ 120 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from critic.combine.label import run_label
from critic.config import Config
from critic.store import Store, Window
from critic.triage.period import last_full_week
from critic.triage.render import write_report
from critic.triage.report import build_report

OUT = Path(__file__).resolve().parent / "out"


def stage(name: str, db: Path) -> dict[str, object]:
    """Run one stage on DB in this process; return its figures."""
    t = time.perf_counter()
    with Store.open(db) as store:
        n = store.con.execute("SELECT count(*) FROM interactions").fetchone()[0]
        if name == "label":
            result = run_label(store, Config(), Window())
            extra = {"likely_bad": result.likely_bad, "label_model": result.label_model, "sources": len(result.sources)}
        else:
            period = last_full_week(store)
            report = build_report(store, Config(), period)
            write_report(report, OUT / "report")
            extra = {
                "week": period.label,
                "week_interactions": report["headline"]["interactions"]["value"],
                "likely_bad": report["clustering"]["likely_bad"],
                "clustered": report["clustering"]["clustered"],
                "clusters": len(report["clusters"]),
                "embedding": report["clustering"]["method"],
            }
    return {
        "stage": name,
        "interactions": n,
        "seconds": round(time.perf_counter() - t, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", choices=["label", "triage"])
    parser.add_argument("--db", type=Path, default=OUT / "bench-triage.duckdb")
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage(args.stage, args.db)))
        return
    source = OUT / "critic.duckdb"
    if not source.exists():
        sys.exit(f"{source} not found: run python bench/bench_ingest.py first")
    shutil.copy(source, args.db)
    total = 0.0
    for name in ("label", "triage"):
        line = (
            subprocess.run(
                [sys.executable, __file__, "--stage", name, "--db", str(args.db)],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        figures = json.loads(line)
        total += float(figures["seconds"])
        print(" ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    print(f"label + triage: {total:.1f} s (goal ≤ 120 s)")
    args.db.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
