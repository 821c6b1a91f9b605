"""critic check: a regression gate for CI."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from critic.cli._common import (
    db_option,
    emit,
    format_option,
    info,
    judge_options,
    open_judge,
    rubrics,
)


@click.command("check")
@click.option("--baseline", required=True, help="JSONL of {id, output}: today's outputs; or an earlier check's run id.")
@click.option(
    "--candidate",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="JSONL of {id, output}: the change's outputs.",
)
@click.option(
    "--golden",
    type=click.Path(dir_okay=False, exists=True),
    help="JSONL of {id, input, reference?, context?} the outputs answer.",
)
@click.option(
    "--rubric", "rubric_names", multiple=True, help="Rubric name or .yaml path (repeatable); default accuracy."
)
@judge_options
@db_option
@click.option(
    "--max-drop",
    type=click.FloatRange(0),
    default=None,
    help="A significant drop larger than this many labels fails (default 0.3; critic.toml [check]).",
)
@click.option(
    "--alpha",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Significance level of the Wilcoxon test (default 0.05).",
)
@click.option(
    "--min-n",
    type=click.IntRange(1),
    default=None,
    help="Fewer paired items than this: insufficient evidence (default 10).",
)
@click.option(
    "--junit", "junit_path", type=click.Path(dir_okay=False), help="Also write JUnit XML, one testcase per rubric."
)
@format_option("text", "json", "md", "csv")
def check_cmd(
    baseline: str,
    candidate: str,
    golden: str | None,
    rubric_names: tuple[str, ...],
    judge_spec: str | None,
    base_url: str | None,
    concurrency: int,
    db: str,
    max_drop: float | None,
    alpha: float | None,
    min_n: int | None,
    junit_path: str | None,
    fmt: str,
) -> None:
    """Fail a change that makes outputs worse: exit 0 pass, 3 gate failed, 1 error, 2 usage.

    \b
    Example: critic check --baseline main.jsonl --candidate pr.jsonl --golden golden.jsonl --junit critic.xml

    Each check records its candidate under a run id (printed on stderr, and in --format json),
    which a later check can pass as --baseline.
    """
    from critic.check import report
    from critic.check.gate import Thresholds, gate, read_side, record_check
    from critic.config import load_config
    from critic.judge.items import judge_pairs, read_items, store_sides
    from critic.progress import Progress
    from critic.store import Store

    config = load_config()
    section = config.raw.get("check", {})
    thresholds = Thresholds(
        max_drop=max_drop if max_drop is not None else float(section.get("max_drop", 0.3)),
        alpha=alpha if alpha is not None else float(section.get("alpha", 0.05)),
        min_n=min_n if min_n is not None else int(section.get("min_n", 10)),
        max_failed_share=float(section.get("max_failed_share", 0.1)),
    )
    chosen = rubrics(rubric_names, config, ("accuracy",))
    golden_items = read_items(golden, need_output=False) if golden else {}
    with Store.open(db) as store:
        judge = open_judge(judge_spec, base_url, config, store)
        sides = (read_side(store, baseline), read_items(candidate))
        pairs = store_sides(store, sides[0], sides[1], golden_items)
        with Progress(2 * len(pairs) * len(chosen), "check: judging", unit="call") as bar:
            judge_pairs(store, judge, config, chosen, pairs, concurrency, progress=bar.update)
        result = gate(store, judge.spec, chosen, pairs, sides, thresholds)
        run_id = record_check(store, candidate, sides[1])
    info(f"recorded the candidate as check run {run_id}; a later check can use --baseline {run_id}")
    if junit_path:
        Path(junit_path).write_text(report.junit(result), encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps({**result.as_dict(), "run_id": run_id}, indent=2, default=str))
    elif fmt == "csv":
        emit([asdict(r) for r in result.rubrics], fmt, str)
    else:
        click.echo(report.markdown(result) if fmt == "md" else report.text(result))
    click.get_current_context().exit(result.exit_code)
