"""critic ingest: load logged traffic into the store."""

from __future__ import annotations

import click

from critic.cli._common import Choice, db_option, emit, format_option, info

NAMES = ("critic", "otel", "langfuse", "litellm")  # critic.ingest.formats.NAMES, without importing it


@click.command("ingest")
@click.argument("files", nargs=-1, required=True)
@db_option
@click.option("--from", "source", type=Choice(list(NAMES)),
              help="Require this log format instead of detecting each record's.")
@format_option("text", "json", "csv")
def ingest_cmd(files: tuple[str, ...], db: str, source: str | None, fmt: str) -> None:
    """Load logged traffic (.jsonl, .json, .csv, .parquet; '-' reads JSONL from stdin).

    Understands critic's interaction and event records, OpenAI chat-completions logs, OpenTelemetry
    GenAI and OpenInference spans (OTLP JSON), Langfuse traces, observations and scores, and
    LiteLLM logging payloads, detected record by record.
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
        result = ingest_files(store, list(files), config, progress=lambda s: info(f"ingest: {s}"), only=source)
    emit(result.as_dict(), fmt, _text)


def _text(result: dict[str, int]) -> str:
    skipped = f"; skipped {result['skipped']} records that are no LLM call" if result.get("skipped") else ""
    return (f"ingested {result['interactions']} interactions and {result['events']} events "
            f"({result['duplicates']} already in the store{skipped})")
