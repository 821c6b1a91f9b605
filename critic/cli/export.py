"""critic export: send critic's verdicts back to Langfuse, an OpenTelemetry pipeline, or a JSONL file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from critic.cli._common import TIME, Choice, db_option, info

TARGETS = ("langfuse-scores", "otel", "jsonl")  # critic.export.TARGETS, without importing it


@click.command("export")
@click.option(
    "--to",
    "target",
    type=Choice(list(TARGETS)),
    required=True,
    help="langfuse-scores (POST /api/public/scores bodies), otel (OTLP JSON log records) or jsonl.",
)
@click.option("--since", type=TIME, help="Only interactions at or after this time.")
@click.option("--until", type=TIME, help="Only interactions before this time.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@db_option
def export_cmd(target: str, since: str | None, until: str | None, out: str | None, db: str) -> None:
    """Write every judgment and P(bad) in the target tool's format, keyed by the ids the traffic was logged under.

    \b
    Example: critic export --to langfuse-scores --since 7d --out scores.jsonl
    Example: critic export --to otel --out verdicts.otlp.jsonl   (then the Collector's otlpjsonfile receiver)
    """
    from critic.export import verdicts, write
    from critic.store import Store, Window

    if out and not Path(out).resolve().parent.is_dir():
        raise click.BadParameter(
            f"folder {Path(out).resolve().parent} does not exist; create it first", param_hint="--out"
        )
    with Store.open(db) as store:
        found = verdicts(store, Window(since, until))
        if out:
            tmp = Path(out).with_suffix(Path(out).suffix + ".tmp")
            with tmp.open("w", encoding="utf-8") as f:
                written = write(target, found, f)
            tmp.replace(out)  # a reader never sees half an export
        else:
            written = write(target, found, sys.stdout)
    info(f"export: wrote {written} {target} records" + (f" to {out}" if out else ""))
