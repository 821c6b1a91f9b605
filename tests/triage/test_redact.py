"""PII redaction, measured on corpora written blind to the redactor (tests/data/pii), and in real reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.triage.redact import redact, redact_tree
from critic.triage.render import md_escape

PII = Path(__file__).resolve().parent.parent / "data" / "pii"


def corpus(name: str) -> list[dict[str, str]]:
    path = PII / name
    return (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if path.exists()
        else []
    )


# national.jsonl and national_holdout.jsonl: national identifiers, dates of birth, street addresses (issue 22)
PLANTED = corpus("values.jsonl") + corpus("holdout.jsonl") + corpus("national.jsonl") + corpus("national_holdout.jsonl")
KEEP = (
    corpus("keep.jsonl")
    + corpus("keep_holdout.jsonl")
    + corpus("keep_national.jsonl")
    + corpus("keep_national_holdout.jsonl")
)
# Leaks measured and left (bench/RESULTS.md, PII redaction): strict, so a fix says to move them back.
KNOWN_LEAKS = {
    "nath-no-fnr-end": "a bare 11-digit fødselsnummer with its word over 40 characters before it",
}


def _planted(item: dict[str, str]) -> object:
    if item["id"] in KNOWN_LEAKS:
        return pytest.param(item, marks=pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[item["id"]]))
    return item


def test_corpora_are_large_enough() -> None:
    assert len(PLANTED) >= 40 and len({p["kind"] for p in PLANTED}) >= 6 and len(KEEP) >= 30


@pytest.mark.parametrize("item", [_planted(p) for p in PLANTED], ids=lambda p: p["id"])
def test_planted_pii_is_redacted(item: dict[str, str]) -> None:
    clean = redact(item["text"])
    assert clean is not None and item["value"] not in clean and "[" in clean


@pytest.mark.parametrize("item", KEEP, ids=lambda p: p["id"])
def test_look_alikes_are_kept(item: dict[str, str]) -> None:
    assert redact(item["text"]) == item["text"]


def test_dotted_dates_and_named_numbers_are_not_phones() -> None:
    assert (
        redact("Der neue Tarif gilt ab 01.04.2025 für alle Kunden.")
        == "Der neue Tarif gilt ab 01.04.2025 für alle Kunden."
    )
    assert redact("company number 08412736") == "company number 08412736"
    for said in ("Customer: (415) 555-2671", "Account: 020 7946 0958", "Reference: 07700 900123"):
        assert "[PHONE]" in (redact(said) or ""), said  # a noun alone does not make a phone something else
    assert redact("geboren am 12.04.1985 in Köln") == "geboren am [DOB] in Köln"


@pytest.mark.parametrize(
    "text",
    [
        "During 2023, revenue grew",
        "Bring 2 cups of water",
        "Run it via Python 3",
        "Vaswani et al. NeurIPS 2017",
        "Define 2 route handlers",
        "In 2019 Supreme Court justices ruled",
        "The NATO summit began on 11 July 2023",
        "Borneo trip starts 03/04/2025",
        "Your AWS account ID is 300000000001.",
        "Release 20240115-0001",
    ],
)
def test_words_that_only_look_like_addresses_birth_dates_or_ids_stay(text: str) -> None:
    assert redact(text) == text


def test_national_ids_need_their_checksum() -> None:
    assert redact("Steuer-ID 36574261809") == "Steuer-ID [NATIONAL_ID]"
    assert redact("Steuer-ID 36574261808") == "Steuer-ID 36574261808"  # the check digit is wrong
    assert redact("order 123456782 shipped") == "order 123456782 shipped"  # a valid BSN with no word for it


def test_checksums_decide_between_pii_and_look_alikes() -> None:
    assert redact("card 4111 1111 1111 1111 ok") == "card [CARD] ok"  # passes Luhn
    assert redact("order 4111 1111 1111 1112 ok") == "order 4111 1111 1111 1112 ok"  # fails it
    assert redact("pay to DE89370400440532013000 today") == "pay to [IBAN] today"
    assert redact("pay to DE89370400440532013001 today") == "pay to DE89370400440532013001 today"


def test_redact_tree_reaches_keys_and_nested_strings_only() -> None:
    tree = {"a": ["x@y.io", 3], "b": {"c": "10.0.0.1"}, "+44 20 7946 0958": 1}
    assert redact_tree(tree) == {"a": ["[EMAIL]", 3], "b": {"c": "[IP]"}, "[PHONE]": 1}


def test_ids_in_code_spans_cannot_split_a_table_or_a_line() -> None:
    from critic.triage.render import _code

    assert _code("x|[click](https://evil.example)\r\nnext") == "x¦[click](https://evil.example) next"


def test_markdown_escaping_neutralizes_links_html_and_mentions() -> None:
    text = md_escape("see [docs](https://evil.example/x) <img src=x onerror=alert(1)> @channel *now*\nbye | www.x.io")
    assert "](" not in text.replace("\\](", "") and "<img" not in text and "https://" not in text
    assert "@channel" not in text and "\\*now\\*" in text and "\n" not in text and "\\|" in text
    assert "www." not in text


def test_no_planted_value_reaches_any_report_file(tmp_path: Path) -> None:
    """Planted in outputs, inputs, ids, feature names and metadata of likely-bad interactions.

    Bare values are planted too (a feature name, a metadata note): those need no context to be recognised, so
    national identifiers that need their word, dates of birth and addresses are planted with their sentence only.
    """
    rows = []
    for n, item in enumerate(PLANTED):
        if item["id"] in KNOWN_LEAKS:
            continue
        alone = item["value"] if redact(item["value"]) != item["value"] else item["text"]
        ident = f"pii-{n}" if n % 5 else f"user-{n}@example.org-{n}"
        rows.append(
            {
                "id": ident,
                "ts": f"2026-11-{17 + n % 5}T10:00:00Z",
                "input": f"My details: {item['text']}",
                "output": "I'm sorry, but I can't help with that. " + item["text"] + " " + "x" * (n * 7 % 300),
                "feature": f"support {alone}" if n % 7 == 0 else "support",
                "metadata": {"note": alone},
                "events": [{"kind": "thumb_down"}],
            }
        )
    traffic = tmp_path / "pii.jsonl"
    traffic.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    db, out = str(tmp_path / "critic.duckdb"), tmp_path / "report"
    runner = CliRunner()
    for args in (
        ["ingest", str(traffic)],
        ["label"],
        ["triage", "--since", "2026-11-16", "--until", "2026-11-23", "--top", "500", "--out", str(out)],
    ):
        result = runner.invoke(cli, [*args, "--db", db])
        assert result.exit_code == 0, result.output
    files = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    assert set(files) == {"report.html", "report.md", "report.json"}
    shown = json.loads(files["report.json"])
    assert len(shown["worst"]) >= len(PLANTED) * 0.9  # the planted outputs are in the report, redacted
    planted = [p for p in PLANTED if p["id"] not in KNOWN_LEAKS]
    leaks = [(name, p["value"]) for name, text in files.items() for p in planted if p["value"] in text]
    assert leaks == []
