"""critic demo: the main job on the shipped sample traffic, with no key and no network."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from critic.cli._common import info
from critic.cli.eval import run_with_progress
from critic.combine.label import run_label
from critic.store import Window
from critic.config import load_config
from critic.ingest import ingest_files
from critic.judge.backends import get_judge
from critic.judge.run import Selection, select_work
from critic.rubrics import resolve_rubric
from critic.store import Store

SAMPLE = Path(__file__).resolve().parent.parent.parent / "datasets" / "sample"
DEMO_RUBRICS = ("tone", "accuracy")


@click.command("demo")
@click.option("--out", type=click.Path(file_okay=False), default="critic-demo", show_default=True,
              help="Folder for the demo's store and outputs (created; an existing demo store is replaced).")
@click.option("--sample", type=click.IntRange(1), default=120, show_default=True,
              help="How many interactions the embedded judge scores (about 1-2 s each on 2 cores).")
def demo_cmd(out: str, sample: int) -> None:
    """Run the main job end to end on the sample traffic: ingest → judge (embedded) → label → worst cases.

    Example: critic demo --out /tmp/critic-demo --sample 60
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "critic.duckdb"
    db.unlink(missing_ok=True)
    config = load_config()
    files = [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")]
    info("critic demo: the embedded judge is Gemma 3 270M, a small smoke-test model that runs anywhere.\n"
         "             For real decisions use a real judge: --judge openai:gpt-4.1-mini (see README).")
    with Store.open(db) as store:
        result = ingest_files(store, files, config, progress=lambda s: info(f"ingest: {s}"))
        click.echo(f"ingested {result.interactions} interactions and {result.events} events into {db}")
        rubrics = [resolve_rubric(n) for n in DEMO_RUBRICS]
        work = select_work(store, rubrics, "local", Selection(sample=sample, seed=7))
        run = asyncio.run(run_with_progress(store, get_judge("local"), config, work, concurrency=1, budget_usd=None))
        click.echo(f"judged {run.judged} (+{run.cached} identical prompts reused) with the embedded judge "
                   f"on rubrics {', '.join(DEMO_RUBRICS)}")
        labelled = run_label(store, config, Window())
        click.echo(f"labelled {labelled.interactions} interactions with {labelled.label_model} over "
                   f"{len(labelled.sources)} sources; {labelled.likely_bad} likely bad (P(bad) > 0.5)")
        _print_worst(store)
    click.echo(f"\nExplore the store: duckdb {db} (tables interactions, events, judgments, labels, runs);\n"
               f"compare variants: critic compare --db {db} --by prompt_version")


def _print_worst(store: Store) -> None:
    rows = store.con.execute(
        """
        SELECT i.id, i.feature, i.model, i.prompt_version, round(l.p_bad, 2), l.sources_bad, left(i.output, 60)
        FROM labels l JOIN interactions i ON i.id = l.interaction_id
        ORDER BY l.p_bad DESC, i.id LIMIT 10
        """).fetchall()
    click.echo("\nWorst interactions by P(bad) (critic scores, user signals and heuristics fused):")
    for iid, feature, model, pv, p_bad, sources, output in rows:
        click.echo(f"  {p_bad:>4}  {iid}  {feature}/{model}/{pv}  {output!r}\n        voted bad: {', '.join(json.loads(sources))}")
