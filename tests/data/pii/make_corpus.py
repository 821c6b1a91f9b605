"""Build (or check) the PII redaction corpus in this folder.

    python tests/data/pii/make_corpus.py          # rewrite values.jsonl and keep.jsonl
    python tests/data/pii/make_corpus.py --check  # exit 1 if the files differ or a check fails

Standard library only and deterministic: no randomness, no clock. Every IBAN check pair is
computed here with ISO 13616 mod-97 (and the French RIB key and Spanish control digits, so the
national parts are consistent too); every card's last digit is the Luhn check digit computed
here. The checks at the bottom then recompute them from the written strings: every IBAN and
card in values.jsonl passes, the deliberately wrong ones in keep.jsonl fail.

All values are made up for this project (documentation IP ranges, example.* mail domains,
fictional/drama phone ranges where a country has one). Apache-2.0, like the project.
"""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VALUES = HERE / "values.jsonl"
KEEP = HERE / "keep.jsonl"


# --------------------------------------------------------------------------- checksums


def _iban_number(s: str) -> int:
    """The integer ISO 13616 takes mod 97: letters A..Z become 10..35."""
    return int("".join(str(int(c, 36)) for c in s.upper()))


def iban_ok(iban: str) -> bool:
    s = re.sub(r"\s+", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", s):
        return False
    return _iban_number(s[4:] + s[:4]) % 97 == 1


def make_iban(country: str, bban: str) -> str:
    """Country code + the two check digits + BBAN, unspaced."""
    rem = _iban_number(bban + country + "00") % 97
    return f"{country}{98 - rem:02d}{bban}"


def spaced(s: str, n: int = 4) -> str:
    return " ".join(s[i : i + n] for i in range(0, len(s), n))


def rib_key(bank: str, branch: str, account: str) -> str:
    """French RIB key (clé RIB): 97 - (89*bank + 15*branch + 3*account) mod 97."""
    letters = {c: str(d) for d, group in enumerate(["", "AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"]) for c in group}
    acc = "".join(letters.get(c, c) for c in account.upper())
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acc)) % 97:02d}"


def es_control(bank: str, branch: str, account: str) -> str:
    """Spanish CCC control digits (dígitos de control), weights 1,2,4,8,5,10,9,7,3,6."""
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]

    def one(digits: str) -> str:
        d = 11 - sum(int(c) * k for c, k in zip(digits, w)) % 11
        return str({11: 0, 10: 1}.get(d, d))

    return one("00" + bank + branch) + one(account)


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in re.sub(r"[\s-]", "", number)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return len(digits) >= 12 and total % 10 == 0


def make_card(body: str) -> str:
    """body without its last digit -> body + Luhn check digit."""
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError(body)


def grouped(digits: str, groups: tuple[int, ...], sep: str) -> str:
    assert sum(groups) == len(digits), (digits, groups)
    out, i = [], 0
    for g in groups:
        out.append(digits[i : i + g])
        i += g
    return sep.join(out)


# --------------------------------------------------------------------------- IBANs

DE1 = make_iban("DE", "50010517" + "5407324931")
DE2 = make_iban("DE", "12030000" + "1028456733")
FR_BBAN = "20041" + "01005" + "0500013M026"
FR1 = make_iban("FR", FR_BBAN + rib_key("20041", "01005", "0500013M026"))
FR2_BBAN = "30003" + "02178" + "00054812930"
FR2 = make_iban("FR", FR2_BBAN + rib_key("30003", "02178", "00054812930"))
GB1 = make_iban("GB", "WEST" + "601613" + "31926819")
GB2 = make_iban("GB", "NWBK" + "402716" + "58204133")
ES1 = make_iban("ES", "2100" + "0418" + es_control("2100", "0418", "0200051332") + "0200051332")
ES2 = make_iban("ES", "0049" + "1500" + es_control("0049", "1500", "2810374129") + "2810374129")
NL1 = make_iban("NL", "ABNA" + "0417164300")
NL2 = make_iban("NL", "RABO" + "0312874651")
IT1 = make_iban("IT", "X" + "05428" + "11101" + "000000123456")
IT2 = make_iban("IT", "K" + "03069" + "09606" + "100000072619")


