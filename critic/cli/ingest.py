"""critic ingest: load logged traffic into the store."""

from __future__ import annotations

import click

from critic.cli._common import db_option, emit, format_option, info


@click.command("ingest")
@click.argument("files", nargs=-1, required=True)
@db_option
@format_option("text", "json", "csv")
def ingest_cmd(files: tuple[str, ...], db: str, fmt: str) -> None:
    """Load logged traffic (.jsonl, .json, .csv, .parquet; '-' reads JSONL from stdin).

    Understands critic's interaction records, event records and OpenAI chat-completions logs.
    A malformed record fails the whole invocation with FILE:LINE and nothing is written;
    records already in the store are skipped, so re-ingesting a file adds nothing.

    \b
    Example: critic ingest logs/2026-11-*.jsonl feedback.csv --db critic.duckdb
    """
    from critic.config import load_config
    from critic.ingest import ingest_files
    from critic.store import Store

    config = load_config()
    with Store.open(db) as store:
        result = ingest_files(store, list(files), config, progress=lambda s: info(f"ingest: {s}"))
    emit(result.as_dict(), fmt, _text)


def _text(result: dict[str, int]) -> str:
    return (f"ingested {result['interactions']} interactions and {result['events']} events "
            f"({result['duplicates']} already in the store)")
