"""Weak supervision on known truth: how well P(bad) ranks planted failures, and how it tracks OASST's human ranks.

    python bench/bench_label.py [--judge-sample 300] [--oasst-groups 40]

Sample traffic: ROC AUC for "planted failure" of P(bad) from user signals + heuristics, of thumbs
alone, then — on a seeded sample judged by the embedded judge (rubric tone) — of the critic
alone and of the fusion with the critic. OASST en_100: within sibling groups ranked by people,
Spearman between P(bad) and the human rank (0 = best), from reactions alone and with the
embedded judge (rubric helpfulness) on the replies of the first ranked groups.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.combine.label import run_label
from critic.config import Config
from critic.data import resource
from critic.ingest import ingest_files
from critic.judge.backends import resolve_judge
from critic.judge.run import Runner, Selection, select_work
from critic.rubrics import resolve_rubric
from critic.store import (
    Store,
    Window,
)

SAMPLE = resource("sample")


def judge(store: Store, rubric: str, selection: Selection) -> float:
    work = select_work(store, [resolve_rubric(rubric)], "local", selection)
    t = time.perf_counter()
    result = asyncio.run(Runner(store, resolve_judge("local"), Config(), concurrency=1, budget_usd=None).run(work))
    return result.judged / max(time.perf_counter() - t, 1e-9)


def labels(store: Store) -> dict[str, tuple[float, list[str], float]]:
    """{id: (P(bad) of the end model, the sources that voted bad, P(bad) of the LabelModel alone)}."""
    run_label(store, Config(), Window())
    return {
        i: (p, json.loads(b), v)
        for i, p, b, v in store.con.execute(
            "SELECT interaction_id, p_bad, sources_bad, p_bad_votes FROM labels"
        ).fetchall()
    }


def sample_traffic(tmp: Path, n_judged: int) -> None:
    truth = {
        r["id"]: int(bool(r["failure_mode"])) for r in csv.DictReader((SAMPLE / "truth.csv").read_text().splitlines())
    }
    with Store.open(tmp / "sample.duckdb") as store:
        ingest_files(store, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], Config())
        signals = labels(store)
        ids = sorted(signals)
        y = [truth[i] for i in ids]
        fused = [signals[i][0] for i in ids]
        thumbs = [float("event:thumb_down" in signals[i][1]) - float("event:thumb_up" in signals[i][1]) for i in ids]
        print(
            f"sample traffic, all 2,000: AUC P(bad) from user signals + heuristics {roc_auc_score(y, fused):.3f}, "
            f"thumbs alone {roc_auc_score(y, thumbs):.3f}"
        )
        rate = judge(store, "tone", Selection(sample=n_judged, seed=3))
        scores = dict(
            store.con.execute("SELECT interaction_id, expected FROM judgments WHERE status = 'ok'").fetchall()
        )
        fused = labels(store)
        judged = sorted(scores)
        yj = [truth[i] for i in judged]
        print(f"  judged sample n={len(judged)} ({sum(yj)} planted failures; embedded judge {rate:.2f} judgments/s):")
        for name, values in (
            ("critic alone (−expected tone)", [-scores[i] for i in judged]),
            (
                "thumbs alone",
                [float("event:thumb_down" in fused[i][1]) - float("event:thumb_up" in fused[i][1]) for i in judged],
            ),
            ("user signals + heuristics", [signals[i][0] for i in judged]),
            ("fusion with the critic", [fused[i][0] for i in judged]),
        ):
            print(f"    AUC {name:<32} {roc_auc_score(yj, values):.3f}")


def oasst(tmp: Path, n_groups: int) -> None:
    with Store.open(tmp / "oasst.duckdb") as store:
        ingest_files(
            store,
            [str(ROOT / "datasets/oasst/interactions.jsonl"), str(ROOT / "datasets/oasst/events.jsonl")],
            Config(),
        )
        meta = {
            i: (json.loads(m).get("parent_id"), json.loads(m).get("rank"))
            for i, m in store.con.execute("SELECT id, metadata FROM interactions").fetchall()
        }
        groups: dict[str, list[str]] = {}
        for i, (parent, rank) in meta.items():
            if rank is not None:
                groups.setdefault(parent, []).append(i)
        ranked = {p: ids for p, ids in sorted(groups.items()) if len(ids) >= 2}

        def report(name: str, p_bad: dict[str, float], only: set[str] | None = None) -> None:
            rhos, best_lowest = [], []
            for ids in ranked.values():
                if only is not None and not set(ids) <= only:
                    continue
                ps, ranks = [p_bad[i] for i in ids], [meta[i][1] for i in ids]
                if len(set(ps)) > 1:
                    rhos.append(spearmanr(ps, ranks)[0])
                    best_lowest.append(float(ps[ranks.index(min(ranks))] == min(ps)))
            print(
                f"  {name:<34} groups {len(rhos):>3}  mean within-group Spearman(P(bad), rank) {np.mean(rhos):+.3f}  "
                f"best-ranked reply has the lowest P(bad) in {np.mean(best_lowest):.0%}"
            )

        fitted = labels(store)
        reactions, reactions_votes = ({i: v[0] for i, v in fitted.items()}, {i: v[2] for i, v in fitted.items()})
        print(f"OASST en_100: {len(ranked)} sibling groups with ≥ 2 ranked replies")
        report("reactions, LabelModel (votes)", reactions_votes)
        report("reactions, end model", reactions)
        split = {i for ids in ranked.values() if len({reactions_votes[i] for i in ids}) > 1 for i in ids}
        report("reactions, end model, same groups", reactions, split)  # the groups the votes can order
        chosen = [i for ids in list(ranked.values())[:n_groups] for i in ids]
        rate = judge(store, "helpfulness", Selection(sample=None, ids=tuple(chosen)))
        fitted = labels(store)
        report(f"reactions, first {n_groups} groups, end model", reactions, set(chosen))
        report("+ critic, same groups, LabelModel", {i: v[2] for i, v in fitted.items()}, set(chosen))
        report("+ critic, same groups, end model", {i: v[0] for i, v in fitted.items()}, set(chosen))
        print(f"  (embedded judge {rate:.2f} judgments/s on these conversations)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judge-sample", type=int, default=300)
    parser.add_argument("--oasst-groups", type=int, default=40)
    parser.add_argument("--only", choices=("sample", "oasst"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "oasst":
            sample_traffic(Path(tmp), args.judge_sample)
        if args.only != "sample":
            oasst(Path(tmp), args.oasst_groups)


if __name__ == "__main__":
    main()