def wrong_check(iban: str) -> str:
    """Same IBAN with its check digits moved by +1 (mod 97 then fails)."""
    cd = int(iban[2:4])
    bad = f"{cd + 1 if cd < 98 else cd - 1:02d}"
    return iban[:2] + bad + iban[4:]


# --------------------------------------------------------------------------- cards

VISA1 = make_card("455673758689985")
VISA2 = make_card("401288881888188")
VISA3 = make_card("492055103847362")
MC1 = make_card("545402337711820")
MC2 = make_card("222300481236057")  # 2-series Mastercard
MC3 = make_card("531945008823117")
AMEX1 = make_card("37144963539843")
AMEX2 = make_card("34025617390482")
DISC1 = make_card("601100099013942")
DISC2 = make_card("650431880023775")


def fail_luhn(digits: str) -> str:
    """Same number with its last digit moved by +1 (Luhn then fails)."""
    bad = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    assert not luhn_ok(bad)
    return bad


# --------------------------------------------------------------------------- planted PII
# (id, kind, value, template); "{v}" in the template is replaced by the value.

VALUE_ROWS: list[tuple[str, str, str, str]] = [
    # ---- phones
    ("phone-uk-intl-1", "phone", "+44 20 7946 0958", "You can reach our London office on {v} between 9 and 5."),
    ("phone-uk-intl-2", "phone", "+44 7700 900456", "The customer asked us to text her at {v} once the parcel ships."),
    ("phone-uk-intl-paren", "phone", "+44 (0)20 7946 0321", "Tel: {v} (reception)"),
    ("phone-uk-national-mobile", "phone", "07700 900123", "Sure! I've added the mobile number {v} to the contact card."),
    ("phone-uk-national-dashes", "phone", "07700-900-871", "My number is {v}, please call after lunch."),
    ("phone-de-intl", "phone", "+49 30 901820", "Die Zentrale erreichen Sie unter {v}."),
    ("phone-de-intl-dashes", "phone", "+49-89-4132-7765", "Call Mr. Weber at {v} to confirm the delivery window."),
    ("phone-de-national-mobile", "phone", "0151 23456789", "His mobile is {v}; he prefers WhatsApp."),
    ("phone-de-national-slash", "phone", "030/2345678", "Rückruf bitte an {v}."),
    ("phone-fr-intl", "phone", "+33 1 42 68 53 00", "The Paris branch can be reached at {v}."),
    ("phone-fr-intl-paren", "phone", "+33 (0)6 12 34 56 78", "Her number, as she wrote it: {v}."),
    ("phone-fr-national-spaces", "phone", "06 12 34 56 78", "Appelez-moi au {v} demain matin."),
    ("phone-fr-national-dots", "phone", "01.45.23.67.89", "Numéro du cabinet : {v}"),
    ("phone-in-intl", "phone", "+91 98765 43210", "Please WhatsApp Rahul on {v} for the invoice."),
    ("phone-in-intl-dashes", "phone", "+91-80-4123-5678", "The Bangalore support line is {v}."),
    ("phone-in-mobile-bare", "phone", "9876501234", "user: my mobile number is {v} can you update it"),
    ("phone-au-intl", "phone", "+61 4 9157 0006", "Text the site manager on {v} when you arrive."),
    ("phone-au-national-mobile", "phone", "0491 570 156", "G'day, my mobile's {v} if you need anything."),
    ("phone-au-landline-paren", "phone", "(02) 5550 4321", "The Sydney office number is {v}."),
    ("phone-us-paren", "phone", "(212) 555-0147", "I called the landlord at {v} but nobody picked up."),
    ("phone-us-dashes", "phone", "415-555-0132", "Here is the updated record: Name: John Carter, Phone: {v}"),
    ("phone-us-dots", "phone", "312.555.0175", "Reach the Chicago team at {v} for escalations."),
    ("phone-us-intl-spaces", "phone", "+1 202 555 0199", "For urgent issues, dial {v}."),
    ("phone-us-intl-paren", "phone", "+1 (617) 555-0110", "Contact: Dr. Emily Stone, {v}"),
    ("phone-us-intl-dashes", "phone", "+1-646-555-0183", "I've scheduled the call; the dial-in is {v}."),
    ("phone-br-intl", "phone", "+55 11 91234-5678", "O telefone do cliente é {v}."),
    ("phone-br-national", "phone", "(21) 98765-4321", "Pode me ligar no {v} à tarde."),
    ("phone-jp-intl", "phone", "+81 3-1234-5678", "The Tokyo office number is {v}."),
    ("phone-jp-national-mobile", "phone", "090-1234-5678", "携帯番号は {v} です。"),
    ("phone-jp-national-landline", "phone", "06-6123-4567", "Osaka reception: {v}"),
    # ---- emails
    ("email-plain", "email", "jane.doe@example.com", "I've sent the summary to {v} as requested."),
    ("email-plus", "email", "jane.doe+reports@example.org", "Forward the weekly digest to {v} please."),
    ("email-subdomain", "email", "m.schmidt@mail.eng.example.com", "The build failure was reported by {v} this morning."),
    ("email-uppercase", "email", "BOB.SMITH@EXAMPLE.NET", "CONTACT: {v}"),
    ("email-mixed-case", "email", "Carlos.Ruiz@Example.Org", "Reply-To: {v}"),
    ("email-in-id", "email", "user-jane.doe@example.org", "Looked up account {v}-42 and reset its quota."),
    ("email-angle-brackets", "email", "ops-team@example.net", "From: Ops Team <{v}>"),
    ("email-mailto", "email", "sales@shop.example.com", "You can [email our sales team](mailto:{v}) for a quote."),
    ("email-sentence-end", "email", "a.nguyen@example.com", "If anything is unclear, reach me at {v}."),
    ("email-in-json", "email", "k_obrien@eu.example.com", 'The payload was {{"name": "Kate", "email": "{v}", "plan": "pro"}}.'),
    ("email-dot-example-tld", "email", "li.wei@lab.example", "Thanks, I'll cc {v} on the thread."),
    # ---- IBANs
    ("iban-de-spaced", "iban", spaced(DE1), "Bitte überweisen Sie den Betrag auf {v} bis Freitag."),
    ("iban-de-compact", "iban", DE2, "Refund account (IBAN): {v}"),
    ("iban-fr-spaced", "iban", spaced(FR1), "Le RIB du fournisseur : IBAN {v}"),
    ("iban-fr-lower", "iban", FR2.lower(), "user: pls change my iban to {v} thx"),
    ("iban-gb-spaced", "iban", spaced(GB1), "Payment details: {v}, reference INV-2024-0042."),
    ("iban-gb-compact", "iban", GB2, "The salary goes to {v} from next month."),
    ("iban-es-spaced", "iban", spaced(ES1), "Puede domiciliar el recibo en la cuenta {v}."),
    ("iban-es-compact-lower", "iban", ES2.lower(), "I've noted the Spanish account {v} for the deposit."),
    ("iban-nl-spaced", "iban", spaced(NL1), "Maak het bedrag over naar {v} t.n.v. J. de Vries."),
    ("iban-nl-compact", "iban", NL2, "Sure, the IBAN on file is {v}."),
    ("iban-it-spaced", "iban", spaced(IT1), "Coordinate bancarie: {v}"),
    ("iban-it-compact", "iban", IT2, "Please wire the deposit to {v} before check-in."),
    # ---- cards
    ("card-visa-spaces", "card", grouped(VISA1, (4, 4, 4, 4), " "), "The payment with card {v} was declined."),
    ("card-visa-dashes", "card", grouped(VISA2, (4, 4, 4, 4), "-"), "Card: {v}, exp 08/27"),
    ("card-visa-plain", "card", VISA3, "user: charge it to {v} please"),
    ("card-mc-spaces", "card", grouped(MC1, (4, 4, 4, 4), " "), "I've updated the payment method to Mastercard {v}."),
    ("card-mc2-dashes", "card", grouped(MC2, (4, 4, 4, 4), "-"), "Billing card on file: {v}"),
    ("card-mc-plain", "card", MC3, "The failed transaction used card {v}."),
    ("card-amex-spaces", "card", grouped(AMEX1, (4, 6, 5), " "), "Amex number as given by the guest: {v}"),
    ("card-amex-plain", "card", AMEX2, "Corporate card {v} was used for the booking."),
    ("card-discover-dashes", "card", grouped(DISC1, (4, 4, 4, 4), "-"), "Discover {v} is the backup card."),
    ("card-discover-plain", "card", DISC2, "Please remove card {v} from my account."),
    # ---- SSNs
    ("ssn-dashes-1", "ssn", "536-22-1847", "Applicant SSN: {v}"),
    ("ssn-dashes-2", "ssn", "287-61-4408", "I've filled in the W-9 with SSN {v} as you asked."),
    ("ssn-spaces-1", "ssn", "401 58 3920", "user: my social security number is {v}"),
    ("ssn-spaces-2", "ssn", "603 17 9842", "The form lists the employee's SSN as {v}."),
    ("ssn-plain-1", "ssn", "318406259", "SSN (no dashes): {v}"),
    ("ssn-plain-2", "ssn", "250471938", "Her social is {v}, please verify it against the record."),
    ("ssn-dashes-3", "ssn", "145-82-3307", "Taxpayer ID {v} appears twice in the upload."),
    # ---- IP addresses
    ("ip-v4-doc-1", "ip", "192.0.2.44", "The failed logins all came from {v}."),
    ("ip-v4-doc-2", "ip", "198.51.100.23", "Block {v} at the firewall, it keeps scanning us."),
    ("ip-v4-with-port", "ip", "203.0.113.195", "The client connected from {v}:51544 over TLS."),
    ("ip-v4-private", "ip", "10.24.8.17", "The user's laptop had the address {v} on the VPN."),
    ("ip-v6-full", "ip", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "Request origin: {v}"),
    ("ip-v6-compressed", "ip", "2001:db8::1", "The server listens on {v} only."),
    ("ip-v6-link-local", "ip", "fe80::1ff:fe23:4567:890a", "Neighbour discovery showed {v} on eth0."),
    ("ip-v6-v4-mapped", "ip", "::ffff:192.0.2.1", "Logged remote address {v} for the session."),
    ("ip-v6-bracketed-port", "ip", "2001:db8:4:1::2a", "Open http://[{v}]:8443/ to reach the dashboard."),
    ("ip-v6-uncompressed-zeros", "ip", "2001:db8:0:0:1:0:0:1", "The alert fired for host {v}."),
]


