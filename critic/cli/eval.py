"""critic eval, critic explain, critic rubrics list|show|validate."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import click

from critic.cli._common import (
    TIME,
    db_option,
    emit,
    format_option,
    info,
    judge_options,
    open_judge,
    rubrics,
)
from critic.errors import CriticError, RubricError
from critic.secrets import scrub

if TYPE_CHECKING:
    from critic.config import Config
    from critic.judge.backends.base import Judge
    from critic.judge.run import RunResult, WorkItem
    from critic.rubrics import Rubric
    from critic.store import Store

DEFAULT_RUBRICS = ("accuracy", "helpfulness", "tone")


@click.command("eval")
@db_option
@click.option(
    "--rubric",
    "rubric_names",
    multiple=True,
    help="Rubric name or .yaml path (repeatable); default accuracy, helpfulness, tone.",
)
@judge_options
@click.option("--limit", type=click.IntRange(1), help="Judge at most N interactions (oldest first).")
@click.option("--sample", type=click.IntRange(1), help="Judge a seeded random sample of N interactions.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --sample.")
@click.option("--since", type=TIME, help="Only interactions at or after this time (ISO 8601).")
@click.option("--until", type=TIME, help="Only interactions before this time (ISO 8601).")
@click.option("--budget-usd", type=click.FloatRange(0), help="Stop cleanly before spending more than this.")
@click.option(
    "--dry-run", "plan_only", is_flag=True, help="Print the calls, tokens and cost it would spend; call nothing."
)
@click.option(
    "--batch", "use_batch", is_flag=True, help="Use the provider's batch API (half price; results within 24 h)."
)
@click.option("--no-wait", is_flag=True, help="With --batch: submit and return; a later run collects the results.")
@click.option(
    "--poll-interval",
    type=click.FloatRange(0),
    default=30.0,
    show_default=True,
    help="With --batch: seconds between status checks while waiting.",
)
@click.option(
    "--cascade",
    "cascade_spec",
    metavar="STUDENT",
    help="student:NAME judges everything; --judge judges only what it is least sure of (and an audit share).",
)
@click.option(
    "--escalate",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="With --cascade: the share of items, least sure first, that go to --judge.",
)
@click.option(
    "--escalate-when",
    type=click.FloatRange(0),
    metavar="SD",
    help="With --cascade: escalate instead every item whose label distribution's spread is at least SD labels.",
)
@click.option(
    "--audit",
    type=click.FloatRange(0, 1),
    default=0.05,
    show_default=True,
    help="With --cascade: a seeded random share of the rest also goes to --judge, to measure agreement.",
)
@format_option("text", "json")
def eval_cmd(
    db: str,
    rubric_names: tuple[str, ...],
    judge_spec: str | None,
    base_url: str | None,
    concurrency: int,
    limit: int | None,
    sample: int | None,
    seed: int,
    since: str | None,
    until: str | None,
    budget_usd: float | None,
    plan_only: bool,
    use_batch: bool,
    no_wait: bool,
    poll_interval: float,
    cascade_spec: str | None,
    escalate: float,
    escalate_when: float | None,
    audit: float,
    fmt: str,
) -> None:
    """Judge logged interactions, one interaction and one rubric per call, asking for one label.

    Already-judged (interaction, rubric version, judge) triples are skipped, and an identical
    prompt judged before is copied, so re-running costs no provider calls.

    \b
    Example: critic eval --judge openai:gpt-4.1-mini --rubric accuracy --sample 500 --budget-usd 2
    Example: critic eval --judge openai:gpt-4.1-mini --batch --no-wait   (then again later to collect)

    \b
    Example: critic eval --cascade student:tone-mini --judge openai:gpt-4.1-mini --rubric tone --escalate 0.2
    """
    from critic.config import load_config
    from critic.judge.backends import canonical_spec
    from critic.judge.batch import BatchRunner
    from critic.judge.run import Selection, dry_run, select_work
    from critic.store import Store

    config = load_config()
    chosen = rubrics(rubric_names, config, DEFAULT_RUBRICS)
    selection = Selection(since=since, until=until, limit=limit, sample=sample, seed=seed)
    with Store.open(db) as store:
        spec = canonical_spec(judge_spec, config, store)
        work = select_work(store, chosen, spec, selection)
        if plan_only:
            plan = dry_run(store, work, spec, config)
            emit(
                plan.as_dict(),
                fmt,
                lambda d: (
                    f"would make {d['calls']} calls ({d['cached']} cached), "
                    f"~{d['input_tokens']} input and {d['output_tokens']} output tokens, "
                    f"~${d['cost_usd']:.4f}"
                ),
            )
            return
        judge = open_judge(spec, base_url, config, store)
        for rubric in chosen:
            why = judge.unsupported(rubric)
            if why:
                raise CriticError(f"{why}; pick its rubric with --rubric or another --judge")
        batch, cascade, student = None, None, None
        if cascade_spec:
            student = open_judge(cascade_spec, None, config, store)
            for rubric in chosen:
                why = student.unsupported(rubric)
                if why:
                    raise CriticError(f"{why}; pick its rubric with --rubric or another --cascade student")
        for line in local_trust(spec, chosen):  # once every check passed: the run starts
            info(f"local judge: {line}")
        if student is not None:
            from critic.judge.cascade import Plan, run_cascade

            cascade = run_cascade(
                store,
                student,
                judge,
                config,
                chosen,
                selection,
                Plan(escalate, escalate_when, audit, seed),
                concurrency=concurrency,
                budget_usd=budget_usd,
            )
            result = cascade.teacher
        elif use_batch:
            runner = BatchRunner(store, judge, config, concurrency=concurrency, budget_usd=budget_usd)
            batch = asyncio.run(runner.run_batch(work, wait=not no_wait, poll_s=poll_interval))
            result = batch.result
        else:
            result = asyncio.run(
                run_with_progress(store, judge, config, work, concurrency=concurrency, budget_usd=budget_usd)
            )
    for warning in result.warnings:
        info(f"warning: {warning}")
    payload = {
        k: result.as_dict()[k]
        for k in (
            "run_id",
            "judged",
            "cached",
            "errors",
            "unparseable",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "stopped",
        )
    }
    payload["cost_usd"] = round(payload["cost_usd"], 6)
    payload["already_judged"] = work.already_judged
    if batch:
        payload.update({k: v for k, v in batch.as_dict().items() if k.startswith("batches_")})
    if cascade:
        student_run = {
            "judged": cascade.student.judged,
            "cached": cascade.student.cached,
            "errors": cascade.student.errors,
        }
        payload["cascade"] = {"student": student_run, **cascade.as_dict()}
    emit(payload, fmt, lambda d: _eval_text(d, result.stopped))
    result.raise_if_all_failed()


async def run_with_progress(
    store: Store, judge: Judge, config: Config, work: list[WorkItem], *, concurrency: int, budget_usd: float | None
) -> RunResult:
    """Run the judge over WORK with progress on stderr."""
    from critic.judge.run import Runner
    from critic.progress import Progress

    with Progress(len(work), "judging", unit="call") as bar:
        runner = Runner(store, judge, config, concurrency=concurrency, budget_usd=budget_usd, progress=bar.update)
        return await runner.run(work)


def _eval_text(d: dict[str, Any], stopped: str | None) -> str:
    text = ""
    if "cascade" in d:
        c = d["cascade"]
        audit = "; ".join(
            f"{r}: n={a['n']}"
            + (f", Spearman {a['spearman']:.3f}, MAE {a['mae']:.2f}" if a.get("spearman") is not None else "")
            for r, a in c["agreement"].items()
        )
        text = (
            f"cascade: student judged {c['student']['judged']} (+{c['student']['cached']} reused) of {c['items']} "
            f"items; {c['escalated']} escalated and {c['audited']} audited for the judge below\n"
            f"student vs judge on the audited items: {audit or 'none yet'}\n"
        )
    already = f" ({d['already_judged']} already judged: skipped)" if d.get("already_judged") else ""
    text += (
        f"run {d['run_id']}: judged {d['judged']}, cached {d['cached']}{already}, errors {d['errors']}, "
        f"unparseable {d['unparseable']}; {d['input_tokens']} input / {d['output_tokens']} output tokens, "
        f"${d['cost_usd']:.4f}"
    )
    if "batches_submitted" in d:
        text += (
            f"\nbatches: submitted {', '.join(d['batches_submitted']) or 'none'}; collected "
            f"{', '.join(d['batches_collected']) or 'none'}; still running {', '.join(d['batches_running']) or 'none'}"
            + (f"; failed {', '.join(d['batches_failed'])}" if d["batches_failed"] else "")
        )
        if stopped == "batch running":
            text += "\nrun the same command again later to collect the results (nothing is submitted twice)"
    return text + ("\nstopped: the budget would have been exceeded" if stopped == "budget" else "")


@click.command("explain")
@click.argument("interaction_id")
@click.option("--rubric", "rubric_name", required=True, help="Rubric name or .yaml path.")
@db_option
@judge_options
def explain_cmd(
    interaction_id: str, rubric_name: str, db: str, judge_spec: str | None, base_url: str | None, concurrency: int
) -> None:
    """Ask the judge, in a separate explicit call, why it would score one interaction as it does.

    For a person debugging a rubric; never used for scoring. The stored judgments are shown first.

    \b
    Example: critic explain s7-0000042 --rubric tone --judge openai:gpt-4.1-mini
    """
    from critic.config import load_config
    from critic.judge.explain import explain
    from critic.store import Store

    config = load_config()
    with Store.open(db) as store:
        judge = open_judge(judge_spec, base_url, config, store)
        text = asyncio.run(explain(store, interaction_id, rubrics((rubric_name,), config, ())[0], judge))
    click.echo(scrub(text))


def local_trust(spec: str, chosen: list[Rubric]) -> list[str]:
    """For the embedded judge, one line per rubric: what scores it and how far it agrees with people; else none."""
    from critic.judge.backends.local import trust_for

    return [line for r in chosen if (line := trust_for(spec, r.name))]


@click.group("rubrics")
def rubrics_group() -> None:
    """List, show and validate rubrics."""


@rubrics_group.command("list")
@format_option("text", "json", "csv")
def rubrics_list(fmt: str) -> None:
    """List the rubrics (built-in and `[rubrics] paths`), and which the local judge scores with a shipped student.

    \b
    Example: critic rubrics list --format json
    """
    from critic.config import load_config
    from critic.data import resource
    from critic.judge.backends.local import trust
    from critic.rubrics import available_rubrics

    rows = [
        {
            "name": r.name,
            "version": r.version,
            "reads": ",".join(r.reads),
            "path": r.path,  # as local.shipped_student
            "local": "student" if resource("students", f"{r.name}.json").is_file() else "likelihood",
            "local_trust": trust(r.name),
        }
        for r in available_rubrics(load_config().rubric_paths).values()
    ]
    emit(
        rows,
        fmt,
        lambda rs: "\n".join(
            f"{r['name']:<14} {r['version']}  reads {r['reads']:<34}\n    local judge: {r['local_trust']}" for r in rs
        ),
    )


@rubrics_group.command("show")
@click.argument("name")
def rubrics_show(name: str) -> None:
    """Show a rubric's levels and the prompt it renders for a sample interaction.

    \b
    Example: critic rubrics show tone
    """
    from critic.config import load_config

    rubric = rubrics((name,), load_config(), ())[0]
    click.echo(f"{rubric.name} (version {rubric.version}, {rubric.path})\n{rubric.description}\n")
    for k, text in rubric.levels.items():
        click.echo(f"  {k} = {text}")
    sample = {
        "input": "<the user's input>",
        "output": "<the reply being judged>",
        "context": "<retrieved context>",
        "reference": "<a reference answer>",
    }
    click.echo("\nPrompt:\n" + rubric.render(sample))


@rubrics_group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def rubrics_validate(files: tuple[str, ...]) -> None:
    """Check rubric files: seven described levels 7..1, known fields, a template that renders.

    \b
    Example: critic rubrics validate rubrics/*.yaml my_rubric.yaml
    """
    from critic.rubrics import load_rubric

    failures: list[str] = []
    for path in files:
        try:
            rubric = load_rubric(path)
            click.echo(f"ok  {path} ({rubric.name}, version {rubric.version})")
        except RubricError as exc:
            failures.append(str(exc))
    if failures:
        raise CriticError("\n".join(failures))
