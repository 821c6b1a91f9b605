"""Render a triage report (the dict from build_report) as a self-contained HTML page and as Markdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from critic.data import resource
from critic.triage.plots import all_plots
from critic.triage.report import dumps

TEMPLATES = resource("templates")


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML file: inline CSS and SVG plots, no scripts from elsewhere, no network."""
    return _env(autoescape=True).get_template("report.html.j2").render(r=report, plots=all_plots(report))


def render_md(report: dict[str, Any]) -> str:
    """The report as Markdown fit for a chat post or an issue."""
    return _env(autoescape=False).get_template("report.md.j2").render(r=report)


def write_report(report: dict[str, Any], folder: Path) -> dict[str, Path]:
    """Write report.html, report.md and report.json into FOLDER; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"html": folder / "report.html", "md": folder / "report.md", "json": folder / "report.json"}
    for kind, text in (("json", dumps(report)), ("md", render_md(report)), ("html", render_html(report))):
        tmp = paths[kind].with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(paths[kind])  # a reader never sees half a report
    return paths


def _env(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             finalize=lambda v: "–" if v is None else v)  # a missing value reads "–", never "None"
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f}%"
    env.filters["signed"] = _signed
    env.filters["clip"] = lambda s, n=240: "" if s is None else (s if len(s) <= n else s[: n - 1] + "…")
    return env


def _signed(value: Any, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:+.1f} pts" if pct else f"{value:+,.4g}"