# --------------------------------------------------------------------------- look-alikes to keep

LUHN_FAIL_VISA = fail_luhn(make_card("400012345678901"))
LUHN_FAIL_ORDER = fail_luhn(make_card("731904526618420"))
IBAN_WRONG_DE = wrong_check(make_iban("DE", "70020270" + "0015613882"))
IBAN_WRONG_GB_LOWER = wrong_check(make_iban("GB", "BARC" + "200415" + "73129846")).lower()

KEEP_ROWS: list[tuple[str, str, str]] = [
    ("keep-date-iso", "2024-03-15", "The report was generated on {v}."),
    ("keep-date-dmy-slash", "15/03/2024", "Invoice date: {v}"),
    ("keep-date-mdy-slash", "03/15/2024", "The meeting moved to {v}."),
    ("keep-date-dmy-dots", "15.03.2024", "Lieferdatum: {v}"),
    ("keep-timestamp-iso", "2024-03-15T12:30:45Z", "Last run finished at {v} without errors."),
    ("keep-time-hms", "12:30:45", "The job started at {v} and took two minutes."),
    ("keep-time-hm", "12:34", "The train leaves at {v} from platform 4."),
    ("keep-time-range", "09:00-17:30", "Support hours are {v} on weekdays."),
    ("keep-version-semver", "1.2.3", "Upgrade the client to version {v} to fix the bug."),
    ("keep-version-windows", "v10.0.19041", "The crash only happens on Windows {v}."),
    ("keep-version-prerelease", "2.0.0-rc.1", "We pinned the dependency to {v} for now."),
    ("keep-version-python", "3.11.4", "Tests pass on Python {v}."),
    ("keep-price-usd", "$1,234.56", "The total comes to {v} including tax."),
    ("keep-price-eur", "€2.499,00", "Der Preis beträgt {v} inkl. MwSt."),
    ("keep-large-number", "1,000,000", "The dataset has {v} rows."),
    ("keep-order-luhn-fail", LUHN_FAIL_ORDER, "Your order number is {v}; keep it for returns."),
    ("keep-16digit-visa-shaped-luhn-fail", grouped(LUHN_FAIL_VISA, (4, 4, 4, 4), " "), "Tracking reference {v} (not a card)."),
    ("keep-invoice-id", "INV-2024-000123", "Invoice {v} has been paid."),
    ("keep-iban-wrong-checksum", spaced(IBAN_WRONG_DE), "Placeholder in the template: {v} (invalid checksum)."),
    ("keep-iban-wrong-checksum-lower", IBAN_WRONG_GB_LOWER, "The test fixture uses {v} which must be rejected."),
    ("keep-isbn13", "978-3-16-148410-0", "See the book with ISBN {v} for details."),
    ("keep-isbn10", "0-306-40615-2", "The old edition is ISBN {v}."),
    ("keep-pi", "3.14159", "Pi is roughly {v}."),
    ("keep-sci-small", "1e-9", "Set the tolerance to {v} for the solver."),
    ("keep-sci-avogadro", "6.022e23", "Avogadro's number is about {v}."),
    ("keep-range", "10-20", "Expect {v} minutes for the migration."),
    ("keep-year-range", "1990-1995", "The survey covers {v}."),
    ("keep-year", "2023", "Revenue grew 12% in {v}."),
    ("keep-port", "port 8080", "The dev server runs on {v}."),
    ("keep-localhost-port", "localhost:8080", "Open {v} in your browser."),
    ("keep-hex-color", "#1a2b3c", "Use {v} for the header background."),
    ("keep-hex-color-short", "#FFF", "The text color is {v}."),
    ("keep-uuid", "123e4567-e89b-12d3-a456-426614174000", "Trace id {v} shows the slow span."),
    ("keep-git-sha", "9fceb02d0ae598e95dc970b74767f19372d61af8", "The regression was introduced in commit {v}."),
    ("keep-room", "room 101", "The workshop is in {v}."),
    ("keep-rating", "3 out of 5", "The reviewer gave it {v} stars."),
    ("keep-ratio", "16:9", "Export the video in {v}."),
    ("keep-cpp-scope", "std::vector<int>", "Return a {v} instead of a raw array."),
    ("keep-cpp-nested-scope", "std::chrono::milliseconds", "Use {v} for the timeout parameter."),
    ("keep-rust-path", "std::io::Read", "Import {v} before calling read_to_string."),
    ("keep-python-slice", "xs[::2]", "Take every other element with {v}."),
    ("keep-percentage", "99.9%", "The SLA promises {v} uptime."),
    ("keep-resolution", "1920x1080", "The screenshot is {v}."),
    ("keep-http-status", "HTTP 404", "The endpoint returned {v} for the missing page."),
    ("keep-doi", "10.1145/3290605.3300857", "Cite the paper as doi:{v}."),
    ("keep-arxiv", "arXiv:2310.06770", "The benchmark is described in {v}."),
    ("keep-model-name", "gpt-4o-2024-08-06", "The judge model was {v}."),
    ("keep-hex-literal", "0x7fffffff", "INT_MAX is {v} on this platform."),
    ("keep-chmod", "chmod 0755", "Run {v} on the script."),
    ("keep-score", "6-4 7-5", "She won the final {v}."),
    ("keep-page-range", "pp. 123-145", "The proof is on {v}."),
    ("keep-epoch-count", "epoch 10/20", "Training loss plateaued at {v}."),
]


