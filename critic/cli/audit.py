"""critic audit: position bias from recorded pairwise verdicts; verbosity and injection probes of a judge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from critic.audit import PROBES
from critic.cli._common import (
    Choice,
    db_option,
    emit,
    format_option,
    judge_options,
    open_judge,
    rubrics,
)

if TYPE_CHECKING:
    from critic.judge.backends.base import Judge


@click.command("audit")
@click.option(
    "--recorded",
    type=click.Path(dir_okay=False, exists=True),
    help="Pairwise verdicts in both orders (LLMBar result.json, or JSONL): report position bias.",
)
@click.option(
    "--probe",
    "probes",
    multiple=True,
    type=Choice([*PROBES, "position", "consistency"]),
    help="Probe the judge (repeatable): verbosity, injection, position (pairwise, both orders), consistency.",
)
@click.option("--rubric", "rubric_names", multiple=True, help="Rubric for the probes (repeatable); default accuracy.")
@click.option("--items", type=click.IntRange(2), default=12, show_default=True, help="Built-in items per probe.")
@click.option(
    "--repeats", type=click.IntRange(2), default=3, show_default=True, help="Re-judgings per item (consistency)."
)
@judge_options
@db_option
@format_option("text", "json", "csv")
def audit_cmd(
    recorded: str | None,
    probes: tuple[str, ...],
    rubric_names: tuple[str, ...],
    items: int,
    repeats: int,
    judge_spec: str | None,
    base_url: str | None,
    concurrency: int,
    db: str,
    fmt: str,
) -> None:
    """Measure a judge's biases: position (recorded verdicts, or live pairwise), verbosity, injection, consistency.

    \b
    Example: critic audit --recorded
    ../shared/datasets/llmbar/Dataset/LLMBar/Natural/evaluators/GPT-4/Vanilla_NoRules/result.json
    Example: critic audit --probe injection --probe verbosity --judge openai:gpt-4.1-mini
    """
    if not recorded and not probes:
        raise click.UsageError(
            "nothing to audit: give --recorded FILE and/or --probe verbosity|injection|position|consistency"
        )
    from critic.audit.direct import consistency_probe, position_probe
    from critic.audit.probes import detector_on_corpus, run_probe
    from critic.audit.recorded import position_stats, read_recorded
    from critic.config import load_config
    from critic.store import Store

    result: dict[str, Any] = {}
    if recorded:
        result["position"] = {"source": recorded, **position_stats(read_recorded(recorded)).as_dict()}
    if probes:
        config = load_config()
        chosen = rubrics(rubric_names, config, ("accuracy",))
        with Store.open(db) as store:

            def judge() -> Judge:  # a fresh client per probe: each probe runs its own event loop
                return open_judge(judge_spec, base_url, config, store)

            result["judge"] = judge().spec
            scored = [p for p in probes if p in PROBES]
            if "injection" in scored:
                result["detector"] = detector_on_corpus().as_dict()
            if scored:
                result["probes"] = [
                    run_probe(store, judge(), config, r, p, limit=items, concurrency=concurrency).as_dict()
                    for p in scored
                    for r in chosen
                ]
            if "position" in probes:
                result["position_live"] = [{"rubric": r.name, **position_probe(judge(), r, items)} for r in chosen]
            if "consistency" in probes:
                result["consistency"] = [consistency_probe(judge(), r, items, repeats).as_dict() for r in chosen]
    emit(_rows(result) if fmt == "csv" else result, fmt, _text)


def _rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per finding, for --format csv."""
    rows = [{"finding": "position", **result["position"]}] if "position" in result else []
    rows += [{"finding": "detector", **result["detector"]}] if "detector" in result else []
    for key in ("probes", "position_live", "consistency"):
        rows += [{"finding": r.get("probe", key), "judge": result.get("judge"), **r} for r in result.get(key, [])]
    return rows


def _text(result: dict[str, Any]) -> str:
    lines = []
    if "position" in result:
        p = result["position"]
        lines.append(
            f"position bias ({p['n']} pairs, each judged in both orders): agreement {p['agreement']:.3f}, "
            f"first-shown output wins {p['first_position_rate']:.3f}"
        )
        if p["accuracy_average"] is not None:
            lines.append(
                f"  accuracy vs gold: original order {p['accuracy_original']:.3f}, swapped "
                f"{p['accuracy_swapped']:.3f}, average {p['accuracy_average']:.3f}, "
                f"both orders {p['correct_both']:.3f}"
            )
    if "detector" in result:
        d = result["detector"]
        lines.append(
            f"manipulation heuristic on the injection corpus: recall {d['recall']:.3f} on {d['attacks']} attempts, "
            f"false positives {d['false_positive_rate']:.3f} on {d['ordinary']} ordinary outputs"
        )
    for r in result.get("probes", []):
        flagged = (
            ""
            if r["flagged_share"] is None
            else f"; flagged by critic's manipulation heuristic {r['flagged_share']:.0%}"
        )
        lines.append(
            f"{r['probe']} on {r['rubric']} ({result['judge']}, n={r['n']}): mean {r['mean_original']:.2f} → "
            f"{r['mean_altered']:.2f}, shift {r['mean_shift']:+.2f} labels (largest {r['max_shift']:.2f}){flagged}"
        )
    for r in result.get("position_live", []):
        lines.append(
            f"position on {r['rubric']} ({result['judge']}, {r['pairs']} pairs asked in both orders): agreement "
            f"{r['agreement']:.3f}, first-shown wins {r['first_position_rate']:.3f}, accuracy "
            f"{r['accuracy_average']:.3f} ({r['unparseable']} unparseable)"
        )
    for r in result.get("consistency", []):
        lines.append(
            f"consistency on {r['rubric']} ({result['judge']}, n={r['n']}, {r['repeats']} repeats + reworded): "
            f"mean spread {r['mean_spread']:.2f} labels (largest {r['max_spread']:.2f}; ≥ 1 label on "
            f"{r['share_spread_ge_1']:.0%}); rewording shifts {r['mean_shift_reworded']:+.2f}"
        )
    return "\n".join(lines)
