# SPDX-License-Identifier: Apache-2.0
"""Text a person cannot see but a model reads: removed before any judge reads it, read back for the detector.

`visible` is what the judge gets (critic.rubrics.delimit); `hidden_text` is what the invisible
characters spell, for critic.signals.manipulation: Unicode tag letters (flag emoji aside), two
zero-width characters used as bits, variation selectors used as bytes ("emoji smuggling"), and
letters under a right-to-left override.
"""

from __future__ import annotations

import re
import unicodedata

_JOINERS = "\u200c\u200d"


def _selector(c: str) -> bool:
    code = ord(c)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _shown(c: str) -> bool:
    """A character a person sees (a letter, mark, symbol …): not a format character, not a selector, not ASCII."""
    return not c.isascii() and unicodedata.category(c) != "Cf" and not _selector(c)


def visible(text: str) -> str:
    """TEXT without the invisible characters a person never sees but a model reads: format characters (Unicode tag
    letters, zero-width spaces and joiners, word joiners, byte-order marks, bidirectional overrides and isolates,
    soft hyphens) and variation selectors. Kept: a joiner between two characters a person sees (emoji sequences,
    Indic and Persian words), and one emoji-presentation selector (U+FE0E, U+FE0F) right after such a character."""
    if text.isascii():
        return text
    last = len(text) - 1
    kept = []
    for i, c in enumerate(text):
        if _selector(c):
            single = c in "\ufe0e\ufe0f" and i > 0 and _shown(text[i - 1]) and (i == last or not _selector(text[i + 1]))
            if single:
                kept.append(c)
        elif unicodedata.category(c) != "Cf":
            kept.append(c)
        elif c in _JOINERS and 0 < i < last and _shown(text[i - 1]) and _shown(text[i + 1]):
            kept.append(c)
    return "".join(kept)


def hidden_text(text: str) -> str:
    """What TEXT spells in characters a person cannot see: Unicode tag letters (flag emoji aside), zero-width
    characters used as bits, variation selectors used as bytes, and letters under a right-to-left override, read
    back; empty when there is none."""
    if text.isascii():
        return ""
    found = []
    tags = "".join(
        chr(ord(c) - 0xE0000) if 0xE0020 <= ord(c) <= 0xE007E else "\n" for c in text if 0xE0000 <= ord(c) <= 0xE007F
    )
    found += [t for t in tags.split("\n") if t and not _FLAG_TAGS.fullmatch(t)]
    found += _zero_width_bits(text)
    found.append(_variation_bytes(text))
    found += [m.group(1)[::-1] for m in _OVERRIDE.finditer(text)]
    return "\n".join(t for t in found if sum(c.isalpha() for c in t) >= 4)


_FLAG_TAGS = re.compile(r"[a-z]{2}[a-z0-9]{1,3}")  # a subdivision flag: 🏴 + gbsct + cancel tag
_OVERRIDE = re.compile(r"\u202e([^\u202c\u2069\n]{4,})")  # right-to-left override, up to its pop
_INVISIBLE_RUN = re.compile(r"[\u200b\u200c\u200d\u2060\u2062\u2063\u2064\ufeff]{16,}")


def _zero_width_bits(text: str) -> list[str]:
    """Runs of two invisible characters read as bits, eight to a byte, either way round."""
    decoded = []
    for run in _INVISIBLE_RUN.findall(text):
        kinds = sorted(set(run))
        if len(kinds) != 2:
            continue
        for zero in kinds:
            bits = "".join("0" if c == zero else "1" for c in run)
            raw = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits) - 7, 8))
            try:
                decoded.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                continue
    return [d for d in decoded if d.isprintable()]


def _variation_bytes(text: str) -> str:
    """Variation selectors read as bytes (VS1–16 → 0–15, VS17–256 → 16–255), the 'emoji smuggling' trick."""
    found = []
    for run in _SELECTOR_RUN.findall(text):  # runs of four or more: a lone emoji selector is no payload
        raw = bytes(ord(c) - 0xFE00 if ord(c) <= 0xFE0F else ord(c) - 0xE0100 + 16 for c in run)
        decoded = raw.decode("utf-8", errors="replace")
        if decoded.isprintable():
            found.append(decoded)
    return "\n".join(found)


_SELECTOR_RUN = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]{4,}")
