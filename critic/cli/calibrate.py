"""critic calibrate: how closely a judge's scores track people's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from critic.cli._common import (
    db_option,
    emit,
    format_option,
    judge_options,
    open_judge,
    rubrics,
)

if TYPE_CHECKING:
    from critic.calibrate.scores import ScoreRow
    from critic.store import Store

FIGURES = ("n", "mae", "within_1", "exact", "pearson", "spearman", "kendall", "kappa_quadratic")


@click.command("calibrate")
@db_option
@click.option(
    "--scores",
    "scores_file",
    type=click.Path(dir_okay=False, exists=True),
    help='JSONL of recorded scores: {"id", "criterion", "judge", "score", "human", "group"?}.',
)
@click.option(
    "--human-scale",
    default="1-7",
    show_default=True,
    help="The human scale, e.g. 1-5 or 0-1 (mapped onto 1-7 for MAE).",
)
@click.option("--judge-scale", default="1-7", show_default=True, help="The recorded judge scores' scale.")
@click.option("--history", "show_history", is_flag=True, help="Show stored calibration results over time instead.")
@click.option(
    "--gold",
    "against_gold",
    is_flag=True,
    help="Each judge and rubric against people's verdicts (critic review) on the stored traffic.",
)
@click.option(
    "--human",
    "human_file",
    type=click.Path(dir_okay=False, exists=True),
    help='JSONL of items people scored, judged now: {"id", "output", "input"?, "reference"?, "human", "group"?}.',
)
@click.option(
    "--rubric",
    "rubric_names",
    multiple=True,
    help="Rubric(s) to judge --human items with (repeatable); default accuracy.",
)
@judge_options
@format_option("text", "json", "csv")
def calibrate_cmd(
    db: str,
    scores_file: str | None,
    human_file: str | None,
    rubric_names: tuple[str, ...],
    judge_spec: str | None,
    base_url: str | None,
    concurrency: int,
    human_scale: str,
    judge_scale: str,
    show_history: bool,
    against_gold: bool,
    fmt: str,
) -> None:
    """Agreement between judge scores and human scores, per (judge, criterion); stored for drift.

    Reports n, MAE and share within one label on the 7-point scale, exact agreement, Pearson,
    Spearman, Kendall τ, quadratic-weighted κ, a confusion matrix and, when rows carry a group,
    the per-group average of each correlation.

    \b
    Example: critic calibrate --scores recorded.jsonl --human-scale 1-5 --judge-scale 1-5
    Example: critic calibrate --gold
    Example: critic calibrate --human rated.jsonl --rubric accuracy --judge openai:gpt-4.1-mini --human-scale 1-5
    """
    from critic.agreement import Scale
    from critic.calibrate.scores import calibrate_scores, history, read_scores
    from critic.store import Store
    from critic.store.kept import write_calibrations

    if not show_history and not against_gold and bool(scores_file) == bool(human_file):
        raise click.UsageError(
            "give one of --scores FILE (recorded judge and human scores) or --human FILE "
            "(items people scored, judged now), --gold (against reviewers' verdicts), or --history"
        )
    with Store.open(db) as store:
        if against_gold:
            _gold(store, fmt)
            return
        if show_history:
            kept = history(store)
            emit(
                kept,
                fmt,
                lambda rs: (
                    "\n".join(
                        f"{r['date'][:19]}  {r['judge']:<24} {r['criterion']:<14} n={r['n']:<5} MAE {_f(r['mae'])}  "
                        f"within-1 {_f(r['within_1'])}  ρ {_f(r['spearman'])}"
                        + (f"  AUC vs verdicts {_f(r['auc'])}" if r.get("auc") is not None else "")
                        for r in rs
                    )
                    or "no calibration results stored"
                ),
            )
            return
        if human_file:
            rows, source, version = _judge_human(store, human_file, rubric_names, judge_spec, base_url, concurrency)
            judge_scale = "1-7"  # critic's own scores
        else:
            rows, source, version = read_scores(scores_file or ""), scores_file or "", None
        results = calibrate_scores(rows, judge_scale=Scale.parse(judge_scale), human_scale=Scale.parse(human_scale))
        write_calibrations(store, results, source, version)
    emit(results if fmt == "csv" else {"criteria": results}, fmt, lambda d: _text(d["criteria"]))


def _judge_human(
    store: Store,
    path: str,
    rubric_names: tuple[str, ...],
    judge_spec: str | None,
    base_url: str | None,
    concurrency: int,
) -> tuple[list[ScoreRow], str, dict[str, str]]:
    from critic.calibrate.live import judge_human, read_human
    from critic.config import load_config
    from critic.progress import Progress

    config = load_config()
    chosen = rubrics(rubric_names, config, ("accuracy",))
    judge = open_judge(judge_spec, base_url, config, store)
    items = read_human(path, chosen)
    with Progress(len(items) * len(chosen), "calibrate: judging", unit="call") as bar:
        rows = judge_human(store, judge, config, chosen, items, concurrency, progress=bar.update)
    return rows, path, {r.name: r.version for r in chosen}


def _f(value: Any) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _text(results: list[dict[str, Any]]) -> str:
    lines = [f"{'judge':<26} {'criterion':<14} " + " ".join(f"{k:>8}" for k in FIGURES) + "  grouped ρ (groups)"]
    for r in results:
        grouped = r.get("grouped")
        tail = f"  {_f(grouped['spearman'])} ({grouped['groups']})" if grouped else ""
        lines.append(
            f"{r['judge']:<26} {r['criterion']:<14} {r['n']:>8} "
            + " ".join(f"{_f(r[k]):>8}" for k in FIGURES[1:])
            + tail
        )
    return "\n".join(lines)


def _gold(store: Store, fmt: str) -> None:
    """Print (and keep, for --history) each judge and rubric against the reviewers' verdicts."""
    from critic.calibrate.gold import calibrate_gold
    from critic.errors import CriticError
    from critic.store.kept import write_calibrations

    results = calibrate_gold(store)
    if not results:
        raise CriticError(f"no reviewed interaction in {store.path} has a judgment; review some (critic review) first")
    write_calibrations(store, results, "gold (critic review verdicts)")
    emit(
        results if fmt == "csv" else {"criteria": results},
        fmt,
        lambda d: "\n".join(
            f"{r['judge']:<24} {r['criterion']:<14} n={r['n']:<5} bad {r['bad']:<4} AUC {_f(r['auc'])}  "
            f"mean score bad {_f(r['mean_bad'])} / fine {_f(r['mean_ok'])}  "
            f"score ≤ 2: precision {_f(r['precision_low'])} recall {_f(r['recall_low'])}"
            for r in d["criteria"]
        ),
    )
