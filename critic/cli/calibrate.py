"""critic calibrate: how closely a judge's scores track people's."""

from __future__ import annotations

from typing import Any

import click

from critic.calibrate.metrics import Scale
from critic.calibrate.scores import calibrate_scores, history, read_scores, record
from critic.cli._common import db_option, emit, format_option
from critic.errors import CriticError
from critic.store import Store

FIGURES = ("n", "mae", "within_1", "exact", "pearson", "spearman", "kendall", "kappa_quadratic")


@click.command("calibrate")
@db_option
@click.option("--scores", "scores_file", type=click.Path(dir_okay=False, exists=True),
              help='JSONL of recorded scores: {"id", "criterion", "judge", "score", "human", "group"?}.')
@click.option("--human-scale", default="1-7", show_default=True, help="The human scale, e.g. 1-5 or 0-1 (mapped onto 1-7 for MAE).")
@click.option("--judge-scale", default="1-7", show_default=True, help="The recorded judge scores' scale.")
@click.option("--history", "show_history", is_flag=True, help="Show stored calibration results over time instead.")
@format_option("text", "json")
def calibrate_cmd(db: str, scores_file: str | None, human_scale: str, judge_scale: str, show_history: bool, fmt: str) -> None:
    """Agreement between judge scores and human scores, per (judge, criterion); stored for drift.

    Reports n, MAE and share within one label on the 7-point scale, exact agreement, Pearson,
    Spearman, Kendall τ, quadratic-weighted κ, a confusion matrix and, when rows carry a group,
    the per-group average of each correlation.

    Example: critic calibrate --scores recorded.jsonl --human-scale 1-5 --judge-scale 1-5
    """
    with Store.open(db) as store:
        if show_history:
            rows = history(store)
            emit(rows, fmt, lambda rs: "\n".join(
                f"{r['date'][:19]}  {r['judge']:<24} {r['criterion']:<14} n={r['n']:<5} MAE {_f(r['mae'])}  "
                f"within-1 {_f(r['within_1'])}  ρ {_f(r['spearman'])}" for r in rs) or "no calibration results stored")
            return
        if not scores_file:
            raise CriticError("give --scores FILE (recorded judge and human scores) or --history")
        results = calibrate_scores(read_scores(scores_file), judge_scale=Scale.parse(judge_scale),
                                   human_scale=Scale.parse(human_scale))
        record(store, results, scores_file)
    emit({"criteria": results}, fmt, lambda d: _text(d["criteria"]))


def _f(value: Any) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def _text(results: list[dict[str, Any]]) -> str:
    lines = [f"{'judge':<26} {'criterion':<14} " + " ".join(f"{k:>8}" for k in FIGURES) + "  grouped ρ (groups)"]
    for r in results:
        grouped = r.get("grouped")
        tail = f"  {_f(grouped['spearman'])} ({grouped['groups']})" if grouped else ""
        lines.append(f"{r['judge']:<26} {r['criterion']:<14} {r['n']:>8} " +
                     " ".join(f"{_f(r[k]):>8}" for k in FIGURES[1:]) + tail)
    return "\n".join(lines)
