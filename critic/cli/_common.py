"""What every command shares: --db, --format, the judge options, rubrics, and turning results into text.

Command modules import only click and this module at the top; the library (duckdb, pandas,
scipy, torch) is imported inside each command, so `critic --help` stays fast.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from critic.config import Config
    from critic.judge.backends.base import Judge
    from critic.rubrics import Rubric
    from critic.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def default_db_path() -> str:
    """The store path from CRITIC_DB, else critic.duckdb in the current folder."""
    from critic.store import default_db_path as path

    return path()


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
    """Print RESULT on stdout as FMT: 'json', 'csv' (a list of dicts, or one dict; nested values as JSON), or TEXT(result)."""
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, default=str))
    elif fmt == "csv":
        rows = result if isinstance(result, list) else [result]
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows({k: json.dumps(v, default=str) if isinstance(v, (dict, list, tuple)) else v
                              for k, v in row.items()} for row in rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(text(result))


def info(message: str) -> None:
    """A progress or status line for people, on stderr."""
    print(message, file=sys.stderr, flush=True)


def judge_options(func: F) -> F:
    """--judge, --base-url and --concurrency, shared by every command that calls a judge."""
    func = click.option("--concurrency", type=click.IntRange(1, 1024), default=16, show_default=True,
                        envvar="CRITIC_CONCURRENCY", help="Most judge calls in flight (adapts down on 429).")(func)
    func = click.option("--base-url", envvar="CRITIC_BASE_URL",
                        help="OpenAI-compatible server (vLLM, Ollama, LiteLLM) or Anthropic endpoint.")(func)
    return click.option("--judge", "judge_spec", envvar="CRITIC_JUDGE",
                        help="local (default), openai:MODEL, anthropic:MODEL or student:NAME; else [judge] default in critic.toml.")(func)


def open_judge(spec: str | None, base_url: str | None, config: Config, store: Store | None = None) -> Judge:
    """The judge for --judge SPEC (else CRITIC_JUDGE, critic.toml, 'local'), through the one resolver.

    STORE is where a `student:NAME` judge is read from.
    """
    from critic.judge.backends import resolve_judge

    return resolve_judge(spec, config, base_url=base_url, store=store)


def rubrics(names: tuple[str, ...], config: Config, default: tuple[str, ...]) -> list[Rubric]:
    """The rubrics NAMES (built-in, in `[rubrics] paths`, or .yaml files), else DEFAULT."""
    from critic.rubrics import resolve_rubric

    return [resolve_rubric(n, config.rubric_paths) for n in (names or default)]
