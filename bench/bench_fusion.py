# SPDX-License-Identifier: Apache-2.0
"""Fusion on real replies: does P(bad) rank the replies people rejected above the ones they chose?

    python bench/bench_fusion.py [--pairs 300] [--rubric helpfulness --rubric tone]

Traffic from public human judgments in ../shared/datasets (never shipped, never read by tests):
- HH-RLHF, the three test splits: each pair is one conversation (→ messages) answered twice; the
  reply people rejected is bad, the one they chose is fine. PAIRS pairs per split, seeded.
- OpenAssistant en_100: sibling replies people ranked; the lowest-ranked of a group is bad, the
  best is fine (the ones between are traffic, not scored). Its thumbs are the real +1/−1 emoji.

The no-key judge (`local`) scores each rubric once; then, for each thumbs setting, the store's
events are replaced and `critic label` runs. Simulated thumbs at coverage c, with noise: a
rejected reply gets a thumb down with probability c and a thumb up with 0.4c; a chosen one a
thumb up with c and a thumb down with 0.2c. Printed per setting: ROC AUC of the fused P(bad),
of the label model's P(bad) from votes, of each source's votes, of each judge score alone, of
thumbs alone, and of the rule "thumbs first, then the judge's score"; the share of bad among
the top 10% by P(bad); the share "likely bad" flags; and a reliability table of P(bad).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.combine import sources
from critic.combine.label import label_matrix, run_label
from critic.combine.sources import ABSTAIN, BAD, DEFAULT_QUANTILES
from critic.config import Config
from critic.store import Store, Window

DATA = ROOT.parent / "shared" / "datasets"
HH_SPLITS = ("helpful-online", "helpful-rejection-sampled", "harmless-base")
START = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday: the traffic is one full week
TURN = re.compile(r"\n\n(Human|Assistant): ")


def _turns(conversation: str) -> list[dict[str, str]]:
    parts = TURN.split(conversation)
    return [
        {"role": "user" if who == "Human" else "assistant", "content": text.strip()}
        for who, text in zip(parts[1::2], parts[2::2])
    ]


def hh_traffic(pairs: int, seed: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Interactions (critic records) and truth (1 = rejected) from PAIRS pairs of each HH-RLHF split."""
    rng = random.Random(seed)
    records, truth = [], {}
    for split in HH_SPLITS:
        with gzip.open(DATA / "hh_rlhf" / f"{split}-test.jsonl.gz", "rt") as f:
            rows = [json.loads(line) for line in f]
        rng.shuffle(rows)
        taken = 0
        for n, row in enumerate(rows):
            chosen, rejected = _turns(row["chosen"]), _turns(row["rejected"])
            if (
                len(chosen) < 2
                or chosen[:-1] != rejected[:-1]
                or chosen[-1]["role"] != "assistant"
                or rejected[-1]["role"] != "assistant"
                or chosen[-1]["content"] == rejected[-1]["content"]
            ):
                continue  # the README: a few pairs differ earlier, or not at all
            for side, convo in (("c", chosen), ("r", rejected)):
                iid = f"hh.{split}.{n}.{side}"
                records.append(_record(iid, convo[:-1], convo[-1]["content"], split, rng))
                truth[iid] = int(side == "r")
            taken += 1
            if taken == pairs:
                break
    return records, truth


