"""critic ingest: load logged traffic into the store."""

from __future__ import annotations

from typing import Any

import click

from critic.cli._common import Choice, db_option, emit, format_option, info

NAMES = ("critic", "otel", "langfuse", "litellm")  # critic.ingest.formats.NAMES, without importing it


@click.command("ingest")
@click.argument("files", nargs=-1, required=True)
@db_option
@click.option(
    "--from", "source", type=Choice(list(NAMES)), help="Require this log format instead of detecting each record's."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse a file holding records of another tool that are no LLM call (tool, retriever spans) "
    "instead of skipping them.",
)
@format_option("text", "json", "csv")
def ingest_cmd(files: tuple[str, ...], db: str, source: str | None, strict: bool, fmt: str) -> None:
    """Load logged traffic (.jsonl, .json, .csv, .parquet; '-' reads JSONL from stdin).

    Understands critic's interaction and event records, OpenAI chat-completions logs, OpenTelemetry
    GenAI, OpenInference and Vercel AI SDK spans and GenAI log events (OTLP JSON), Langfuse traces,
    observations and scores, and LiteLLM logging payloads and spend logs, detected record by record.
    Failed calls, tool calls and calls logged without their content are kept; records that are no
    LLM call are skipped and counted by reason. A malformed record fails the whole invocation with
    FILE:LINE and nothing is written; records already in the store are skipped, so re-ingesting a
    file adds nothing.

    \b
    Example: critic ingest logs/2026-11-*.jsonl feedback.csv --db critic.duckdb
    """
    from critic.config import load_config
    from critic.ingest import ingest_files
    from critic.store import Store

    config = load_config()
    with Store.open(db) as store:
        result = ingest_files(
            store, list(files), config, progress=lambda s: info(f"ingest: {s}"), only=source, strict=strict
        )
    emit(result.as_dict(), fmt, _text)


def _text(result: dict[str, Any]) -> str:
    reasons = ", ".join(f"{n} {why}" for why, n in result.get("skipped_by_reason", {}).items())
    skipped = f"; skipped {result['skipped']} records that are no LLM call: {reasons}" if result.get("skipped") else ""
    return (
        f"ingested {result['interactions']} interactions and {result['events']} events "
        f"({result['duplicates']} already in the store{skipped})"
    )
