# SPDX-License-Identifier: Apache-2.0
"""PII redaction for everything a report shows: emails, IBANs, card numbers, SSNs, IPs, phone numbers,
national identifiers, dates of birth and street addresses (critic.triage.identifiers).

Each kind is found by shape and then confirmed where a check exists, so look-alikes stay: an IBAN
must pass its mod-97 checksum, a card number the Luhn check, an IP address must parse, and a phone
number must be valid for some region by Google's libphonenumber metadata (the `phonenumbers`
package) — a national number such as `07700 900123` or `06 12 34 56 78` is tried in each region
of `REGIONS`. Reports redact text before cutting it short, and redact every string they show
(ids, feature names, metadata), keys included.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

import phonenumbers

from critic.secrets import scrub
from critic.triage.identifiers import redact_addresses, redact_birth_dates, redact_identifiers

# Regions whose national formats (no +country code) are recognised; international (+NN) numbers
# are recognised from any region.
REGIONS = ("US", "GB", "DE", "FR", "IN", "AU", "BR", "JP", "ES", "IT", "NL", "CA")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]{1,4}){3,8}\b")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\d])")
_CARD_WORD = re.compile(r"(?i)\b(card|visa|mastercard|amex|credit|debit|cc)\b")  # a mistyped card is still one
_SSN_WORD = re.compile(r"(?i)\b(ssn|social|soc\.? sec|tax id|tin|itin)\b")
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ]?)(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?!\.?\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])")
_INTERNATIONAL = re.compile(r"\+\d[\d ()./-]{6,}\d")
_DIGITS7 = re.compile(r"(?:\d\D{0,3}){7}")  # a cheap test before the phone matcher runs


def redact(text: str | None) -> str | None:
    """TEXT with each email, IBAN, card number, SSN, IP address, phone number, national identifier, date of birth and
    street address replaced by [EMAIL], [IBAN], [CARD], [SSN], [IP], [PHONE], [NATIONAL_ID], [DOB], [ADDRESS]."""
    if not text:
        return text
    text = scrub(text) or text  # keys users paste into chats, and ones a gateway echoed
    text = _EMAIL.sub("[EMAIL]", text)
    text = redact_birth_dates(text)  # before the phones: 12.04.1985 after "geboren am" is a date
    text = redact_identifiers(text)  # before cards and phones: a checksum names the number
    text = redact_addresses(text)
    text = _IBAN.sub(lambda m: _iban(m.group()), text)
    text = _CARD.sub(lambda m: "[CARD]" if _luhn(m.group()) or _said(_CARD_WORD, m, 24) else m.group(), text)
    # nine bare digits are an SSN only where the text says so; with separators, always
    text = _SSN.sub(lambda m: "[SSN]" if m.group(1) or _said(_SSN_WORD, m, 40) else m.group(), text)
    text = _IPV6.sub(lambda m: "[IP]" if _ipv6(m.group()) else m.group(), text)
    text = _IPV4.sub("[IP]", text)
    return _phones(text)


def redact_tree(value: Any, redactor: Callable[[str | None], str | None] = redact) -> Any:
    """Every string inside VALUE (dict keys and values, lists) redacted; other values unchanged."""
    if isinstance(value, str):
        return redactor(value)
    if isinstance(value, dict):
        return {redactor(k) if isinstance(k, str) else k: redact_tree(v, redactor) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_tree(v, redactor) for v in value]
    return value


def _said(words: re.Pattern[str], match: re.Match[str], width: int) -> bool:
    """WORDS occur in the WIDTH characters before MATCH (a card number after "card", an SSN after "SSN")."""
    return words.search(match.string, max(0, match.start() - width), match.start()) is not None


def _iban(candidate: str) -> str:
    """[IBAN] for the longest prefix of CANDIDATE (in its groups) that is a valid IBAN; else CANDIDATE."""
    groups = re.split(r"[ -]", candidate)
    for n in range(len(groups), 0, -1):
        compact = "".join(groups[:n]).upper()
        if 15 <= len(compact) <= 34 and _mod97(compact):
            rest = (
                candidate[len(" ".join(groups[:n])) :] if " " in candidate else candidate[len("-".join(groups[:n])) :]
            )
            return "[IBAN]" + rest
    return candidate


def _mod97(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    if not rearranged.isalnum():
        return False
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _luhn(candidate: str) -> bool:
    digits = [int(c) for c in candidate if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        total += d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
    return total % 10 == 0


def _ipv6(candidate: str) -> bool:
    """A real IPv6 address with at least three groups (so `::2` in `xs[::2]` and `std::` stay)."""
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return len([g for g in re.split(r"[:.]", candidate) if g]) >= 3


def _phones(text: str) -> str:
    if not _DIGITS7.search(text):
        return text
    spans: list[tuple[int, int]] = []
    for region in REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            if not _inside_identifier(text, match.start) and _looks_dialled(match.raw_string, text, match.start):
                spans.append((match.start, match.end))
    for found in _INTERNATIONAL.finditer(text):  # +CC numbers in ranges the metadata calls unassigned
        try:
            number = phonenumbers.parse(found.group(), None)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_possible_number(number):
            spans.append(found.span())
    for start, end in sorted(_merge(spans), reverse=True):
        text = text[:start] + "[PHONE]" + text[end:]
    return text


_PHONE_WORD = re.compile(r"(?i)(tel|phone|call|mobile|cell|whatsapp|fax|ring|text|sms|number|contact|reach)\W")


def _looks_dialled(number: str, text: str, start: int) -> bool:
    """A national-format match written as people write phone numbers, not a version, range or count.

    Rejects `126.0.6478.127` (a one-digit dotted group), `49152-65535` (two bare groups) and a bare
    run of digits such as an epoch `1748789529`, unless a trunk 0 or a word like 'call' or 'phone'
    says it is one.
    """
    if number.startswith("+"):
        return True
    groups = re.split(r"[ .\-/()]+", number.strip("()"))
    if "." in number and (any(len(g) == 1 for g in groups) or _is_date(groups) or not _dotted_phone(number, groups)):
        return False
    if _NOT_PHONE_WORD.search(text, max(0, start - 30), start):
        return False
    context = _PHONE_WORD.search(text, max(0, start - 30), start) is not None
    if len(groups) == 1 and not (number.startswith("0") or context):
        return False
    return not (len(groups) == 2 and "-" in number and not number.startswith(("0", "(")) and not context)


# "company number 08412736", "order no. 0412 5567": a number named as something else is no phone
# ("Customer: (415) 555-2671" is a phone: a generic noun counts only with its "number", "no." or "#")
_NOT_PHONE_WORD = re.compile(
    r"(?i)\b((company|registration|reg\.?|account|customer|reference|ref\.?|tracking|case|ticket|policy|model|part|"
    r"item|vat|tax|batch|lot)\s*(no\.?|number|nr\.?|#|id)|(order|invoice|serial|sku)\s*(no\.?|number|nr\.?|#|id)?)"
    r"\s*[:#]?\s*$"
)


def _is_date(groups: list[str]) -> bool:
    """Dotted groups that read as a date: 03.11.2025, 01.04.25, 2025.04.01."""
    if len(groups) != 3 or not all(g.isdigit() for g in groups):
        return False
    day, month, year = (groups[2], groups[1], groups[0]) if len(groups[0]) == 4 else groups
    return len(year) in (2, 4) and 1 <= int(month) <= 12 and 1 <= int(day) <= 31 and len(day) <= 2


def _dotted_phone(number: str, groups: list[str]) -> bool:
    """Dots as people write phone numbers: a trunk 0 (06.12.34.56.78), or the US 555.123.4567."""
    return number.startswith("0") or [len(g) for g in groups] == [3, 3, 4] or len(groups) >= 4


def _inside_identifier(text: str, start: int) -> bool:
    """The digits at START continue a word or code (`INV-2024-000123`) or follow 'ISBN': not a phone."""
    before = text[max(0, start - 6) : start]
    return bool(before) and (before[-1].isalnum() or before[-1] in "-_/#") or "ISBN" in before.upper()


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
