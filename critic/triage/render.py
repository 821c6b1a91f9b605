"""Render a triage report (the dict from build_report) as a self-contained HTML page and as Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable
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
    """The report as Markdown fit for a chat post or an issue: every value from the data is escaped.

    Logged text and names are untrusted: Markdown and HTML in them show as text, @mentions do not
    notify anyone, and links are defanged (`https[:]//…`), in GitHub, GitLab and Slack alike.
    """
    env = _env(autoescape=False, finalize=_md_value)
    env.filters["code"] = _code
    return env.get_template("report.md.j2").render(r=report)


def _code(value: Any) -> _Verbatim:
    """VALUE for the inside of a code span: one line, no backtick, and no | (GFM splits table cells on it)."""
    text = "–" if value is None else visible_controls(" ".join(str(value).splitlines()))
    return _Verbatim(text.replace("`", "'").replace("|", "¦"))


# C0 controls but tab and newline, DEL, and C1 controls: `cat report.md` in a terminal would run ESC sequences
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")


def visible_controls(text: str) -> str:
    """TEXT with every control character a terminal could act on shown as its code (U+001B), not sent raw."""
    return _CONTROL.sub(lambda m: f"U+{ord(m.group()):04X}", text)


class _Verbatim(str):
    """A value already made safe for Markdown (the inside of a code span)."""


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~!])")
_LINK = re.compile(r"(?i)\b(https?|ftp|sftp|ssh|file)://")
_WWW = re.compile(r"(?i)\bwww\.")


def md_escape(text: str) -> str:
    """TEXT safe to put in Markdown: one line, specials escaped, HTML, mentions and links neutralized, control
    characters shown as their code."""
    text = visible_controls(" ".join(text.splitlines()))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"@(?=\w)", "@\u200b", text)  # a zero-width space: @channel no longer mentions anyone
    text = _LINK.sub(r"\1[:]//", text)
    return _WWW.sub("www[.]", text)


def _md_value(value: Any) -> Any:
    if value is None:
        return "–"
    if isinstance(value, _Verbatim) or not isinstance(value, str):
        return value
    return md_escape(value)


def write_report(report: dict[str, Any], folder: Path) -> dict[str, Path]:
    """Write report.html, report.md and report.json into FOLDER; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"html": folder / "report.html", "md": folder / "report.md", "json": folder / "report.json"}
    for kind, text in (("json", dumps(report)), ("md", render_md(report)), ("html", render_html(report))):
        tmp = paths[kind].with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(paths[kind])  # a reader never sees half a report
    return paths


def _env(autoescape: bool, finalize: Callable[[Any], Any] | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize or (lambda v: "–" if v is None else v),
    )  # never "None"
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.1f}%"
    env.filters["signed"] = _signed
    env.filters["clip"] = lambda s, n=240: "" if s is None else (s if len(s) <= n else s[: n - 1] + "…")
    return env


def _signed(value: Any, pct: bool = False) -> str:
    if value is None:
        return "–"
    return f"{100 * value:+.1f} pts" if pct else f"{value:+,.4g}"
