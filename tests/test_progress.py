"""Progress off a terminal: a readable line at most every N seconds, never a flood of carriage returns."""

from __future__ import annotations

import io

from critic.progress import Progress


def test_off_a_terminal_lines_are_throttled() -> None:
    stream = io.StringIO()
    with Progress(1000, "judging", unit="call", stream=stream, every_s=3600) as bar:
        for _ in range(1000):
            bar.update()
    assert stream.getvalue() == "" and bar.done == 1000  # nothing within the interval, and no \r


def test_off_a_terminal_a_line_says_how_far() -> None:
    stream = io.StringIO()
    with Progress(4, "judging", unit="call", stream=stream, every_s=0) as bar:
        bar.update(2)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("judging: 2/4 (50%) calls") and "\r" not in stream.getvalue()
