"""Terminal escapes in logged text never reach report.md raw: `cat report.md` must not run them."""

from __future__ import annotations

from critic.config import Config
from critic.store import Store
from critic.triage.period import last_full_week
from critic.triage.render import md_escape, render_md
from critic.triage.report import build_report

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\x7f\x00"
CONTROLS = [c for c in ESCAPES if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F]


def test_control_characters_are_shown_as_codes() -> None:
    assert md_escape("red \x1b[31mtext") == "red U+001B\\[31mtext"
    assert len(CONTROLS) == 6 and not any(c in md_escape(ESCAPES) for c in CONTROLS)
    assert md_escape("tab\tstays") == "tab\tstays"


def test_report_md_carries_no_raw_escape(labelled_store: Store) -> None:
    week = last_full_week(labelled_store)
    labelled_store.con.execute(
        "UPDATE interactions SET output = output || ?, input = ? WHERE ts >= ? AND ts < ?",
        [ESCAPES, "question" + ESCAPES, week.start, week.end],
    )
    markdown = render_md(build_report(labelled_store, Config(), week))
    assert "U+001B" in markdown and not any(c in markdown for c in CONTROLS)