def oasst_traffic(seed: int) -> tuple[list[dict[str, Any]], dict[str, int | None], list[dict[str, Any]]]:
    """Interactions, truth (1 = lowest-ranked sibling, 0 = best, None = between) and the real thumbs."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    truth: dict[str, int | None] = {}
    events: list[dict[str, Any]] = []

    def walk(message: dict[str, Any], history: list[dict[str, str]]) -> None:
        turn = {"role": "user" if message["role"] == "prompter" else "assistant", "content": message["text"]}
        replies = [r for r in message.get("replies") or [] if not r.get("deleted")]
        ranked = [r for r in replies if r["role"] == "assistant" and r.get("rank") is not None]
        worst = max((r["rank"] for r in ranked), default=None)
        for reply in replies:
            if reply["role"] == "assistant":
                iid = f"oasst-{reply['message_id']}"
                record = _record(iid, history + [turn], reply["text"], "oasst", rng)
                records.append(record)
                rank = reply.get("rank")
                truth[iid] = (
                    None if rank is None or len(ranked) < 2 else 1 if rank == worst else 0 if rank == 0 else None
                )
                emojis = reply.get("emojis") or {}
                for kind, key in (("thumb_up", "+1"), ("thumb_down", "-1")):
                    events.extend(
                        {"interaction_id": iid, "kind": kind, "ts": _later(record["ts"], k + 1)}
                        for k in range(int(emojis.get(key, 0)))
                    )
            walk(reply, history + [turn])

    with (DATA / "oasst_en100" / "en_100_tree.jsonl").open() as f:
        for line in f:
            walk(json.loads(line)["prompt"], [])
    return records, truth, events


def _record(iid: str, messages: list[dict[str, str]], output: str, feature: str, rng: random.Random) -> dict[str, Any]:
    ts = START + timedelta(seconds=rng.uniform(0, 7 * 86400 - 60))
    return {
        "id": iid,
        "ts": ts.isoformat(),
        "feature": feature,
        "model": "logged",
        "input": messages,
        "output": output,
        "latency_ms": round(rng.lognormvariate(7.0, 0.5), 1),
    }


def _later(ts: str, seconds: int) -> str:
    return (datetime.fromisoformat(ts) + timedelta(seconds=seconds)).isoformat()


def simulated_thumbs(truth: dict[str, int], coverage: float, seed: int, times: dict[str, str]) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    events = []
    for iid, bad in truth.items():
        p_down, p_up = (coverage, 0.4 * coverage) if bad else (0.2 * coverage, coverage)
        u = rng.random()
        kind = "thumb_down" if u < p_down else "thumb_up" if u < p_down + p_up else None
        if kind:
            events.append({"interaction_id": iid, "kind": kind, "ts": _later(times[iid], 30)})
    return events


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    return path


def critic(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "critic.cli", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"CRITIC_CONFIG": "/dev/null", "PATH": "/usr/bin:/bin"},
    )


def auc(y: np.ndarray, score: np.ndarray) -> float:
    return float(roc_auc_score(y, score)) if 0 < y.sum() < len(y) else float("nan")


def measure(store: Store, truth: dict[str, int | None], rubrics: list[str]) -> dict[str, Any]:
    """Run `critic label` on the store and score every ranking against TRUTH."""
    result = run_label(store, Config(), Window())
    ids, names, matrix, _ = label_matrix(store, Config(), Window())
    keep = np.array([truth.get(i) is not None for i in ids])
    y = np.array([truth[i] for i, k in zip(ids, keep) if k], dtype=int)
    labels = dict(store.con.execute("SELECT interaction_id, p_bad FROM labels").fetchall())
    votes = dict(store.con.execute("SELECT interaction_id, p_bad_votes FROM labels").fetchall())
    ranked = [i for i, k in zip(ids, keep) if k]
    fused = np.array([labels[i] for i in ranked])
    thumbs = dict(
        store.con.execute(
            "SELECT interaction_id, sum(CASE kind WHEN 'thumb_down' THEN 1 WHEN 'thumb_up' THEN -1 ELSE 0 END) "
            "FROM events GROUP BY 1"
        ).fetchall()
    )
    net = np.array([float(thumbs.get(i, 0)) for i in ranked])
    out: dict[str, Any] = {
        "n": len(y),
        "bad": int(y.sum()),
        "fused": auc(y, fused),
        "label_model": auc(y, np.array([votes[i] for i in ranked])),
    }
    singles: dict[str, float] = {}
    for j, name in enumerate(names):
        col = matrix[keep, j]
        singles[f"votes {name}"] = auc(y, np.where(col == ABSTAIN, 0.5, (col == BAD).astype(float)))
    judge_score = None
    for rubric in rubrics:
        got = dict(
            store.con.execute(
                "SELECT interaction_id, expected FROM judgments WHERE rubric = ? AND status = 'ok'", [rubric]
            ).fetchall()
        )
        score = np.array([-got.get(i, np.nan) for i in ranked])
        score = np.where(np.isnan(score), np.nanmean(score), score)
        singles[f"score {rubric}"] = auc(y, score)
        for feature in sorted({i.split(".")[1] for i in ranked if i.startswith("hh.")}):
            part = np.array([i.startswith(f"hh.{feature}.") for i in ranked])
            singles[f"score {rubric}, {feature} only"] = auc(y[part], score[part])
        judge_score = score if judge_score is None else judge_score
    if net.any():
        singles["thumbs alone"] = auc(y, net)
        if judge_score is not None:
            span = judge_score.max() - judge_score.min() + 1e-9
            out["rule thumbs, then judge"] = auc(y, net + (judge_score - judge_score.min()) / span * 0.5)
    out["singles"] = singles
    signals = store.con.execute("SELECT * FROM label_signals ORDER BY id").df().set_index("id").reindex(ranked)
    out["heuristics"] = {
        name: (
            int((signals[name] > 0).sum()),
            float(y[(signals[name] > 0).to_numpy()].mean()) if (signals[name] > 0).any() else float("nan"),
        )
        for name in signals.columns
    }
    top = np.argsort(-fused, kind="stable")[: max(1, len(fused) // 10)]
    out["bad_in_top10"] = float(y[top].mean())
    out["likely_bad_share"] = float((np.array(list(labels.values())) > 0.5).mean())
    bins = np.minimum((fused * 10).astype(int), 9)
    out["reliability"] = [
        (b / 10, int((bins == b).sum()), float(fused[bins == b].mean()), float(y[bins == b].mean()))
        for b in range(10)
        if (bins == b).any()
    ]
    out["sources"] = [
        {"name": s.name, "accuracy": s.weight, "end_weight": s.end_weight, "trusted": s.trusted} for s in result.sources
    ]
    out["end_model"] = result.end_model.as_dict(top=6) if result.end_model else None
    return out


def report(title: str, m: dict[str, Any]) -> None:
    best = max((v for k, v in m["singles"].items() if not np.isnan(v) and "only" not in k), default=float("nan"))
    print(f"\n### {title}: {m['n']} scored interactions, {m['bad']} bad", flush=True)
    print(
        f"fused AUC {m['fused']:.3f}  label model {m['label_model']:.3f}  best single {best:.3f}  "
        + (f"rule thumbs-then-judge {m['rule thumbs, then judge']:.3f}  " if "rule thumbs, then judge" in m else "")
        + f"bad in top 10% {m['bad_in_top10']:.2f}  likely bad (P > 0.5) {m['likely_bad_share']:.3f}"
    )
    for name, value in sorted(m["singles"].items(), key=lambda kv: -kv[1] if not np.isnan(kv[1]) else 0):
        print(f"  {name:<48} {value:.3f}")
    print(
        "  reliability: "
        + "; ".join(f"[{lo:.1f}) n={n} mean {p:.2f} bad {obs:.2f}" for lo, n, p, obs in m["reliability"])
    )
    print(
        "  sources: "
        + "; ".join(
            f"{s['name']} acc={s['accuracy']} end={s['end_weight']}" + ("" if s["trusted"] else " (not trusted)")
            for s in m["sources"]
        )
    )
    print(
        "  heuristics (fired, precision for bad): "
        + "; ".join(f"{name} {n} {prec:.2f}" for name, (n, prec) in m["heuristics"].items() if n)
    )
    if m["end_model"]:
        print("  end model: " + ", ".join(f"{w['feature']} {w['weight']:+.2f}" for w in m["end_model"]["top_weights"]))


def run_dataset(
    name: str,
    records: list[dict[str, Any]],
    truth: dict[str, Any],
    settings: dict[str, list[dict[str, Any]]],
    rubrics: list[str],
    work: Path,
) -> None:
    db = work / f"{name}-{'+'.join(rubrics)}.duckdb"  # a store per rubric set: label reads every judgment it holds
    critic("ingest", str(_write(work / f"{name}.jsonl", records)), "--db", str(db))
    rubric_args = [a for r in rubrics for a in ("--rubric", r)]
    critic("eval", "--db", str(db), "--judge", "local", *rubric_args)
    for setting, events in settings.items():
        with Store.open(db) as store:
            store.con.execute("DELETE FROM events")
        if events:
            critic("ingest", str(_write(work / f"{name}-events.jsonl", events)), "--db", str(db))
        with Store.open(db) as store:
            report(f"{name}, {setting}", measure(store, truth, rubrics))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=300, help="pairs per HH-RLHF split")
    parser.add_argument("--rubric", action="append", help="default: helpfulness and tone")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("hh", "oasst"))
    parser.add_argument("--good-quantile", type=float, help="also vote good at this rank (measures the default)")
    parser.add_argument("--bad-quantile", type=float, default=DEFAULT_QUANTILES[0])
    args = parser.parse_args()
    sources.DEFAULT_QUANTILES = (args.bad_quantile, args.good_quantile)
    rubrics = args.rubric or ["helpfulness", "tone"]
    work = ROOT / "bench" / "out" / "fusion"  # kept: a second run reuses the judgments (critic eval skips them)
    work.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "hh"):
        hh, truth = hh_traffic(args.pairs, args.seed)
        times = {r["id"]: r["ts"] for r in hh}
        settings = {f"thumbs on {c:.0%}": simulated_thumbs(truth, c, args.seed, times) for c in (0.0, 0.05, 0.15)}
        run_dataset("hh-rlhf", hh, truth, settings, rubrics, work)
    if args.only in (None, "oasst"):
        oasst, ranked, events = oasst_traffic(args.seed)
        run_dataset("oasst", oasst, ranked, {"no thumbs": [], "real thumbs": events}, rubrics, work)


if __name__ == "__main__":
    main()
