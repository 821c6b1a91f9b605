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
from datetime import UTC
from typing import TYPE_CHECKING, Any, TypeVar

import click

from critic.secrets import scrub

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


class Choice(click.Choice):
    """click.Choice whose 'missing' message is one line ("choose from a, b, c")."""

    def get_missing_message(self, param: click.Parameter, ctx: click.Context | None) -> str:
        return "choose from " + ", ".join(str(c) for c in self.choices)


AGE_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400}  # seconds in an hour, a day, a week


class Time(click.ParamType):
    """An ISO 8601 date or time (UTC unless it says otherwise), `today`, `yesterday`, or an age like `7d`, `12h`."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from datetime import datetime, timedelta

        text = str(value).strip()
        now = datetime.now(UTC)
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        if text.lower() in ("today", "yesterday"):
            return (today - timedelta(days=text.lower() == "yesterday")).isoformat()
        if len(text) > 1 and text[-1].lower() in AGE_UNITS and text[:-1].isdigit():
            try:
                return (now - timedelta(seconds=int(text[:-1]) * AGE_UNITS[text[-1].lower()])).isoformat()
            except OverflowError:
                self.fail(f"{text!r} reaches before year 1; use a smaller age or a date", param, ctx)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{text!r} is not a time; use an ISO 8601 date or time (2026-11-23, 2026-11-23T09:00Z), "
                "today, yesterday, or an age such as 7d or 12h",
                param,
                ctx,
            )
        if not 1970 <= parsed.year <= 9999:
            self.fail(f"{text!r} is out of range; use a year from 1970", param, ctx)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()


TIME = Time()


FORMATS = {
    "text": "for people",
    "json": "for machines",
    "csv": "one row per finding",
    "md": "Markdown",
    "html": "a page",
}


def format_option(*choices: str) -> Callable[[F], F]:
    """--format with CHOICES, text first; reads CRITIC_FORMAT."""
    return click.option(
        "--format",
        "fmt",
        type=Choice(list(choices)),
        default=choices[0],
        envvar="CRITIC_FORMAT",
        show_default=True,
        help="Output format: " + ", ".join(f"{c} ({FORMATS.get(c, c)})" for c in choices) + ".",
    )


def emit(result: Any, fmt: str, text: Callable[[Any], str]) -> None:
    """Print RESULT on stdout as FMT: 'json', 'csv' (a list of dicts, or one dict; nested values as JSON), or
    TEXT(result)."""
    if fmt == "json":
        click.echo(scrub(json.dumps(result, indent=2, default=str)))
    elif fmt == "csv":
        rows = result if isinstance(result, list) else [result]
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(
                {k: json.dumps(v, default=str) if isinstance(v, (dict, list, tuple)) else v for k, v in row.items()}
                for row in rows
            )
        click.echo(scrub(buffer.getvalue()), nl=False)
    else:
        click.echo(scrub(text(result)))


def info(message: str) -> None:
    """A progress or status line for people, on stderr."""
    print(scrub(message), file=sys.stderr, flush=True)


def judge_options(func: F) -> F:
    """--judge, --base-url and --concurrency, shared by every command that calls a judge."""
    func = click.option(
        "--concurrency",
        type=click.IntRange(1, 1024),
        default=16,
        show_default=True,
        envvar="CRITIC_CONCURRENCY",
        help="Most judge calls in flight (adapts down on 429).",
    )(func)
    func = click.option(
        "--base-url",
        envvar="CRITIC_BASE_URL",
        help="OpenAI-compatible server (vLLM, Ollama, LiteLLM) or Anthropic endpoint.",
    )(func)
    return click.option(
        "--judge",
        "judge_spec",
        envvar="CRITIC_JUDGE",
        help="local (default), openai:MODEL, anthropic:MODEL or student:NAME; else [judge] default in critic.toml.",
    )(func)


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
