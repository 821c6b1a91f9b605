"""critic label and critic compare."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from critic.cli._common import TIME, Choice, db_option, emit, format_option
from critic.combine import DIMENSIONS
from critic.store.views import LIKELY_BAD_ABOVE

if TYPE_CHECKING:
    from critic.combine.compare import Comparison
    from critic.combine.label import LabelResult


@click.command("label")
@db_option
@click.option("--since", type=TIME, help="Only interactions at or after this time (ISO 8601).")
@click.option("--until", type=TIME, help="Only interactions before this time (ISO 8601).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Also write id, p_bad, p_bad_votes, the sources that voted and the drivers (.csv or .jsonl).",
)
@click.option(
    "--explain",
    "explain_id",
    metavar="ID",
    help="Show why one interaction got its P(bad) (from the last labelling); label nothing.",
)
@format_option("text", "json", "csv")
def label_cmd(db: str, since: str | None, until: str | None, out: str | None, explain_id: str | None, fmt: str) -> None:
    """Fuse critic scores, thumbs, behaviour and heuristics into P(bad) per interaction (Snorkel).

    Prints each source's coverage, overlaps, conflicts and learned weight (and its accuracy on
    interactions whose metadata carries a gold label), and stores P(bad) in the labels table.

    \b
    Example: critic label --since 2026-11-16 --out labels.csv
    """
    if out and Path(out).suffix.lower() not in (".csv", ".jsonl"):
        raise click.BadParameter(f"{out} must end in .csv or .jsonl", param_hint="--out")
    if out and not Path(out).resolve().parent.is_dir():
        raise click.BadParameter(
            f"folder {Path(out).resolve().parent} does not exist; create it first", param_hint="--out"
        )
    from critic.combine.label import explain_label, run_label
    from critic.config import load_config
    from critic.store import Store, Window

    if explain_id:
        with Store.open(db) as store:
            found = explain_label(store, explain_id)
        emit(found, "json" if fmt == "json" else "text", _explain_text)
        return
    with Store.open(db) as store:
        result = run_label(store, load_config(), Window(since, until))
    if out:
        _write_rows(Path(out), result.rows)
    payload = result.as_dict()
    payload["sources"] = [
        {
            k: s[k]
            for k in (
                "name",
                "coverage",
                "overlaps",
                "conflicts",
                "weight",
                "votes_bad",
                "votes_good",
                "faulty",
                "gold_accuracy",
                "gold_votes",
                "agreement",
                "trusted",
                "distrusted_because",
                "end_weight",
            )
        }
        for s in payload["sources"]
    ]
    emit(payload["sources"] if fmt == "csv" else payload, fmt, lambda _d: _label_text(result))


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    if path.suffix.lower() == ".jsonl":
        path.write_text(
            "".join(
                json.dumps({**r, **{k: json.loads(r[k]) for k in ("sources_bad", "sources_good", "drivers")}}) + "\n"
                for r in rows
            )
        )
        return
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "p_bad", "p_bad_votes", "sources_bad", "sources_good", "drivers"])
        writer.writeheader()
        writer.writerows(rows)


def _explain_text(d: dict[str, Any]) -> str:
    reviewed = [x.removeprefix("reviewed: ") for x in d["drivers"] if x.startswith("reviewed: ")]
    why = (
        f"  a person reviewed it: {reviewed[0]} (critic review export shows who, when, the mode and the note)"
        if reviewed
        else f"  pushed up by: {', '.join(d['drivers']) or 'nothing stands out'}"
    )
    return "\n".join(
        [
            f"{d['id']}: P(bad) {d['p_bad']:.3f} ({'the verdict' if reviewed else 'end model'}); "
            f"{d['p_bad_votes']:.3f} from the votes alone",
            why,
            f"  voted bad: {', '.join(d['sources_bad']) or 'none'}; "
            f"voted good: {', '.join(d['sources_good']) or 'none'}",
        ]
    )


def _label_text(r: LabelResult) -> str:
    lines = [
        f"{r.interactions} interactions, label model: {r.label_model} ({r.note})",
        f"likely bad (P(bad) > {LIKELY_BAD_ABOVE}): {r.likely_bad} of {r.interactions} "
        f"({r.likely_bad / max(r.interactions, 1):.1%})",
    ]
    if r.gold:
        g = r.gold
        auc = "-" if g["auc"] is None else f"{g['auc']:.3f}"
        at_k = "-" if g["precision_at_k"] is None else f"{g['precision_at_k']:.2f}"
        lines.append(
            f"on {g['reviewed']} reviewed ({g['bad']} bad; P(bad) before the verdicts, out of fold): "
            f"ROC AUC {auc}, precision@{g.get('k', 0)} {at_k}; reviewed interactions take their verdict"
        )
    if r.end_model:
        weights = ", ".join(f"{w['feature']} {w['weight']:+.2f}" for w in r.end_model.as_dict(5)["top_weights"])
        lines.append(f"end model: {r.end_model.note}" + (f"; largest weights: {weights}" if weights else ""))
    header = (
        f"{'source':<34} {'coverage':>8} {'conflicts':>9} {'accuracy':>8} {'agrees':>6} {'end wt':>7} "
        f"{'bad':>5} {'good':>5}"
    )
    lines += ["", header]
    for s in r.sources:
        accuracy = "-" if s.weight is None else f"{s.weight:.3f}"
        agrees = "-" if s.agreement is None else f"{s.agreement:.2f}"
        end = "-" if s.end_weight is None else f"{s.end_weight:+.2f}"
        extra = (
            (f"  faulty {s.faulty}" if s.faulty else "")
            + (f"  gold accuracy {s.gold_accuracy:.3f} (of {s.gold_votes})" if s.gold_accuracy is not None else "")
            + (f"  NOT TRUSTED: {s.distrusted_because}" if not s.trusted else "")
        )
        lines.append(
            f"{s.name:<34} {s.coverage:>8.3f} {s.conflicts:>9.3f} {accuracy:>8} {agrees:>6} {end:>7} "
            f"{s.votes_bad:>5} {s.votes_good:>5}{extra}"
        )
    return "\n".join(lines)


@click.command("compare")
@db_option
@click.option("--by", type=Choice(DIMENSIONS), required=True, help="What the variants differ in.")
@click.option("--a", "variant_a", help="Variant A (default: the most frequent).")
@click.option("--b", "variant_b", help="Variant B (default: the next most frequent).")
@click.option("--rubric", "rubrics", multiple=True, help="Rubrics to compare (default: every judged rubric).")
@click.option(
    "--judge",
    "judge_spec",
    envvar="CRITIC_JUDGE",
    help="Compare this judge's scores (default: per rubric, the judge and rubric version judged last).",
)
@format_option("text", "json", "csv")
def compare_cmd(
    db: str,
    by: str,
    variant_a: str | None,
    variant_b: str | None,
    rubrics: tuple[str, ...],
    judge_spec: str | None,
    fmt: str,
) -> None:
    """Prefer one variant over another from pointwise P(bad) and rubric scores, never pairwise judging.

    \b
    Example: critic compare --by prompt_version --a v1 --b v2
    """
    from critic.combine.compare import compare
    from critic.judge.backends import canonical_spec
    from critic.store import Store

    judge = canonical_spec(judge_spec) if judge_spec else None
    with Store.open(db) as store:
        result = compare(store, by, variant_a, variant_b, rubrics, judge)
    payload = result.as_dict()
    rows = [{"by": result.by, "a": result.a, "b": result.b, **_flat(m)} for m in payload["metrics"]]
    emit(rows if fmt == "csv" else payload, fmt, lambda _d: _compare_text(result))


def _flat(metric: dict[str, Any]) -> dict[str, Any]:
    """A metric's intervals as _lo/_hi columns, for --format csv."""
    out: dict[str, Any] = {}
    for key, value in metric.items():
        if isinstance(value, (list, tuple)) and len(value) == 2:
            out[f"{key}_lo"], out[f"{key}_hi"] = value
        else:
            out[key] = value
    return out


def _compare_text(c: Comparison) -> str:
    lines = [f"A = {c.by} {c.a}   B = {c.by} {c.b}"]
    for m in c.metrics:
        if m.diff is None or m.diff_ci is None or m.a_ci is None or m.b_ci is None:
            lines.append(f"{m.name:<18} {m.verdict} (n {m.n_a} vs {m.n_b})")
            continue
        lines.append(
            f"{m.name:<18} A {m.a_mean:.3f} [{m.a_ci[0]:.3f}, {m.a_ci[1]:.3f}] n={m.n_a}   "
            f"B {m.b_mean:.3f} [{m.b_ci[0]:.3f}, {m.b_ci[1]:.3f}] n={m.n_b}   "
            f"A−B {m.diff:+.3f} [{m.diff_ci[0]:+.3f}, {m.diff_ci[1]:+.3f}] "
            f"({'paired on input' if m.paired else 'unpaired'})   P(A better) {m.p_a_better:.2f}   "
            f"{m.verdict}"
        )
    return "\n".join(lines)
