"""Small JSONL side files (golden sets, outputs, recorded scores), read with FILE:LINE errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from critic.errors import InputError


def records(path: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; invalid JSON, bad UTF-8 or a non-object fails with FILE:LINE."""
    with Path(path).open("rb") as f:
        for lineno, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                raise InputError(path, lineno, f"invalid UTF-8 at byte {exc.start}; save the file as UTF-8") from exc
            except json.JSONDecodeError as exc:
                raise InputError(path, lineno, f"invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise InputError(path, lineno, "each line must be a JSON object")
            yield lineno, record
