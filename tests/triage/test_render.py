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
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def written(labelled_store: Store, tmp_path: Path) -> tuple[dict, dict[str, Path]]:
    report = build_report(labelled_store, Config(), week_period("2026-W47"))
    return report, write_report(report, tmp_path / "report")


def test_html_is_self_contained(written: tuple[dict, dict[str, Path]]) -> None:
    html = written[1]["html"].read_text()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), (
        "the report must not load anything from the network"
    )
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
            pytest.fail(
                "Chromium is required (CRITIC_REQUIRE_BROWSER is set) but not installed: apt-get install chromium"
            )
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


def _sparse_store(path: Path) -> Store:
    """A week of support chat, no latency and no cost logged, refusals (one after 20 user turns), one empty reply."""
    import json

    from critic.combine.label import run_label
    from critic.ingest import ingest_files
    from critic.store import Window

    records, events = [], []
    for i in range(60):
        ts = f"2026-11-{16 + i % 7:02d}T{8 + i % 10:02d}:00:00Z"
        record = {
            "id": f"x{i:03d}",
            "ts": ts,
            "feature": "support",
            "input": f"How do I change plan option {i}?",
            "output": f"Open Settings, then Billing, and pick option {i}. The change applies at once.",
        }
        if i < 10:  # refusals, flagged by users
            record["output"] = "I'm sorry, but I can't help with that request."
            events += [{"interaction_id": record["id"], "kind": k, "ts": ts} for k in ("thumb_down", "regenerate")]
        elif i % 3 == 0:
            events.append({"interaction_id": record["id"], "kind": "thumb_up", "ts": ts})
        records.append(record)
    turns = []
    for k in range(1, 21):
        turns += [
            {"role": "user", "content": f"question {k} about the invoice"},
            {"role": "assistant", "content": f"answer {k}"},
        ]
    for record in records[:10]:
        record["input"] = turns[:-1]  # the refusals end chats of 20 user turns; the reply answers the last
    records.append(
        {
            "id": "x-empty",
            "ts": "2026-11-18T09:00:00Z",
            "feature": "support",
            "input": "Hello?",
            "output": "",
            "finish_reason": "length",
        }
    )
    events.append({"interaction_id": "x-empty", "kind": "thumb_down", "ts": "2026-11-18T09:01:00Z"})
    (path / "i.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    store = Store.open(path / "sparse.duckdb")
    ingest_files(store, [str(path / "i.jsonl"), str(path / "e.jsonl")], Config())
    run_label(store, Config(), Window())
    return store


def test_sparse_store_reads_as_a_person_expects(tmp_path: Path) -> None:
    """No latency, no cost, an unclustered likely-bad reply, a 20-turn chat: nothing printed as None, all reachable."""
    with _sparse_store(tmp_path) as store:
        report = build_report(store, Config(), week_period("2026-W47"))
    paths = write_report(report, tmp_path / "report")
    html, md = paths["html"].read_text(), paths["md"].read_text()
    assert report["latency"]["slowest_1pct"]["of"] == 0
    assert "No latency logged this period." in html and "No latency logged this period." in md
    assert 'id="plot-latency_by_day"' not in html
    assert "None" not in html and "None" not in md and "$None" not in md
    assert [u["id"] for u in report["unclustered"]] == ["x-empty"]
    assert "x-empty" in html and "x-empty" in md
    example = report["clusters"][0]["examples"][0]
    assert example["input"] == "question 20 about the invoice" and example["turns"] == 20
    assert "last of 20 user turns" in html and "2026-11-16 to 2026-11-23" in html
    if CHROMIUM is None:
        if os.environ.get("CRITIC_REQUIRE_BROWSER"):
            pytest.fail(
                "Chromium is required (CRITIC_REQUIRE_BROWSER is set) but not installed: apt-get install chromium"
            )
        return
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(paths["html"].as_uri())
        assert page.locator("#no-latency").is_visible() and page.locator("#unclustered").is_visible()
        assert "question 20 about the invoice" in page.locator("section.cluster").first.inner_text()
        assert "None" not in page.locator("body").inner_text()
        browser.close()
    assert errors == []
