# SPDX-License-Identifier: Apache-2.0
"""Scrub secrets from every text critic stores, prints or reports.

Provider errors are untrusted text: gateways and proxies echo the request's `Authorization` or
`x-api-key` header in their 4xx bodies. critic passes such text through `scrub` at its two exits:
the store's judgment writer (critic.judge.run.Writer) and the CLI (every line it prints). The
keys critic knows (any environment variable named like a key, token or secret) are replaced
verbatim; key-shaped strings (`sk-…`, `sk-ant-…`, `Bearer …`, `key: …`) are replaced by shape,
so a key critic never read is caught too.
"""

from __future__ import annotations

import os
import re

MASK = "[secret]"
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$|SECRET|^AUTHORIZATION$", re.IGNORECASE)
_MIN_SECRET = 8  # shorter values ("1", "true") would mask ordinary text
_CREDENTIAL = r"[A-Za-z0-9._~+/=\-]"
_SHAPES = (
    (re.compile(r"\b(sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{12,})"), MASK),
    # a header or setting named like a key: its value, after an optional scheme word (kept)
    (
        re.compile(
            r"(?i)(?<![A-Za-z0-9])(x-api-key|api[_-]?key|authorization|x-goog-api-key|api-token|"
            r"access[_-]?token|secret[_-]?key)([\"']?\s*[:=]\s*[\"']?)((?:bearer|basic|token)\s+)?"
            r"(?!\[secret\])[^\s\"',;}]{4,}"
        ),
        rf"\1\2\3{MASK}",
    ),
    # Bearer/Basic anywhere: a credential has a digit or '=', or is long; "basic understanding" is no secret
    (
        re.compile(
            rf"(?i)\b(bearer|basic)(\s+)(?=(?!\[secret\]){_CREDENTIAL}*[\d=]|{_CREDENTIAL}{{20}})"
            rf"{_CREDENTIAL}{{8,}}"
        ),
        rf"\1\2{MASK}",
    ),
)


def known_secrets() -> list[str]:
    """Values of environment variables named like keys, tokens or secrets; longest first."""
    values = {v for k, v in os.environ.items() if _SECRET_NAME.search(k) and len(v) >= _MIN_SECRET}
    return sorted(values, key=len, reverse=True)


def scrub(text: str | None, secrets: list[str] | None = None) -> str | None:
    """TEXT with every known secret (SECRETS, default known_secrets()) and key-shaped string replaced by '[secret]'."""
    if not text:
        return text
    for secret in known_secrets() if secrets is None else secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text
