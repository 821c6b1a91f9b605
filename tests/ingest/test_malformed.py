"""Every case in tests/data/malformed: `critic ingest` exits with its code and one line naming FILE:LINE,
and the store is left unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.config import Config
from critic.errors import InputError
from critic.ingest import ingest_files
from critic.store import Store
from tests.conftest import SAMPLE

CORPUS = Path(__file__).resolve().parent.parent / "data" / "malformed"
MANIFEST: dict[str, dict[str, object]] = json.loads((CORPUS / "MANIFEST.json").read_text())


def test_corpus_is_large_enough() -> None:
    assert len(MANIFEST) >= 90
    assert sorted(MANIFEST) == sorted(p.name for p in CORPUS.iterdir() if p.name not in ("MANIFEST.json", "README.md"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that already holds the sample, so 'unchanged' is checked on real content."""
    path = tmp_path_factory.mktemp("seeded") / "critic.duckdb"
    with Store.open(path) as store:
        ingest_files(store, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], Config())
    return path


def _snapshot(path: Path) -> tuple[object, ...]:
    with Store.open(path) as store:
        con = store.con
        return tuple(
            con.execute(sql).fetchone()
            for sql in (
                "SELECT count(*), sum(hash(id, ts, output, metadata::VARCHAR)) FROM interactions",
                "SELECT count(*), sum(hash(interaction_id, kind, ts)) FROM events",
                "SELECT count(*) FROM judgments",
            )
        )


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_malformed_file_is_rejected_with_its_location(name: str, seeded: Path, tmp_path: Path) -> None:
    expected = MANIFEST[name]
    db = tmp_path / "critic.duckdb"
    shutil.copy(seeded, db)
    before = _snapshot(db)
    path = str(CORPUS / name)
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db), str(SAMPLE / "events.jsonl"), path])
    assert result.exit_code == expected["exit"], result.output
    where = "" if expected["line"] is None else f":{expected['line']}"
    errors = [line for line in result.stderr.splitlines() if not line.startswith("ingest: ")]  # progress lines
    assert len(errors) == 1 and "Traceback" not in result.output, result.stderr
    assert errors[0].startswith(f"Error: {path}{where}: "), errors[0]
    assert str(expected["message"]) in errors[0]
    assert _snapshot(db) == before


def test_a_lone_surrogate_names_its_own_line(store: Store, tmp_path: Path) -> None:
    """DuckDB reports it one line late and at the wrong byte; critic names the line and the escape."""
    path = tmp_path / "surrogate.jsonl"
    good = '{"id": "a%d", "ts": "2026-11-02T10:00:00Z", "input": "q", "output": "fine"}\n'
    path.write_text(good % 1 + good % 2 + '{"id": "a3", "input": "bad \\ud800 here", "output": "x"}\n' + good % 4)
    with pytest.raises(InputError, match=r"surrogate.jsonl:3: a lone UTF-16 surrogate \(\\ud800 at column 28\)"):
        ingest_files(store, [str(path)], Config())
    assert store.count("interactions") == 0


def _line(**fields: object) -> str:
    return json.dumps({"ts": "2026-11-02T10:00:00Z", "input": "q", **fields}) + "\n"


def test_an_id_stored_with_another_reply_is_refused_naming_both(store: Store, tmp_path: Path) -> None:
    first, same, other = (tmp_path / n for n in ("first.jsonl", "same.jsonl", "other.jsonl"))
    first.write_text(_line(id="e1", output="the reply"))
    same.write_text(_line(id="e1", output="the reply"))
    other.write_text(_line(id="e2", output="new") + _line(id="e1", output="another reply"))
    ingest_files(store, [str(first)], Config())
    assert ingest_files(store, [str(same)], Config()).duplicates == 1  # identical: skipped, as before
    with pytest.raises(
        InputError,
        match=r"other.jsonl:2: id \"e1\" is already in the store with another reply "
        r"\(ingested from .*first.jsonl at ",
    ):
        ingest_files(store, [str(other)], Config())
    assert store.con.execute("SELECT output FROM interactions WHERE id = 'e1'").fetchone() == ("the reply",)
    assert store.count("interactions") == 1  # nothing of the refused file landed


def test_a_token_count_too_large_to_store_is_an_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(
        '{"id": "b1", "ts": "2026-11-02T10:00:00Z", "output": "x", "output_tokens": 123456789012345678901234567890}\n'
    )
    with pytest.raises(
        InputError,
        match=r"big.jsonl:1: field 'output_tokens' = 123456789012345678901234567890 is too "
        "large for a token count",
    ):
        ingest_files(store, [str(path)], Config())


def test_a_key_twice_in_one_record_is_an_error(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "twice.jsonl"
    path.write_text(_line(id="t1", output="fine") + '{"id": "t2", "output": "first", "output": "second"}\n')
    with pytest.raises(InputError, match=r"twice.jsonl:2: field 'output' appears twice in the record"):
        ingest_files(store, [str(path)], Config())
    assert store.count("interactions") == 0