# --------------------------------------------------------------------------- build and check


def build() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    values = [{"id": i, "kind": k, "value": v, "text": t.format(v=v)} for i, k, v, t in VALUE_ROWS]
    keep = [{"id": i, "value": v, "text": t.format(v=v)} for i, v, t in KEEP_ROWS]
    return values, keep


def check(values: list[dict[str, str]], keep: list[dict[str, str]]) -> list[str]:
    errors: list[str] = []
    ids = [r["id"] for r in values + keep]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        errors.append(f"duplicate ids: {dup}")
    for r in values + keep:
        n = r["text"].count(r["value"])
        if n != 1:
            errors.append(f"{r['id']}: value occurs {n} times in text")
    for r in values:
        if r["kind"] == "iban" and not iban_ok(r["value"]):
            errors.append(f"{r['id']}: IBAN checksum fails")
        if r["kind"] == "card" and not luhn_ok(r["value"]):
            errors.append(f"{r['id']}: Luhn fails")
        if r["kind"] == "ssn":
            d = re.sub(r"[ -]", "", r["value"])
            if not (len(d) == 9 and d.isdigit()) or d[:3] in ("000", "666") or d[0] == "9" or d[3:5] == "00" or d[5:] == "0000":
                errors.append(f"{r['id']}: not a well-formed SSN")
        if r["kind"] == "ip":
            try:
                ipaddress.ip_address(r["value"])
            except ValueError:
                errors.append(f"{r['id']}: not an IP address")
    for r in keep:
        compact = re.sub(r"[\s-]", "", r["value"])
        if re.fullmatch(r"[A-Za-z]{2}[0-9]{2}[A-Za-z0-9]{11,30}", compact) and iban_ok(compact):
            errors.append(f"{r['id']}: IBAN-shaped keep value passes mod 97")
        if re.fullmatch(r"[0-9]{13,19}", compact) and luhn_ok(compact):
            errors.append(f"{r['id']}: card-shaped keep value passes Luhn")
    # the wrong ones must be present and must fail
    for rid in ("keep-iban-wrong-checksum", "keep-iban-wrong-checksum-lower"):
        if not any(r["id"] == rid and not iban_ok(r["value"]) for r in keep):
            errors.append(f"{rid}: missing or passes")
    for rid in ("keep-order-luhn-fail", "keep-16digit-visa-shaped-luhn-fail"):
        if not any(r["id"] == rid and len(re.sub(r"\D", "", r["value"])) == 16 and not luhn_ok(r["value"]) for r in keep):
            errors.append(f"{rid}: missing or passes")
    return errors


