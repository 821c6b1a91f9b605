"""The end model and root-cause triage against planted failures, on traffic the code was and was not tuned on.

    python bench/bench_endmodel.py [--fresh-seed 11]

For each traffic set — the shipped sample (critic/data/sample, the set the code was developed
on) and a second set from datasets/generate_fresh.py (written independently: other domain,
templates, wording and seed; not tuned to) — the set is ingested and judged on accuracy,
helpfulness and tone through the real `openai` client by the noisy loopback judge
(tests/fakes/judges.py: noise ±2 labels, blind to truncation, misses 25% of what it sees), then
labelled. Prints (1) ROC AUC for "planted failure" of every single source, each rubric's score,
the lowest of the three, majority vote, the LabelModel and the end model, side by side; (2) for
each planted mode, the top-10 problem of the last full week holding most of it, its purity and
recall — with the judge, and again with no judge at all.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.combine.label import label_matrix, run_label
from critic.combine.sources import ABSTAIN, BAD
from critic.config import Config
from critic.data import resource
from critic.ingest import ingest_files
from critic.judge.backends import resolve_judge
from critic.judge.run import Runner, Selection, select_work
from critic.rubrics import resolve_rubric
from critic.store import Store, Window
from critic.triage.period import last_full_week
from critic.triage.report import build_report
from tests.fakes.judges import noisy_judge, planted_modes
from tests.fakes.provider import ProviderServer

RUBRICS = ("accuracy", "helpfulness", "tone")
JUDGE = "openai:noisy-judge"


def truth(folder: Path) -> dict[str, str]:
    with (folder / "truth.csv").open() as f:
        return {r["id"]: r["failure_mode"] for r in csv.DictReader(f)}


def judge_all(store: Store, folder: Path, seed: int) -> float:
    """Judge every interaction on RUBRICS with the noisy judge through the real openai client; seconds."""
    started = time.perf_counter()
    with ProviderServer(reply=noisy_judge(planted_modes(folder), seed=seed), keep_prompts=False) as server:
        import os

        os.environ.setdefault("OPENAI_API_KEY", "sk-bench")
        judge = resolve_judge(JUDGE, base_url=server.url)
        work = select_work(store, [resolve_rubric(r) for r in RUBRICS], judge.spec, Selection())
        asyncio.run(Runner(store, judge, Config(), concurrency=32, budget_usd=None).run(work))
    return time.perf_counter() - started


def aucs(store: Store, planted: dict[str, str]) -> list[tuple[str, float]]:
    """ROC AUC of every score we can rank by, for 'planted failure'."""
    ids, names, matrix, _ = label_matrix(store, Config(), Window())
    y = np.array([bool(planted.get(i)) for i in ids])
    rows: list[tuple[str, float]] = []
    for j, name in enumerate(names):
        col = matrix[:, j]
        rows.append((f"source {name}", roc_auc_score(y, np.where(col == ABSTAIN, 0.5, (col == BAD).astype(float)))))
    scores = {}
    for rubric in RUBRICS:
        got = dict(
            store.con.execute(
                "SELECT interaction_id, expected FROM judgments WHERE rubric = ? AND status = 'ok'", [rubric]
            ).fetchall()
        )
        if got:
            scores[rubric] = np.array([got.get(i, 4.0) for i in ids])
            rows.append((f"score {rubric} (−expected)", roc_auc_score(y, -scores[rubric])))
    if scores:
        rows.append(("lowest of the rubric scores", roc_auc_score(y, -np.min(np.stack(list(scores.values())), axis=0))))
    bad, good = (matrix == BAD).sum(axis=1), ((matrix != ABSTAIN) & (matrix != BAD)).sum(axis=1)
    rows.append(("majority vote", roc_auc_score(y, np.where(bad + good > 0, bad / np.maximum(bad + good, 1), 0.5))))
    got = dict(
        (i, (p, v)) for i, p, v in store.con.execute("SELECT interaction_id, p_bad, p_bad_votes FROM labels").fetchall()
    )
    rows.append(("LabelModel (p_bad_votes)", roc_auc_score(y, [got[i][1] for i in ids])))
    rows.append(("end model (p_bad)", roc_auc_score(y, [got[i][0] for i in ids])))
    return rows


def triage_table(store: Store, planted: dict[str, str]) -> list[tuple[str, int, str, float, float]]:
    """Per planted mode: (mode, its count in the week, the top-10 problem holding most of it, purity, recall)."""
    period = last_full_week(store)
    report = build_report(store, Config(), period, top=20)
    week = {
        r[0]
        for r in store.con.execute(
            "SELECT id FROM interactions WHERE ts >= ? AND ts < ?", [period.start, period.end]
        ).fetchall()
    }
    rows = []
    for mode in sorted({m for m in planted.values() if m}):
        total = sum(1 for i in week if planted.get(i) == mode)
        best = ("-", 0.0, 0.0, 0)
        for c in report["clusters"][:10]:
            hits = sum(planted.get(i) == mode for i in c["interaction_ids"])
            if hits > best[3]:
                best = (c["name"], hits / len(c["interaction_ids"]), hits / max(total, 1), hits)
        rows.append((mode, total, best[0], best[1], best[2]))
    return rows


def run(folder: Path, name: str, seed: int, tmp: Path) -> None:
    planted = truth(folder)
    for judged in (True, False):
        with Store.open(tmp / f"{name}-{judged}.duckdb") as store:
            ingest_files(store, [str(folder / "interactions.jsonl"), str(folder / "events.jsonl")], Config())
            took = judge_all(store, folder, seed) if judged else 0.0
            started = time.perf_counter()
            run_label(store, Config(), Window())
            label_s = time.perf_counter() - started
            print(
                f"\n## {name}: {'noisy loopback judge on ' + ', '.join(RUBRICS) if judged else 'no judge'} "
                f"(judging {took:.1f} s, label {label_s:.1f} s)"
            )
            if judged:
                print("| P(bad) from | ROC AUC |\n| --- | --- |")
                for label, auc in aucs(store, planted):
                    print(f"| {label} | {auc:.3f} |")
            print(
                "\n| planted mode | in the week | top-10 problem holding most | purity | recall |"
                "\n| --- | --- | --- | --- | --- |"
            )
            for mode, total, cname, purity, recall in triage_table(store, planted):
                print(f"| {mode} | {total} | {cname} | {purity:.2f} | {recall:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh-seed", type=int, default=11)
    parser.add_argument("--fresh-n", type=int, default=3000)
    parser.add_argument("--only", choices=("sample", "fresh"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "fresh":
            run(resource("sample"), "sample (tuned on)", 0, Path(tmp))
        if args.only != "sample":
            fresh = Path(tmp) / "fresh"
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "datasets" / "generate_fresh.py"),
                    "--seed",
                    str(args.fresh_seed),
                    "--n",
                    str(args.fresh_n),
                    "--out",
                    str(fresh),
                ],
                check=True,
                capture_output=True,
            )
            run(fresh, f"fresh seed {args.fresh_seed} (not tuned on)", args.fresh_seed, Path(tmp))


if __name__ == "__main__":
    main()
