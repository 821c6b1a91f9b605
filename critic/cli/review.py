"""critic review queue|serve|mark|import|export: people's verdicts on interactions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from critic.cli._common import TIME, db_option, emit, format_option, info
from critic.cli.triage import period_of
from critic.errors import ConfigError


@click.group("review")
def review_group() -> None:
    """Put the worst and most telling interactions in front of a person; their verdicts become gold.

    \b
    Example: critic review queue --week 2026-W47 && critic review serve
    """


@review_group.command("queue")
@db_option
@click.option("--week", help="ISO week to queue from, e.g. 2026-W47 (default: the last full week in the data).")
@click.option("--since", type=TIME, help="Start of the period instead of a week (with --until).")
@click.option("--until", type=TIME, help="End of the period, exclusive (with --since).")
@click.option("--n", "n", type=click.IntRange(1), default=50, show_default=True, help="How many to queue.")
@click.option(
    "--shares",
    metavar="R=S,...",
    help="Share of each reason, e.g. worst=0.2,informative=0.6,audit=0.2 (the default).",
)
@format_option("text", "json")
def queue_cmd(
    db: str, week: str | None, since: str | None, until: str | None, n: int, shares: str | None, fmt: str
) -> None:
    """Queue what a person should review, and say why: worst, most informative, and a uniform audit sample.

    Never an interaction already reviewed. The queue is kept in the store for `critic review serve`.

    \b
    Example: critic review queue --week 2026-W47 --n 30 --format json
    """
    from critic.review.queue import build_queue, parse_shares
    from critic.store import Store
    from critic.store.review import period_ids

    try:
        chosen = parse_shares(shares)
    except ConfigError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"--shares {shares!r}: "), param_hint="--shares") from None

    with Store.open(db) as store:
        period = period_of(store, week, since, until)
        items = build_queue(store, period.start, period.end, period.label, n, chosen)
        logged = bool(items) or bool(period_ids(store, period.start, period.end))
    rows = [{"interaction_id": q.interaction_id, "reason": q.reason, "p_bad": q.p_bad} for q in items]
    emit(
        rows,
        fmt,
        lambda rs: (
            "\n".join(
                [f"{'interaction':<28} {'why':<12} P(bad)"] * bool(rs)
                + [
                    f"{r['interaction_id']:<28} {r['reason']:<12} "
                    + ("" if r["p_bad"] is None else format(r["p_bad"], ".2f"))
                    for r in rs
                ]
            )
            or (
                f"nothing to queue in {period.label}: everything is reviewed, or nothing is labelled (critic label)"
                if logged
                else f"no interactions logged in {period.label}; pick another --week (or --since/--until)"
            )
        ),
    )


@review_group.command("serve")
@db_option
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; any other than loopback needs the access token printed in the URL.",
)
@click.option("--reviewer", envvar="CRITIC_REVIEWER", help="Your name on the verdicts [default: the login name].")
def serve_cmd(db: str, port: int, host: str, reviewer: str | None) -> None:
    """Serve the review page: one queued interaction at a time, Bad / Fine / Skip from the keyboard.

    \b
    Example: critic review serve --port 8765
    """
    from critic.review.page import ReviewServer
    from critic.review.verdicts import reviewer_name
    from critic.store import Store

    with Store.open(db) as store:
        server = ReviewServer(store, reviewer_name(reviewer), host, port)
        info(f"reviewing as {server.reviewer} at {server.url}  (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


@review_group.command("show")
@db_option
@click.argument("interaction_id")
@format_option("text", "json")
def show_cmd(db: str, interaction_id: str, fmt: str) -> None:
    """Show one interaction as the review page does: the conversation, the reply, the context, each judge's score,
    the user's signals, why critic flagged it, and the verdicts so far.

    \b
    Example: critic review show chat-0042
    """
    from critic.review.page import shown
    from critic.review.verdicts import no_interaction
    from critic.store import Store
    from critic.store.review import pending, review_item

    with Store.open(db) as store:
        item = review_item(store, interaction_id)
        if item is None:
            raise no_interaction(store, interaction_id)
        reason = next((r for i, r, _ in pending(store) if i == interaction_id), None)
    view = shown(item, reason) | {"verdicts": item["verdicts"]}
    emit(view, fmt, _show_text)


def _show_text(view: dict[str, Any]) -> str:
    head = " · ".join(str(x) for x in (view["id"], view.get("feature"), view.get("model"), view.get("ts")) if x)
    lines = [head + (f" (queued: {view['reason']})" if view.get("reason") else "")]
    lines += [f"  {t['role']}: {_clip(t['content'])}" for t in view["turns"]]
    if not view["turns"]:
        lines.append(f"  input: {_clip(view.get('input') or '')}")
    lines.append(f"  reply: {_clip(view.get('output') or '', 2000)}")
    if view.get("context"):
        lines.append(f"  context: {_clip(view['context'])}")
    scores = ", ".join(f"{s['rubric']} {s['label']} ({s['judge']})" for s in view["scores"])
    lines.append(f"  scores: {scores or 'none'}")
    lines.append(f"  user signals: {', '.join(e['kind'] for e in view['events']) or 'none'}")
    lines += [f"  why: {w}" for w in view["why"]]
    for v in view["verdicts"]:
        extra = "".join(f"; {k} {v[k]}" for k in ("mode", "note") if v.get(k))
        lines.append(f"  verdict: {v['verdict']} by {v['reviewer']} at {v['created_at']}{extra}")
    return "\n".join(lines)


def _clip(text: str, most: int = 600) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"


@review_group.command("mark")
@db_option
@click.argument("interaction_id")
@click.option("--bad", is_flag=True, help="The interaction went badly.")
@click.option("--ok", is_flag=True, help="It was fine.")
@click.option("--mode", help="The failure mode (a report signature, or your own words).")
@click.option("--note", help="A note.")
@click.option("--reviewer", envvar="CRITIC_REVIEWER", help="Your name on the verdict [default: the login name].")
def mark_cmd(
    db: str, interaction_id: str, bad: bool, ok: bool, mode: str | None, note: str | None, reviewer: str | None
) -> None:
    """Record a verdict on one interaction.

    \b
    Example: critic review mark chat-0042 --bad --mode "refusal" --note "refused a refund question"
    """
    from critic.review.verdicts import mark, reviewer_name
    from critic.store import Store

    if bad == ok:
        raise click.UsageError("give one of --bad or --ok" if bad else "give --bad or --ok")
    with Store.open(db) as store:
        row = mark(
            store, interaction_id, "bad" if bad else "ok", reviewer=reviewer_name(reviewer), mode=mode, note=note
        )
    click.echo(f"{row['interaction_id']}: {row['verdict']} by {row['reviewer']}")


@review_group.command("import")
@db_option
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--reviewer", envvar="CRITIC_REVIEWER", help="Reviewer for lines that name none [default: login].")
def import_cmd(db: str, file: str, reviewer: str | None) -> None:
    """Record verdicts from a JSONL file: {interaction_id, verdict: bad|ok, mode?, reviewer?, note?} per line
    (what `critic review export` writes, too).

    All or nothing: a bad line is reported as FILE:LINE and nothing is written.

    \b
    Example: critic review import verdicts.jsonl
    """
    from critic.review.verdicts import import_verdicts, reviewer_name
    from critic.store import Store

    with Store.open(db) as store:
        n = import_verdicts(store, file, reviewer_name(reviewer))
    click.echo(f"recorded {n} verdicts from {file}")


@review_group.command("export")
@db_option
@click.option("--out", type=click.Path(dir_okay=False), help="Write the verdicts (JSONL) here instead of stdout.")
@click.option(
    "--golden",
    type=click.Path(dir_okay=False),
    help="Also write the reviewed interactions as a golden set for critic check (JSONL).",
)
@click.option(
    "--keep-pii",
    is_flag=True,
    help="Keep personal data in the golden set's texts (redacted by default, as in reports).",
)
@format_option("jsonl", "json")
def export_cmd(db: str, out: str | None, golden: str | None, keep_pii: bool, fmt: str) -> None:
    """Export every verdict (JSONL, what `critic review import` reads), with the reviewers' agreement on stderr.

    \b
    Example: critic review export --out verdicts.jsonl --golden golden.jsonl
    """
    from critic.review.verdicts import export_verdicts, golden_set, reviewer_agreement
    from critic.store import Store

    with Store.open(db) as store:
        rows = export_verdicts(store)
        agreement = reviewer_agreement(store)
        gold = golden_set(store) if golden else []
    text = json.dumps(rows, indent=2) if fmt == "json" else "".join(json.dumps(r) + "\n" for r in rows)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if golden:  # a golden set is made to be committed: no secret ever, no personal data unless asked
        from critic.secrets import scrub
        from critic.triage.redact import redact, redact_tree

        hide = scrub if keep_pii else redact
        gold = [
            g | {k: redact_tree(g[k], hide) for k in ("input", "output", "reference", "context") if k in g}
            for g in gold
        ]
        Path(golden).write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    if agreement["items"]:
        kappa = agreement["kappa"]
        info(
            f"{agreement['items']} interaction{'s' if agreement['items'] != 1 else ''} reviewed twice: agreement "
            f"{agreement['agreement']:.0%}, Cohen's κ "
            + (f"{kappa:.2f}" if kappa is not None else "undefined (every verdict of one kind: nothing to correct for)")
        )
    info(f"{len(rows)} verdicts" + (f"; golden set of {len(gold)} written to {golden}" if golden else ""))
