"""A GateResult as text, Markdown (for a pull-request comment) and JUnit XML (one testcase per rubric)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from critic.check.gate import GateResult, RubricVerdict


def _line(r: RubricVerdict) -> str:
    if r.baseline_mean is None or r.candidate_mean is None or r.diff_ci is None:
        return f"{r.rubric}: {r.verdict} ({r.reason})"
    return (
        f"{r.rubric}: {r.verdict} — baseline {r.baseline_mean:.2f}, candidate {r.candidate_mean:.2f}, "
        f"Δ {r.diff:+.2f} [{r.diff_ci[0]:+.2f}, {r.diff_ci[1]:+.2f}], n={r.n}, "
        f"dropped ≥2 labels {r.dropped_2_plus:.0%}; {r.reason}"
    )


def text(result: GateResult) -> str:
    lines = [("PASS" if result.passed else "FAIL") + f" (exit {result.exit_code})"]
    for r in result.rubrics:
        lines.append("  " + _line(r))
        for w in r.worst[:3] if r.verdict == "regressed" else []:
            lines.append(f"      {w['id']}: {w['baseline']} → {w['candidate']}  {str(w['output'])[:90]!r}")
    return "\n".join(lines)


def markdown(result: GateResult) -> str:
    lines = [
        f"### critic check: {'✅ pass' if result.passed else '❌ fail'}",
        "",
        "| rubric | verdict | baseline | candidate | Δ (95% CI) | p | dropped ≥ 2 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in result.rubrics:
        if r.baseline_mean is None or r.candidate_mean is None or r.diff_ci is None:
            lines.append(f"| {r.rubric} | {r.verdict} | | | | | |")
            continue
        lines.append(
            f"| {r.rubric} | **{r.verdict}** | {r.baseline_mean:.2f} | {r.candidate_mean:.2f} | "
            f"{r.diff:+.2f} ({r.diff_ci[0]:+.2f}, {r.diff_ci[1]:+.2f}) | {r.p_value:.3g} | {r.dropped_2_plus:.0%} |"
        )
    for r in result.rubrics:
        if r.verdict == "regressed" and r.worst:
            lines += ["", f"<details><summary>Worst regressions on {r.rubric}</summary>", ""]
            lines += [f"- `{w['id']}` {w['baseline']} → {w['candidate']}: {str(w['output'])[:200]}" for w in r.worst]
            lines.append("</details>")
    return "\n".join(lines) + "\n"


def junit(result: GateResult) -> str:
    suite = ET.Element(
        "testsuite",
        name="critic check",
        tests=str(len(result.rubrics)),
        failures=str(sum(r.verdict == "regressed" for r in result.rubrics)),
        errors="0",
    )
    for r in result.rubrics:
        case = ET.SubElement(suite, "testcase", classname="critic.check", name=r.rubric)
        if r.verdict == "regressed":
            failure = ET.SubElement(case, "failure", message=r.reason, type="regressed")
            failure.text = _line(r)
        elif r.verdict == "insufficient evidence":
            ET.SubElement(case, "skipped", message=r.reason)
        else:
            ET.SubElement(case, "system-out").text = _line(r)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
