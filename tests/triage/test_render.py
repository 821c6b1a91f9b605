"""The rendered report: self-contained HTML checked in a real headless Chromium, and Markdown."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from critic.config import Config
from critic.store import Store
from critic.triage.period import week_period
from critic.triage.render import render_md, write_report
from critic.triage.report import build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags for a closed network: without the background ones Chromium keeps trying to reach Google.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def written(labelled_store: Store, tmp_path: Path) -> tuple[dict, dict[str, Path]]:
    report = build_report(labelled_store, Config(), week_period("2026-W47"))
    return report, write_report(report, tmp_path / "report")


def test_html_is_self_contained(written: tuple[dict, dict[str, Path]]) -> None:
    html = written[1]["html"].read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "the report must not load anything from the network"
    assert "<script" not in html
    assert html.count("<svg") >= 3, "plots are inline SVG"


def test_markdown_lists_every_cluster(written: tuple[dict, dict[str, Path]]) -> None:
    report, paths = written
    md = paths["md"].read_text()
    assert md == render_md(report)
    for c in report["clusters"]:
        assert f"`{c['key']}`" in md


def test_html_in_headless_chromium(written: tuple[dict, dict[str, Path]], tmp_path: Path) -> None:
    if CHROMIUM is None:
        if os.environ.get("CRITIC_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (CRITIC_REQUIRE_BROWSER is set) but not installed: apt-get install chromium")
        pytest.skip("Chromium not installed (apt-get install chromium); .ci/run installs it and requires this test")
    from playwright.sync_api import sync_playwright

    report, paths = written
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("requestfailed", lambda req: errors.append(f"request failed: {req.url}"))
        page.goto(paths["html"].as_uri())
        sections = page.locator("section.cluster")
        assert sections.count() == len(report["clusters"])
        first = report["clusters"][0]
        assert page.locator(f"#cluster-{first['key']}").is_visible()
        assert first["name"] in page.locator(f"#cluster-{first['key']} h3").inner_text()
        assert page.locator("figure svg").count() >= 3
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert errors == []
    assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
