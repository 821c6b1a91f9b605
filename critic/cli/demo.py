"""critic demo: the whole flow on the shipped sample traffic, with no key and no network."""

from __future__ import annotations

from pathlib import Path

import click

from critic.cli._common import info
from critic.config import load_config
from critic.ingest import ingest_files
from critic.store import Store

SAMPLE = Path(__file__).resolve().parent.parent.parent / "datasets" / "sample"


@click.command("demo")
@click.option("--out", type=click.Path(file_okay=False), default="critic-demo", show_default=True,
              help="Folder for the demo's store and report (created; an existing demo store is replaced).")
def demo_cmd(out: str) -> None:
    """Run the main job end to end on the sample traffic: ingest → summary.

    Example: critic demo --out /tmp/critic-demo
    """
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "critic.duckdb"
    db.unlink(missing_ok=True)
    files = [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")]
    with Store.open(db) as store:
        result = ingest_files(store, files, load_config(), progress=lambda s: info(f"ingest: {s}"))
        rows = store.con.execute(
            "SELECT feature, count(*), round(quantile_cont(latency_ms, 0.99)) FROM interactions GROUP BY 1 ORDER BY 1"
        ).fetchall()
    click.echo(f"ingested {result.interactions} interactions and {result.events} events into {db}")
    for feature, n, p99 in rows:
        click.echo(f"  {feature:<14} {n:>5} interactions   p99 latency {p99:>8.0f} ms")
