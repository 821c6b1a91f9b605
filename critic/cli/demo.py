"""critic demo: the main job on the shipped sample traffic, with no key and no network."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from critic.cli._common import info, open_judge, rubrics
from critic.cli.eval import run_with_progress

DEMO_RUBRICS = ("helpfulness", "tone", "accuracy")  # each scored by its shipped student


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="critic-demo",
    show_default=True,
    help="Folder for the demo's store and outputs (created; an existing demo store is replaced).",
)
@click.option(
    "--sample",
    type=click.IntRange(1),
    default=500,
    show_default=True,
    help="How many of the report week's interactions the embedded judge scores (the sample's week has 495; "
    "features take about 1/80 s each on 2 cores, shared by the rubrics).",
)
def demo_cmd(out: str, sample: int) -> None:
    """Run the main job end to end on the sample traffic: ingest → judge (embedded) → label → triage report.

    \b
    Example: critic demo --out /tmp/critic-demo --sample 60
    """
    from critic.combine.label import run_label
    from critic.config import load_config
    from critic.data import resource
    from critic.ingest import ingest_files
    from critic.judge.backends.local import trust
    from critic.judge.run import Selection, select_work
    from critic.store import Store, Window
    from critic.triage.period import last_full_week
    from critic.triage.render import write_report
    from critic.triage.report import build_report

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "critic.duckdb"
    db.unlink(missing_ok=True)
    config = load_config()
    files = [str(resource("sample", "interactions.jsonl")), str(resource("sample", "events.jsonl"))]
    info(
        "critic demo: the embedded judge scores each rubric with a shipped student, a small model that runs\n"
        "             anywhere; how far each agrees with people on held-out data:"
    )
    for name in DEMO_RUBRICS:
        info(f"               {trust(name)}")
    info("             For real decisions use a real judge: --judge openai:gpt-4.1-mini (see README).")
    with Store.open(db) as store:
        result = ingest_files(store, files, config, progress=lambda s: info(f"ingest: {s}"))
        click.echo(f"ingested {result.interactions} interactions and {result.events} events into {db}")
        period = last_full_week(store)
        judge = open_judge("local", None, config)
        window = period.window
        work = select_work(
            store,
            rubrics(DEMO_RUBRICS, config, ()),
            judge.spec,
            Selection(window.since, window.until, sample=sample, seed=7),
        )
        run = asyncio.run(run_with_progress(store, judge, config, work, concurrency=1, budget_usd=None))
        click.echo(
            f"judged {run.judged} (+{run.cached} identical prompts reused) with the embedded judge "
            f"on rubrics {', '.join(DEMO_RUBRICS)}"
        )
        labelled = run_label(store, config, Window())
        click.echo(
            f"labelled {labelled.interactions} interactions with {labelled.label_model} over "
            f"{len(labelled.sources)} sources; {labelled.likely_bad} likely bad (P(bad) > 0.5)"
        )
        info(f"triage: {period.label}, embedding and clustering the worst interactions")
        report = build_report(store, config, period)
    paths = write_report(report, folder / "reports" / period.label)
    _print_problems(report)
    click.echo(
        f"\nOpen the report: {paths['html'].resolve()}\n"
        f"  (Markdown for a chat post: {paths['md']}; JSON for tools: {paths['json']})\n"
        f"Explore the store: duckdb {db} (tables interactions, events, judgments, labels, runs);\n"
        f"compare variants: critic compare --db {db} --by prompt_version"
    )


def _print_problems(report: dict[str, Any]) -> None:
    click.echo(f"\nWorst problems of {report['period']['label']} (critic scores, user signals and heuristics fused):")
    for i, c in enumerate(report["clusters"][:5], 1):
        example = c["examples"][0]["output"] if c["examples"] else ""
        click.echo(
            f"  {i}. {c['name']} [{c['key']}]: {c['size']} interactions, {c['share_bad']:.0%} of the "
            f"week's likely-bad\n       e.g. {example[:90]!r}"
        )
