"""Every file in tests/data/malformed is rejected with FILE:LINE and leaves the store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from critic.config import Config
from critic.errors import InputError
from critic.ingest import ingest_files
from critic.store import Store
from tests.conftest import SAMPLE

CORPUS = Path(__file__).resolve().parent.parent / "data" / "malformed"
MANIFEST: dict[str, dict[str, object]] = json.loads((CORPUS / "MANIFEST.json").read_text())


def test_corpus_is_large_enough() -> None:
    assert len(MANIFEST) >= 30
    assert sorted(MANIFEST) == sorted(p.name for p in CORPUS.iterdir() if p.name not in ("MANIFEST.json", "README.md"))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that already holds the sample, so 'unchanged' is checked on real content."""
    path = tmp_path_factory.mktemp("seeded") / "critic.duckdb"
    with Store.open(path) as store:
        ingest_files(store, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], Config())
    return path


def _snapshot(store: Store) -> tuple[int, int, object]:
    digest = store.con.execute("SELECT sum(hash(id, output)) FROM interactions").fetchone()
    return store.count("interactions"), store.count("events"), digest


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_malformed_file_is_rejected_with_its_location(name: str, seeded: Path) -> None:
    expected = MANIFEST[name]
    path = str(CORPUS / name)
    with Store.open(seeded) as store:
        before = _snapshot(store)
        with pytest.raises(InputError) as err:
            ingest_files(store, [str(SAMPLE / "events.jsonl"), path], Config())
        after = _snapshot(store)
    message = str(err.value)
    where = "" if expected["line"] is None else f":{expected['line']}"
    assert message.startswith(f"{path}{where}: "), message
    assert str(expected["message"]) in message
    assert before == after
