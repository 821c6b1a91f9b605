# SPDX-License-Identifier: Apache-2.0
"""National identifiers, dates of birth and street addresses, for critic.triage.redact.

National identifiers are found by shape and confirmed by their checksum with `python-stdnum` (a
maintained library of number formats and check algorithms). Where the checksum is weak (one
chance in ten or eleven of passing by accident) and the shape is a bare run of digits — a Dutch
BSN, a Canadian SIN, a German tax ID, a Danish CPR, a Brazilian CPF written without its dots — a
word naming the identifier must stand shortly before or after it, so order numbers stay. The UK National
Insurance number has no check digit; its letters' rules are checked instead.

A date of birth is a date shortly after a birth word in one of a dozen languages ("born on",
"DOB", "geboren am", "né le", "fecha de nacimiento"); other dates stay. A street address is a
house number with a street word of its language (US, UK, German, French, Spanish, Italian, Dutch
forms); a house number alone, a room or a route stays.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.be import nn
from stdnum.br import cpf
from stdnum.ca import sin
from stdnum.ch import ssn as ch_ssn
from stdnum.cl import rut
from stdnum.cn import ric
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.ie import pps
from stdnum.in_ import aadhaar, pan
from stdnum.it import codicefiscale
from stdnum.mx import curp
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.pl import pesel
from stdnum.pt import nif as pt_nif
from stdnum.se import personnummer
from stdnum.za import idnr as za_idnr


@dataclass(frozen=True)
class Identifier:
    """One kind of national identifier: its candidate shape, its check, and the word it needs nearby if any."""

    name: str
    shape: re.Pattern[str]
    valid: Callable[[str], bool]
    word: re.Pattern[str] | None = None  # must occur in the WORD_WINDOW characters before a candidate


WORD_WINDOW = 40  # characters before or after a candidate where its word may stand
# not inside a longer number, code or word (nor a group of a longer grouped number: 7301 2288 4190 5564)
# (Latin letters only: Chinese or Japanese text runs straight into a number, 身份证号是110105…)
_B, _E = r"(?<![A-Za-z0-9_.\-/])(?<!\d[ .\-])", r"(?![A-Za-z0-9_\-]|[.,/][A-Za-z0-9]|[ .\-]\d)"


def _digits(groups: str) -> re.Pattern[str]:
    """A run of digit GROUPS (sizes joined by '-', e.g. '3-3-3') with an optional space, dot or dash between."""
    sizes = [int(s) for s in groups.split("-")]
    return re.compile(_B + r"[ .\-]?".join(rf"\d{{{n}}}" for n in sizes) + _E)


# Words that name a personal identification number in general, in any country's text.
_ID_WORDS = (
    r"national (id|identity|identification|insurance)\w*( (number|no\.?|card))?",
    r"(personal|identity|identification|id|citizen|social security|tax|taxpayer) (number|no\.?|code|id)",
    r"id (number|no\.?)",
    r"identity card",
)


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(r"(?i)(?<![^\W_])(" + "|".join((*words, *_ID_WORDS)) + r")(?![^\W_])")  # aadhaar_no= too


_NINO_PREFIX = re.compile(r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]")


def _nino(value: str) -> bool:
    compact = re.sub(r"\s", "", value).upper()
    return bool(re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", compact)) and bool(_NINO_PREFIX.match(compact))


IDENTIFIERS: tuple[Identifier, ...] = (
    Identifier("UK National Insurance number", re.compile(_B + r"[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]" + _E), _nino),
    Identifier("Indian PAN", re.compile(_B + r"[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]" + _E), pan.is_valid),
    Identifier(
        "Italian codice fiscale",
        re.compile(_B + r"(?i:[A-Z]{6}[\dLMNPQRSTUV]{2}[A-EHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z])" + _E),
        codicefiscale.is_valid,
    ),
    Identifier("Spanish NIE", re.compile(_B + r"[XYZ][ \-]?\d{7}[ \-]?[A-Z]" + _E), nie.is_valid),
    Identifier("Spanish DNI", re.compile(_B + r"\d{8}[ \-]?[A-Z]" + _E), dni.is_valid),
    Identifier("Chinese resident ID", re.compile(_B + r"\d{17}[\dXx]" + _E), ric.is_valid),
    Identifier(
        "French NIR (INSEE)",
        re.compile(_B + r"[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}" + _E),
        nir.is_valid,
    ),
    Identifier("Brazilian CPF", re.compile(_B + r"\d{3}\.\d{3}\.\d{3}-\d{2}" + _E), cpf.is_valid),
    Identifier("Brazilian CPF", _digits("11"), cpf.is_valid, _words("cpf")),
    Identifier("Indian Aadhaar", re.compile(_B + r"\d{4}([ -])\d{4}\1\d{4}" + _E), aadhaar.is_valid),
    Identifier("Indian Aadhaar", re.compile(_B + r"\d{12}" + _E), aadhaar.is_valid, _words("aadhaar", "aadhar", "uid")),
    Identifier("Polish PESEL", _digits("11"), pesel.is_valid, _words("pesel")),
    Identifier("Swedish personnummer", re.compile(_B + r"\d{6}[-+]\d{4}" + _E), personnummer.is_valid),
    Identifier(
        "Swedish personnummer", re.compile(_B + r"\d{8}[-+]\d{4}" + _E), personnummer.is_valid, _words("personnummer")
    ),
    Identifier(
        "Swedish personnummer", re.compile(_B + r"(?:\d{2})?\d{10}" + _E), personnummer.is_valid, _words("personnummer")
    ),
    Identifier(
        "German tax ID",
        _digits("2-3-3-3"),
        idnr.is_valid,
        _words(r"steuer-?id\w*", r"steuerliche", r"idnr", r"identifikationsnummer", r"tax id\w*", r"tin", "steuer-id"),
    ),
    Identifier("Danish CPR", re.compile(_B + r"\d{6}-?\d{4}" + _E), cpr.is_valid, _words("cpr", r"cpr-nr\.?")),
    Identifier("Dutch BSN", _digits("9"), bsn.is_valid, _words("bsn", "burgerservicenummer", "citizen service number")),
    Identifier("Dutch BSN", _digits("4-2-3"), bsn.is_valid, _words("bsn", "burgerservicenummer")),
    Identifier("Belgian national number", re.compile(_B + r"\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}" + _E), nn.is_valid),
    Identifier("Belgian national number", _digits("11"), nn.is_valid, _words("rijksregisternummer", "numéro national")),
    Identifier("Finnish HETU", re.compile(_B + r"\d{6}[-+A-FU-Y]\d{3}[0-9A-Z]" + _E), hetu.is_valid),
    Identifier("Norwegian fødselsnummer", _digits("11"), fodselsnummer.is_valid, _words(r"fødselsnummer\w*", "fnr")),
    Identifier("Portuguese NIF", _digits("3-3-3"), pt_nif.is_valid, _words("nif", "contribuinte")),
    Identifier("Chilean RUT", re.compile(_B + r"\d{1,2}\.\d{3}\.\d{3}-[\dkK]" + _E), rut.is_valid),
    Identifier("Mexican CURP", re.compile(_B + r"[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z\d]\d" + _E), curp.is_valid),
    Identifier("Irish PPSN", re.compile(_B + r"\d{7}[A-W][A-IW]?" + _E), pps.is_valid, _words("pps", "ppsn")),
    Identifier("Swiss AHV number", re.compile(_B + r"756[. ]?\d{4}[. ]?\d{4}[. ]?\d{2}" + _E), ch_ssn.is_valid),
    Identifier("South African ID", _digits("6-4-3"), za_idnr.is_valid, _words("sa id", "south african id")),
    Identifier(
        "Canadian SIN",
        _digits("3-3-3"),
        sin.is_valid,
        _words("sin", "social insurance", r"nas", "numéro d'assurance sociale"),
    ),
)


def redact_identifiers(text: str) -> str:
    """TEXT with each checksum-valid national identifier replaced by [NATIONAL_ID]."""
    if sum(c.isdigit() for c in text) < 4:  # the fewest digits an identifier has (PAN)
        return text
    for kind in IDENTIFIERS:
        text = kind.shape.sub(functools.partial(_replace, kind), text)
    return text


def _replace(kind: Identifier, match: re.Match[str]) -> str:
    return "[NATIONAL_ID]" if _is(kind, match) else match.group()


def _is(kind: Identifier, match: re.Match[str]) -> bool:
    near = match.string[max(0, match.start() - WORD_WINDOW) : match.end() + WORD_WINDOW]  # "… is my CPF" too
    if kind.word is not None and not kind.word.search(near):
        return False
    try:
        return bool(kind.valid(match.group()))
    except Exception:  # noqa: BLE001 - a check that cannot parse the candidate means: not this identifier
        return False


# Dates of birth: a date within a few words after a birth word.
_MONTHS = (
    r"jan(?:uary|vier|uar|\.)?|feb(?:ruary|ruar|\.)?|févr(?:ier|\.)?|mar(?:ch|s|\.)?|märz|apr(?:il|\.)?|avr(?:il|\.)?|"
    r"may|mai|juin?|june?|juli?|july|juil(?:let|\.)?|aug(?:ust|\.)?|ao[uû]t|sep(?:t(?:ember|embre)?)?\.?|"
    r"oct(?:ober|obre|\.)?|okt(?:ober)?\.?|nov(?:ember|embre|\.)?|dec(?:ember|\.)?|déc(?:embre|\.)?|dez(?:ember|\.)?|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    r"januari|februari|maart|mei|augustus|oktober|juni|juli"
)
_DATE = (
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th|er|º|°)?\.?\s+(?:de\s+)?(?:{_MONTHS})\s+(?:de\s+)?\d{{4}}"
    rf"|(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}年\d{{1,2}}月\d{{1,2}}日)"
)
_BIRTH = (
    r"born|birth\s*date|date\s+of\s+birth|birthday|d\.?o\.?b\.?|b\.|geboren|geb\.|geburtsdatum|né|née|"
    r"naissance|nacid[oa]|nacimiento|nat[oa] (?:il|a|l'|nel)|nascita|nascid[oa]|nascimento|geboortedatum|geboren op|"
    r"urodzon[ya]|data urodzenia|född|fødselsdato|født|syntymäaika|生年月日|出生日期|出生于|생년월일|"
    r"date_of_birth|birth_?date|dob\"?"
)
_DOB = re.compile(rf"(?i)(?<!\w)(?:{_BIRTH})(?!\w)(?:[^\n\d]{{0,24}}?)({_DATE})(?![\d])")


def redact_birth_dates(text: str) -> str:
    """TEXT with each date that follows a birth word ("born on", "DOB:", "geboren am") replaced by [DOB]."""
    if not any(c.isdigit() for c in text):
        return text
    return _DOB.sub(lambda m: m.group()[: m.start(1) - m.start()] + "[DOB]", text)


# Street addresses: a house number with a street word, in the order each language writes them.
_EN_STREET = (
    r"street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|lane|ln\.?|drive|dr\.?|court|ct\.?|place|pl\.?|"
    r"way|terrace|close|crescent|square|sq\.?|parkway|pkwy\.?|highway|hwy\.?|row|mews|gardens|grove|hill|walk"
)
_ADDRESS = re.compile(
    r"(?<![\w-])(?:(?i:apt|apartment|unit|suite|flat)\.?\s*#?\w{1,5},?\s+)?"
    r"(?:"
    # 221B Baker Street, 1600 Pennsylvania Avenue NW
    rf"(?!(?:19|20)\d\d\b)\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][\w'’.-]*\s+){{1,4}}(?i:{_EN_STREET})"
    r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W))?(?![\w])"
    # 12 rue de la Paix, 5 avenue des Champs-Élysées
    r"|\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|cours|route)"
    r"\s+(?:(?:de|du|des|la|le|l'|d')\s*)*[A-ZÀ-Ý][\w'’-]+(?:[ -][A-Z][\w'’-]+)*"
    # Hauptstraße 5, Keizersgracht 123, Kerkstraat 12a
    r"|\b[A-ZÄÖÜ][a-zäöüß-]{2,}(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|straat|laan|gracht|kade|"
    r"singel|plein|dijk|steeg|\s(?:Straße|Strasse|Gasse|Platz|Allee|Weg))\s+\d{1,4}\s?[a-z]?(?:/\d{1,4})?(?!\w)"
    # Calle Mayor 10, Via Roma 12, Piazza Navona 3
    r"|\b(?:[Cc]alle|C/|[Aa]venida|[Aa]vda\.?|[Pp]laza|[Pp]aseo|[Cc]amino|Via|Viale|[Pp]iazza|Corso|[Vv]icolo|"
    r"Largo|[Rr]ua|[Tt]ravessa|Rue|Avenue|Boulevard|Chaussée|ul\.|ulica|(?<!et )al\.|Straat)\s+"
    r"(?:(?:de|del|la|los|las|dei|della|delle|di|do|da|dos|das)\s+)*[A-ZÁÉÍÓÚŁŚŻŹ][\w'’-]+"
    r"(?:\s+[A-ZÁÉÍÓÚ][\w'’-]+){0,3},?"
    r"\s+(?:n\.?\s?º?\s?)?\d{1,4}(?:/\d{1,4})?(?!\w)"
    r")"
)


def redact_addresses(text: str) -> str:
    """TEXT with each street address (house number and street) replaced by [ADDRESS]."""
    if not any(c.isdigit() for c in text):
        return text
    return _ADDRESS.sub("[ADDRESS]", text)
