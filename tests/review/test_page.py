"""The review page in a real headless Chromium: three verdicts by keyboard, then the store holds them."""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from critic.review.page import ReviewServer
from critic.review.queue import build_queue
from critic.store import Store
from critic.store.review import verdicts
from critic.triage.period import last_full_week
from tests.triage.test_render import CHROMIUM, FLAGS


@pytest.fixture
def served(labelled_store: Store) -> Iterator[ReviewServer]:
    week = last_full_week(labelled_store)
    build_queue(labelled_store, week.start, week.end, week.label, 6)
    server = ReviewServer(labelled_store, "ana", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_write_without_the_token_is_refused(served: ReviewServer) -> None:
    url = served.url.split("?")[0] + "api/verdict"
    body = json.dumps({"interaction_id": "x", "verdict": "bad", "token": "guess"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, data=body, method="POST"), timeout=5)
    assert refused.value.code == 403
    refused.value.close()
    assert verdicts(served.store) == []


def test_review_three_items_by_keyboard_in_chromium(served: ReviewServer) -> None:
    if CHROMIUM is None:
        if os.environ.get("CRITIC_REQUIRE_BROWSER"):
            pytest.fail(
                "Chromium is required (CRITIC_REQUIRE_BROWSER is set) but not installed: apt-get install chromium"
            )
        pytest.skip("Chromium not installed (apt-get install chromium); .ci/run installs it and requires this test")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        blocked: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(served.url.split("?")[0]) else blocked.append(r.url))
        page.goto(served.url)
        progress = page.locator("#progress")
        expect(progress).to_have_text("6 to review")
        first = page.locator("#meta").inner_text().split(" · ")[0]
        page.keyboard.press("m")
        page.keyboard.type("refusal")
        page.keyboard.press("Escape")
        page.keyboard.press("b")
        expect(progress).to_have_text("5 to review")
        second = page.locator("#meta").inner_text().split(" · ")[0]
        page.keyboard.press("f")
        expect(progress).to_have_text("4 to review")
        skipped = page.locator("#meta").inner_text().split(" · ")[0]
        page.keyboard.press("s")
        expect(page.locator("#meta")).not_to_contain_text(skipped)
        third = page.locator("#meta").inner_text().split(" · ")[0]
        page.keyboard.press("n")
        page.keyboard.type("fine, if terse")
        page.keyboard.press("Escape")
        page.keyboard.press("f")
        expect(progress).to_have_text("2 to review")  # one skipped: still queued, not shown again this visit
        browser.close()
    assert blocked == []  # no external assets
    found = {v["interaction_id"]: v for v in verdicts(served.store)}
    assert set(found) == {first, second, third} and skipped not in found
    assert found[first]["verdict"] == "bad" and found[first]["mode"] == "refusal"
    assert found[second]["verdict"] == "ok" and found[third]["note"] == "fine, if terse"
    assert all(v["reviewer"] == "ana" and v["source"] == "page" and v["reason"] for v in found.values())
