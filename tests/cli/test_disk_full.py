"""A full disk is reported as such, naming the store and the room it needs, never as a bug in critic."""

from __future__ import annotations

import errno
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import critic.ingest
from critic.cli import cli, disk_full
from critic.store import Store
from tests.conftest import SAMPLE


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        duckdb.IOException('Could not write file "critic.duckdb": No space left on device'),
    ],
)
def test_a_full_disk_names_the_store_and_leaves_it_intact(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    db = tmp_path / "full.duckdb"
    assert runner.invoke(cli, ["ingest", str(SAMPLE / "interactions.jsonl"), "--db", str(db)]).exit_code == 0

    def full(*_args: object, **_kwargs: object) -> None:  # the filesystem, as the OS reports it when full
        raise failure

    monkeypatch.setattr(critic.ingest, "ingest_files", full)
    result = runner.invoke(cli, ["ingest", str(SAMPLE / "events.jsonl"), "--db", str(db)])
    assert result.exit_code == 1
    assert f"{db}: the disk is full" in result.output and "free at least" in result.output
    assert "internal error" not in result.output and "bug" not in result.output
    with Store.open(db) as store:
        assert store.count("interactions") == 2000 and store.count("events") == 0


def test_only_a_full_disk_is_called_one() -> None:
    assert disk_full(RuntimeError("wrapped")) is False
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("write failed") from inner
    except RuntimeError as outer:
        assert disk_full(outer)
