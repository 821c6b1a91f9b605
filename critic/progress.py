"""Progress for long-running work: a bar on a terminal, a plain line at most every 10 s otherwise.

Library functions take a `progress` callback; the CLI passes `Progress(...).update`. A CI log
or a redirected stderr gets a few readable lines instead of a flood of carriage returns.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

LINE_EVERY_S = 10.0


class Progress:
    """Counts work done out of TOTAL (None when unknown) and shows it on stderr."""

    def __init__(
        self,
        total: int | None,
        desc: str,
        *,
        unit: str = "item",
        stream: TextIO | None = None,
        every_s: float = LINE_EVERY_S,
    ) -> None:
        self.total, self.desc, self.unit, self.done = total, desc, unit, 0
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self._bar: Any = None
        self._started = self._last = time.monotonic()
        self._shown = 0
        if self.stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit, file=self.stream, delay=1.0)

    def update(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        now = time.monotonic()
        if now - self._last >= self.every_s:
            self._last = now
            self._line()

    def note(self, text: str) -> None:
        """A stage of work whose size is not counted ('embedding', 'fitting the label model')."""
        if self._bar is not None:
            self._bar.set_postfix_str(text)
        elif time.monotonic() - self._started >= 1.0:
            print(f"{self.desc}: {text}", file=self.stream, flush=True)

    def _line(self) -> None:
        self._shown = self.done
        of = f"/{self.total} ({self.done / self.total:.0%})" if self.total else ""
        elapsed = time.monotonic() - self._started
        print(f"{self.desc}: {self.done}{of} {self.unit}s, {elapsed:.0f} s", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif time.monotonic() - self._started >= self.every_s and self.done != self._shown:
            self._line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()
