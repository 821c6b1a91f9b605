"""PII redaction for everything a report shows: emails, phone numbers, card-like numbers, IP addresses."""

from __future__ import annotations

import re
from typing import Any

# Order matters: cards before phones (a card number also looks like a long phone number).
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("card", re.compile(r"\b(?:\d[ -]?){12,18}\d\b")),
    ("ip", re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")),
    ("ip", re.compile(r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b")),
    ("phone", re.compile(r"(?<![\w+])(?:\+?\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}\b")),
]


def redact(text: str | None) -> str | None:
    """TEXT with each email, card-like number, IP address and phone number replaced by [EMAIL] etc."""
    if not text:
        return text
    for kind, pattern in PATTERNS:
        text = pattern.sub(f"[{kind.upper()}]", text)
    return text


def redact_tree(value: Any) -> Any:
    """Every string inside VALUE (dicts, lists) redacted; other values unchanged."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_tree(v) for v in value]
    return value
