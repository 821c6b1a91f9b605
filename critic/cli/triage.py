"""critic triage (the weekly report) and critic triage mark (the state of a problem)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from critic.cli._common import TIME, Choice, db_option, default_db_path, info
from critic.triage import MAX_CLUSTERED, STATUSES

if TYPE_CHECKING:
    from critic.store import Store
    from critic.triage.period import Period


@click.group("triage", invoke_without_command=True)
@db_option
@click.option("--week", help="ISO week to report, e.g. 2026-W47 (default: the last full week in the data).")
@click.option("--since", type=TIME, help="Start of the period instead of a week (ISO date or time; with --until).")
@click.option("--until", type=TIME, help="End of the period, exclusive (with --since).")
@click.option(
    "--top", type=click.IntRange(1), default=20, show_default=True, help="How many worst interactions to list."
)
@click.option(
    "--max-clustered",
    type=click.IntRange(10),
    default=MAX_CLUSTERED,
    show_default=True,
    help="Cluster at most this many of the worst likely-bad interactions.",
)
@click.option(
    "--out", type=click.Path(file_okay=False), help="Folder for report.html/.md/.json [default: reports/<week>]."
)
@click.option(
    "--format",
    "fmt",
    type=Choice(["html", "md", "json"]),
    default="html",
    show_default=True,
    envvar="CRITIC_FORMAT",
    help="json prints the JSON report to stdout; all three files are written either way.",
)
@click.option("--no-redact", is_flag=True, help="Show emails, phone numbers, card numbers and IPs as logged.")
@click.pass_context
def triage_group(
    ctx: click.Context,
    db: str,
    week: str | None,
    since: str | None,
    until: str | None,
    top: int,
    max_clustered: int,
    out: str | None,
    fmt: str,
    no_redact: bool,
) -> None:
    """Write the weekly terrible-experience report: worst interactions clustered into problems,
    latency tail, cost and labeling sources (HTML, Markdown and JSON).

    \b
    Example: critic triage --week 2026-W47 --out reports/2026-W47
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = {"db": db, "week": week}
        return
    from critic.config import load_config
    from critic.store import Store
    from critic.triage.render import write_report
    from critic.triage.report import build_report, dumps

    with Store.open(db) as store:
        period = period_of(store, week, since, until)
        info(f"triage: {period.label}, embedding and clustering the worst interactions")
        report = build_report(
            store, load_config(), period, top=top, max_clustered=max_clustered, redact_pii=not no_redact
        )
    paths = write_report(report, Path(out) if out else Path("reports") / _folder_name(period))
    if fmt == "json":
        click.echo(dumps(report))
        return
    click.echo(f"wrote {paths[fmt]} (and {', '.join(str(p) for k, p in paths.items() if k != fmt)})")
    for i, c in enumerate(report["clusters"][:5], 1):
        flag = "  REGRESSION" if c["regression"] else ""
        click.echo(
            f"  {i}. {c['key']}  {c['size']:>4} ({c['share_bad']:.0%} of bad)  {c['status']:<13} {c['name']}{flag}"
        )


@triage_group.command("mark")
@click.argument("key")
@click.option("--status", type=Choice(STATUSES), required=True, help="The problem's triage status.")
@click.option("--note", help="A note shown with the problem in later reports.")
@click.option("--db", "mark_db", type=click.Path(dir_okay=False), help="The store (also accepted before `mark`).")
@click.pass_obj
def mark_cmd(obj: dict[str, str | None], key: str, status: str, note: str | None, mark_db: str | None) -> None:
    """Set a problem's status; it keeps it in later weeks, and a 'fixed' one that returns is flagged.

    \b
    Example: critic triage mark C2c8961f --status investigating --note "refusal prompt, see #123"
    """
    from critic.store import Store
    from critic.triage.state import mark

    with Store.open(mark_db or obj["db"] or default_db_path()) as store:
        state = mark(store, key, status, note, obj["week"])
    click.echo(f"{state.key}: {state.status}" + (f" ({state.note})" if state.note else ""))


def period_of(store: Store, week: str | None, since: str | None, until: str | None) -> Period:
    from critic.errors import OptionError
    from critic.triage.period import last_full_week, span_period, week_period

    if week and (since or until):
        raise OptionError("give either --week or --since/--until, not both")
    if bool(since) != bool(until):
        raise OptionError("--since and --until go together")
    if since and until:
        return span_period(since, until)
    return week_period(week) if week else last_full_week(store)


def _folder_name(period: Period) -> str:
    return period.label.replace("..", "_")
