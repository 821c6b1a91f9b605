"""People's verdicts as gold: how fast P(bad) improves with reviews, and whether the audit interval is honest.

    python bench/bench_review.py [--seeds 11,23,37] [--n 3000] [--coverage-seeds 100] [--shares R=S,...]

On traffic from datasets/generate_fresh.py (written independently of the shipped sample: another domain,
templates and wording), judged on accuracy, helpfulness and tone by the noisy loopback judge through the
real openai client (bench/bench_endmodel.py's setup) and labelled, a simulated reviewer who knows the
planted failures marks interactions in rounds of 25, each followed by `critic label`:

1. chosen by `critic review queue` (its default shares: worst, informative, audit) or uniformly at random;
   prints ROC AUC of P(bad) for "planted failure" on the interactions nobody reviewed, after 0, 25, 50,
   100 and 200 verdicts, both ways side by side;
2. the ceiling: the end model fitted to the planted truth of every interaction (cross-fitted), the most its
   features can rank with no reviewer budget at all;
3. the audit estimate: for each of COVERAGE_SEEDS draws of the last week's audit sample (50 interactions,
   the queue's own draw under another seed), whether its Wilson 95% interval covers the week's true share
   of planted failures.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_endmodel import judge_all, truth
from critic.combine.endmodel import features, fit_end_model
from critic.combine.label import label_matrix, run_label
from critic.config import Config
from critic.ingest import ingest_files
from critic.review.queue import bad_rate, build_queue, parse_shares
from critic.review.verdicts import mark
from critic.store import Store, Window
from critic.store.review import gold, period_ids
from critic.triage.period import last_full_week, span_period

ROUND = 25
BUDGETS = (0, 25, 50, 100, 200)
AUDIT_N = 50


def unreviewed_auc(store: Store, planted: dict[str, str]) -> float:
    """ROC AUC of P(bad) for 'planted failure' over the labelled interactions nobody reviewed."""
    result = run_label(store, Config(), Window())
    reviewed = gold(store)
    rows = [r for r in result.rows if r["id"] not in reviewed]
    y = [bool(planted.get(r["id"])) for r in rows]
    return float(roc_auc_score(y, [r["p_bad"] for r in rows]))


def ceiling(store: Store, planted: dict[str, str]) -> float:
    """ROC AUC of the end model trained on the truth of every interaction (cross-fitted, as `critic label` fits)."""
    ids, _, _, _ = label_matrix(store, Config(), Window())
    y = np.array([bool(planted.get(i)) for i in ids], float)
    probs, _, _ = fit_end_model(features(store).reindex(ids), y)
    return float(roc_auc_score(y, probs))


def review(store: Store, ids: list[str], planted: dict[str, str]) -> None:
    for i in ids:
        mark(store, i, "bad" if planted.get(i) else "ok", reviewer="bench")


def curve(
    base: Path, work: Path, planted: dict[str, str], how: str, seed: int, shares: dict[str, float] | None = None
) -> list[tuple[int, float, float]]:
    """(verdicts, AUC on the unreviewed, seconds of the last round) after each budget, reviewing by HOW."""
    path = work / f"{how}.duckdb"
    shutil.copy(base, path)
    rng = random.Random(seed)
    out = []
    with Store.open(path) as store:
        span = span_period("2000-01-01", "2100-01-01")
        done = 0
        for budget in BUDGETS:
            started = time.perf_counter()
            while done < budget:
                if how == "queue":
                    queued = build_queue(store, span.start, span.end, span.label, ROUND, shares)
                    chosen = [q.interaction_id for q in queued]
                else:
                    left = sorted(set(period_ids(store, span.start, span.end)) - set(gold(store)))
                    chosen = rng.sample(left, ROUND)
                review(store, chosen, planted)
                done += len(chosen)
                if done < budget:
                    run_label(store, Config(), Window())  # the next round is chosen on the updated labels
            out.append((done, unreviewed_auc(store, planted), time.perf_counter() - started))
    return out


def coverage(base: Path, work: Path, planted: dict[str, str], seeds: int) -> tuple[int, float, float]:
    """(draws whose Wilson 95% interval covers the week's true bad share, true share, mean width)."""
    path = work / "audit.duckdb"
    shutil.copy(base, path)
    covered, widths = 0, []
    with Store.open(path) as store:
        week = last_full_week(store)
        ids = period_ids(store, week.start, week.end)
        true = sum(bool(planted.get(i)) for i in ids) / len(ids)
        for s in range(seeds):
            store.con.execute("DELETE FROM verdicts; DELETE FROM review_queue")
            label = f"{week.label}#draw{s}"  # the queue seeds its audit permutation by the period's label
            items = build_queue(store, week.start, week.end, label, AUDIT_N, {"audit": 1.0})
            review(store, [q.interaction_id for q in items], planted)
            rate = bad_rate(store, week.start, week.end)
            assert rate.low is not None and rate.high is not None and rate.audited == AUDIT_N
            covered += rate.low <= true <= rate.high
            widths.append(rate.high - rate.low)
    return covered, true, float(np.mean(widths))


def one_seed(seed: int, n: int, shares: dict[str, float], work: Path) -> tuple[Path, dict[str, str], list, list]:
    """Generate, ingest, judge and label traffic of SEED; the two curves over it."""
    fresh = work / f"fresh-{seed}"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "datasets" / "generate_fresh.py"),
            "--seed",
            str(seed),
            "--n",
            str(n),
            "--out",
            str(fresh),
        ],
        check=True,
        capture_output=True,
    )
    planted = truth(fresh)
    base = work / f"base-{seed}.duckdb"
    with Store.open(base) as store:
        ingest_files(store, [str(fresh / "interactions.jsonl"), str(fresh / "events.jsonl")], Config())
        seconds = judge_all(store, fresh, seed)
        run_label(store, Config(), Window())
        best = ceiling(store, planted)
    print(
        f"fresh traffic seed {seed}: {n} interactions, {sum(map(bool, planted.values()))} planted failures; "
        f"judged in {seconds:.0f} s; ceiling (end model on the truth of all {n}) {best:.3f}",
        flush=True,
    )
    return base, planted, curve(base, work, planted, "queue", seed, shares), curve(base, work, planted, "random", seed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="11,23,37", help="traffic seeds (comma-separated)")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--coverage-seeds", type=int, default=100)
    parser.add_argument("--shares", help="the queue's shares (critic review queue --shares); default its own")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs = [one_seed(seed, args.n, parse_shares(args.shares), work) for seed in seeds]
        head = " | ".join(f"seed {s}: queue / random" for s in seeds)
        print(f"\n| verdicts | {head} | mean: queue / random |\n| ---: |" + " ---: |" * (len(seeds) + 1))
        for k, budget in enumerate(BUDGETS):
            cells = [(q[k][1], r[k][1]) for _, _, q, r in runs]
            mean_q, mean_r = np.mean([c[0] for c in cells]), np.mean([c[1] for c in cells])
            row = " | ".join(f"{a:.3f} / {b:.3f}" for a, b in cells)
            print(f"| {budget} | {row} | {mean_q:.3f} / {mean_r:.3f} |")
        base, planted = runs[0][0], runs[0][1]
        covered, true, width = coverage(base, work, planted, args.coverage_seeds)
        print(
            f"\naudit sample of {AUDIT_N} from the last full week (seed {seeds[0]}), {args.coverage_seeds} draws: the "
            f"Wilson 95% interval covers the true bad share ({true:.3f}) in {covered} "
            f"({covered / args.coverage_seeds:.0%}); mean width {width:.3f}"
        )


if __name__ == "__main__":
    main()