def dumps(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str]) -> int:
    # sanity-check the checksum code on published examples before trusting it
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and iban_ok("DE89370400440532013000")
    assert not iban_ok("GB83 WEST 1234 5698 7654 32")
    assert luhn_ok("4111 1111 1111 1111") and luhn_ok("378282246310005") and not luhn_ok("4111111111111112")
    assert rib_key("20041", "01005", "0500013M026") == "06"  # FR1420041010050500013M02606
    assert es_control("2100", "0418", "0200051332") == "45"  # ES9121000418450200051332

    values, keep = build()
    errors = check(values, keep)
    if "--check" in argv:
        for path, rows in ((VALUES, values), (KEEP, keep)):
            if not path.exists() or path.read_text(encoding="utf-8") != dumps(rows):
                errors.append(f"{path.name} differs from what this script builds")
        on_disk_v = [json.loads(x) for x in VALUES.read_text(encoding="utf-8").splitlines()] if VALUES.exists() else []
        on_disk_k = [json.loads(x) for x in KEEP.read_text(encoding="utf-8").splitlines()] if KEEP.exists() else []
        errors += [f"on disk: {e}" for e in check(on_disk_v, on_disk_k)]
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    if "--check" not in argv:
        VALUES.write_text(dumps(values), encoding="utf-8")
        KEEP.write_text(dumps(keep), encoding="utf-8")
    kinds: dict[str, int] = {}
    for r in values:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"values.jsonl: {len(values)} ({', '.join(f'{k} {n}' for k, n in kinds.items())}); keep.jsonl: {len(keep)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
