"""What every command shares: the --db option, the output format, and turning results into text."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from critic.store import default_db_path

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """--db FILE, defaulting to CRITIC_DB or critic.duckdb."""
    return click.option(
        "--db",
        default=default_db_path,
        show_default="critic.duckdb, or $CRITIC_DB",
        type=click.Path(dir_okay=False),
        help="The store (a DuckDB file).",
    )(func)


def format_option(*choices: str) -> Callable[[F], F]:
    """--format with CHOICES, text first; reads CRITIC_FORMAT."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        envvar="CRITIC_FORMAT",
        show_default=True,
        help="Output format: text for people, json/csv for machines.",
    )


def emit(result: Any, fmt: str, text: Callable[[Any], str]) -> None:
    """Print RESULT on stdout as FMT: 'json', 'csv' (a list of flat dicts, or one dict), or TEXT(result)."""
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, default=str))
    elif fmt == "csv":
        rows = result if isinstance(result, list) else [result]
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(text(result))


def info(message: str) -> None:
    """A progress or status line for people, on stderr."""
    print(message, file=sys.stderr, flush=True)
