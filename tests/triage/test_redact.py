from __future__ import annotations

import pytest

from critic.triage.redact import redact, redact_tree


@pytest.mark.parametrize(("text", "expected"), [
    ("My email is user12@example.com", "My email is [EMAIL]"),
    ("write to a.b+tag@mail.co.uk now", "write to [EMAIL] now"),
    ("call me at +1 415 555 0042", "call me at [PHONE]"),
    ("phone (415) 555-1234 or 415.555.1234", "phone [PHONE] or [PHONE]"),
    ("my card ends 4111 1111 1111 0042", "my card ends [CARD]"),
    ("card 4111-1111-1111-1111 ok", "card [CARD] ok"),
    ("from 192.168.1.20 and 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "from [IP] and [IP]"),
])
def test_pii_is_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "the plan would cost 426 million over 31 years and create 1503 jobs, a 40% rise",
    "water boils at 100 °c (212 °f) at sea level; version 1.2.3 shipped on 2026-11-18",
    "order s7-0000042 left the warehouse",
])
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact(text) == text


def test_redact_tree_reaches_nested_strings_only() -> None:
    assert redact_tree({"a": ["x@y.io", 3], "b": {"c": "10.0.0.1"}}) == {"a": ["[EMAIL]", 3], "b": {"c": "[IP]"}}
