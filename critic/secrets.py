# SPDX-License-Identifier: Apache-2.0
"""Scrub secrets from every text critic stores, prints or reports.

Provider errors are untrusted text: gateways and proxies echo the request's `Authorization` or
`x-api-key` header in their 4xx bodies. critic passes such text through `scrub` at its two exits:
the store's judgment writer (critic.judge.run.Writer) and the CLI (every line it prints). The
keys critic knows (any environment variable named like a key, token or secret) are replaced
verbatim, and in the forms a gateway echoes them (URL-encoded, base64); key-shaped strings are
replaced by shape, so a key critic never read is caught too: OpenAI and Anthropic keys, `Bearer …`,
`key: …`, AWS access key ids, GitHub, Slack, Stripe and Google API tokens, JWTs, PEM private keys,
and a long random-looking token right after a word like key, token, secret or password. The
triage report passes every string through `scrub` too (critic.triage.redact): users paste keys
into chats.
"""

from __future__ import annotations

import base64
import math
import os
import re
from collections import Counter
from urllib.parse import quote

MASK = "[secret]"
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$|SECRET|^AUTHORIZATION$", re.IGNORECASE)
_MIN_SECRET = 8  # shorter values ("1", "true") would mask ordinary text
_CREDENTIAL = r"[A-Za-z0-9._~+/=\-]"
_SHAPES = (
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.DOTALL), MASK),
    (re.compile(r"\b(sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{12,})"), MASK),
    (re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b"), MASK),  # AWS access key ids
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})"), MASK),  # GitHub
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), MASK),  # Slack
    (re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"), MASK),  # Stripe
    (re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), MASK),  # Google API keys
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{6,}\.eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{6,}"), MASK),  # JWT
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


# a long random-looking token shortly after a word that says what it is ("my api key is 9f8e…")
_NAMED_TOKEN = re.compile(
    r"(?i)\b(key|token|secret|password|passwd|pwd|credential)s?\b[^\n]{0,24}?(?<![A-Za-z0-9])"
    r"([A-Za-z0-9+/_\-]{20,}={0,2})(?![A-Za-z0-9])"
)
_RANDOM_BITS = 3.5  # bits per character: above it a token is random-looking (English words sit near 3)


def known_secrets() -> list[str]:
    """Values of environment variables named like keys, tokens or secrets, and the forms a gateway echoes them in
    (URL-encoded, base64 at each alignment); longest first."""
    values = {v for k, v in os.environ.items() if _SECRET_NAME.search(k) and len(v) >= _MIN_SECRET}
    forms = set(values)
    for value in values:
        forms.add(quote(value, safe=""))
        forms.update(_base64_forms(value))
    return sorted((f for f in forms if len(f) >= _MIN_SECRET), key=len, reverse=True)


def _base64_forms(value: str) -> list[str]:
    """The base64 characters that encode VALUE wherever it sits in a longer base64-encoded text: at each of the
    three byte alignments, the 4-character groups made of VALUE's bytes alone."""
    raw = value.encode("utf-8")
    forms = []
    for offset in range(3):
        encoded = base64.b64encode(bytes(offset) + raw).decode("ascii")
        start = 4 if offset else 0  # the first group mixes in the bytes before VALUE
        end = ((offset + len(raw)) // 3) * 4  # the last partial group mixes in the bytes after it
        forms.append(encoded[start:end])
    return forms


def _random_looking(token: str) -> bool:
    counts = Counter(token)
    bits = -sum(n / len(token) * math.log2(n / len(token)) for n in counts.values())
    return bits >= _RANDOM_BITS and any(c.isdigit() for c in token)


def scrub(text: str | None, secrets: list[str] | None = None) -> str | None:
    """TEXT with every known secret (SECRETS, default known_secrets()) and key-shaped string replaced by '[secret]'."""
    if not text:
        return text
    for secret in known_secrets() if secrets is None else secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return _NAMED_TOKEN.sub(
        lambda m: m.group().replace(m.group(2), MASK) if _random_looking(m.group(2)) else m.group(), text
    )
