"""critic distill: train a student critic for one rubric; list the stored students."""

from __future__ import annotations

from typing import Any

import click

from critic.cli._common import db_option, emit, format_option, rubrics


@click.command("distill")
@click.option("--rubric", "rubric_name", help="The rubric the student scores (name or .yaml path).")
@click.option(
    "--teacher", help="Learn from this judge's stored judgments of logged traffic (e.g. openai:gpt-4.1-mini)."
)
@click.option(
    "--human",
    "human_file",
    type=click.Path(dir_okay=False, exists=True),
    help="Learn from human scores instead: the `critic calibrate --human` format "
    '({"id", "output", "human", "group"?, ...}).',
)
@click.option(
    "--gold",
    "from_gold",
    is_flag=True,
    help="Learn from people's verdicts (critic review): bad → 1, fine → 6; with --teacher, the judge elsewhere.",
)
@click.option("--human-scale", default="1-7", show_default=True, help="The human scale, e.g. 1-5 (mapped onto 1-7).")
@click.option("--name", help="The student's name: use it as --judge student:NAME.")
@click.option(
    "--folds", type=click.IntRange(2, 50), default=5, show_default=True, help="Grouped cross-validation folds."
)
@click.option("--list", "show_list", is_flag=True, help="List the stored students instead.")
@db_option
@format_option("text", "json", "csv")
def distill_cmd(
    rubric_name: str | None,
    teacher: str | None,
    human_file: str | None,
    from_gold: bool,
    human_scale: str,
    name: str | None,
    folds: int,
    show_list: bool,
    db: str,
    fmt: str,
) -> None:
    """Train a cheap student critic for one rubric from a judge's stored judgments or from human scores.

    Prints grouped K-fold cross-validation against the teacher (Spearman, Kendall, MAE, within-1) and
    stores the student (plain arrays and JSON) in the store, so --judge student:NAME works wherever
    the store goes.

    \b
    Example: critic distill --rubric tone --teacher openai:gpt-4.1-mini --name tone-mini

    \b
    Example: critic distill --rubric helpfulness --human rated.jsonl --human-scale 1-5 --name helpful-v1

    \b
    Example: critic distill --rubric helpfulness --gold --teacher openai:gpt-4.1-mini --name helpful-ours
    """
    from critic.store import Store

    if show_list:
        from critic.distill.train import list_students

        with Store.open(db) as store:
            emit(list_students(store), fmt, _list_text)
        return
    if (
        not rubric_name
        or not name
        or (bool(teacher) == bool(human_file) and not from_gold)
        or (from_gold and human_file)
    ):
        raise click.UsageError(
            "give --rubric R, --name NAME and one of --teacher JUDGE, --human FILE or --gold [--teacher JUDGE] "
            "(or --list)"
        )
    from critic.agreement import Scale
    from critic.calibrate.live import read_human
    from critic.config import load_config
    from critic.distill.train import distill, gold_rows, human_rows, teacher_rows
    from critic.judge.backends import canonical_spec

    config = load_config()
    rubric = rubrics((rubric_name,), config, ())[0]
    with Store.open(db) as store:
        if from_gold:
            judge = canonical_spec(teacher, config, store) if teacher else None
            source = "gold" + (f"+{judge}" if judge else "")
            rows = gold_rows(store, rubric, judge)
        elif teacher:
            source = canonical_spec(teacher, config, store)
            rows = teacher_rows(store, rubric, source)
        else:
            source = f"human:{human_file}"
            rows = human_rows(read_human(human_file or "", [rubric]), rubric, Scale.parse(human_scale))
        student = distill(store, rows, name=name, rubric=rubric, teacher=source, folds=folds)
    payload = {
        "name": student.name,
        "version": student.version,
        "rubric": student.rubric,
        "teacher": student.teacher,
        "n": student.n,
        "cv": student.cv,
        "features": student.features,
    }
    emit(payload, fmt, _text)


def _text(d: dict[str, Any]) -> str:
    cv = d["cv"]
    grouped = cv.get("grouped") or {}
    per_group = (
        f"; per group (avg over {grouped['groups']}) Spearman {grouped['spearman']:.3f}"
        if grouped.get("spearman") is not None
        else ""
    )
    return (
        f"student {d['name']} (version {d['version']}) for {d['rubric']}, from {d['teacher']}, n={d['n']}\n"
        f"{cv['folds']}-fold grouped CV: Spearman {cv['spearman']:.3f}, Kendall {cv['kendall']:.3f}, "
        f"MAE {cv['mae']:.2f}, within-1 {cv['within_1']:.2f}{per_group}\n"
        f"use it: --judge student:{d['name']}"
    )


def _list_text(rows: list[dict[str, Any]]) -> str:
    return (
        "\n".join(
            f"{r['name']:<18} {r['version']}  {r['rubric']:<12} from {r['teacher']:<28} n={r['n']:<6} "
            f"CV Spearman {r['cv_spearman'] if r['cv_spearman'] is None else round(r['cv_spearman'], 3)}"
            for r in rows
        )
        or "no students stored; train one with critic distill"
    )
