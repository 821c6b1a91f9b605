"""A judge's agreement with SummEval's expert ratings, per dimension, next to G-Eval-4 and UniEval.

    python bench/bench_summeval.py [--docs 5] [--judge local] [--base-url URL]

Judges all 16 system summaries of the first N source documents on four dimensions (SummEval's
coherence, consistency, fluency, relevance with critic's coherence, faithfulness, fluency and
relevance rubrics) through `critic calibrate --human`'s code path (judgments cached in
bench/out/summeval.duckdb), then prints pooled and per-document (G-Eval's protocol: correlate
the 16 summaries of each document, skip constant documents, average) Spearman ρ and Kendall τ.
The G-Eval-4 and UniEval rows are the published ones quoted in the dataset's README.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from critic.agreement import Scale
from critic.calibrate.live import judge_human
from critic.calibrate.scores import calibrate_scores
from critic.config import Config
from critic.judge.backends import resolve_judge
from critic.rubrics import resolve_rubric
from critic.store import Store

DIMENSIONS = {"coherence": "coherence", "consistency": "faithfulness", "fluency": "fluency", "relevance": "relevance"}
PUBLISHED = {  # summary-level (per-document) Spearman ρ / Kendall τ, G-Eval paper Table 1, via the dataset README
    "G-Eval-4": {
        "coherence": (0.582, 0.457),
        "consistency": (0.507, 0.425),
        "fluency": (0.455, 0.378),
        "relevance": (0.547, 0.433),
    },
    "UniEval": {
        "coherence": (0.575, 0.442),
        "consistency": (0.446, 0.371),
        "fluency": (0.449, 0.371),
        "relevance": (0.426, 0.325),
    },
}
# The paper's own averages; G-Eval-4's differ from the mean of its cells (0.523 / 0.423), three of
# which the dataset README says were transcribed from memory.
STATED_AVERAGE = {"G-Eval-4": (0.514, 0.418), "UniEval": (0.474, 0.377)}


def items(summeval: Path, n_docs: int) -> list[dict[str, object]]:
    """The 16 summaries of each of the first N_DOCS documents as --human items (the article as input and context)."""
    docs = [json.loads(line) for line in (summeval / "documents.jsonl").read_text().splitlines()][:n_docs]
    keep = {d["doc_id"]: d for d in docs}
    found = []
    for line in (summeval / "summaries.jsonl").read_text().splitlines():
        row = json.loads(line)
        doc = keep.get(row["doc_id"])
        if doc is None:
            continue
        found.append(
            {
                "id": f"{row['doc_id']}:{row['system_id']}",
                "group": row["doc_id"],
                "input": "Summarize this article:\n\n" + doc["source"],
                "context": doc["source"],
                "output": row["summary"],
                "human": {DIMENSIONS[k]: v for k, v in row["expert_mean_scores"].items()},
            }
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--summeval", type=Path, default=ROOT.parent / "shared" / "datasets" / "summeval")
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--judge", default="local")
    parser.add_argument("--base-url")
    parser.add_argument("--db", type=Path, default=Path(__file__).resolve().parent / "out" / "summeval.duckdb")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    rubrics = [resolve_rubric(r) for r in DIMENSIONS.values()]
    chosen = items(args.summeval, args.docs)
    t = time.perf_counter()
    with Store.open(args.db) as store:
        rows = judge_human(store, resolve_judge(args.judge, base_url=args.base_url), Config(), rubrics, chosen, 4)
    seconds = time.perf_counter() - t  # near 0 when every judgment comes from the cache
    results = {r["criterion"]: r for r in calibrate_scores(rows, human_scale=Scale(1, 5))}
    print(
        f"{args.judge} on {len(chosen)} SummEval summaries ({args.docs} documents × 16 systems), "
        f"{len(rows)} judgments in {seconds:.0f} s"
    )
    print(
        f"{'method':<22}"
        + "".join(f"{d[:4] + ' ρ':>9}{d[:4] + ' τ':>9}" for d in DIMENSIONS)
        + f"{'avg ρ':>9}{'avg τ':>9}"
    )
    grouped = [(results[r]["grouped"] or {}) for r in DIMENSIONS.values()]
    _row(f"{args.judge} per-doc", [(g.get("spearman"), g.get("kendall")) for g in grouped])
    _row(f"{args.judge} pooled", [(results[r]["spearman"], results[r]["kendall"]) for r in DIMENSIONS.values()])
    for name, cells in PUBLISHED.items():
        _row(f"{name} per-doc", [cells[d] for d in DIMENSIONS], STATED_AVERAGE.get(name))


def _row(name: str, cells: list[tuple[float | None, float | None]], stated: tuple[float, float] | None = None) -> None:
    """A table row; the average is the mean of the cells unless the paper states its own."""
    known = [c for c in cells if c[0] is not None and c[1] is not None]
    avg = (sum(c[0] for c in known) / len(known), sum(c[1] for c in known) / len(known)) if known else (None, None)
    avg = stated or avg
    print(f"{name:<22}" + "".join(_f(x) for c in [*cells, avg] for x in c))


def _f(value: float | None) -> str:
    return f"{'–':>9}" if value is None else f"{value:>9.3f}"


if __name__ == "__main__":
    main()
