from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from critic.errors import ConfigError, StoreError, StoreLockedError
from critic.store import Store
from critic.store.migrations import MIGRATIONS


def test_blank_store_is_migrated_and_recorded(db_path: Path) -> None:
    with Store.open(db_path) as store:
        names = [r[0] for r in store.con.execute("SELECT name FROM _migrations").fetchall()]
        assert names == [m.__name__ for m in MIGRATIONS]
        tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"interactions", "events", "judgments", "runs", "labels", "triage_clusters"} <= tables
        salt = store.meta("user_salt")
        assert salt and len(salt) == 32


def test_reopening_applies_nothing_twice_and_keeps_the_salt(db_path: Path) -> None:
    with Store.open(db_path) as store:
        salt = store.meta("user_salt")
    with Store.open(db_path) as store:
        assert store.meta("user_salt") == salt
        assert store.count("_migrations") == len(MIGRATIONS)


def test_each_store_has_its_own_salt(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.duckdb") as a, Store.open(tmp_path / "b.duckdb") as b:
        assert a.meta("user_salt") != b.meta("user_salt")


def test_transaction_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as con:
        con.execute("INSERT INTO meta VALUES ('x', 'y')")
        raise RuntimeError("boom")
    assert store.meta("x") is None


def test_not_a_duckdb_file_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("hello, this is not a database\n" * 100)
    with pytest.raises(StoreError, match="notes.duckdb"):
        Store.open(bogus)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "nope" / "critic.duckdb")


def test_second_writer_gets_a_clear_error_and_store_stays_intact(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.con.execute("INSERT INTO meta VALUES ('held', 'yes')")
        code = (
            "import sys; from critic.store import Store\n"
            "from critic.errors import StoreLockedError\n"
            f"try:\n    Store.open({str(db_path)!r}, timeout_s=0.5)\n"
            "except StoreLockedError as e:\n    print(e); sys.exit(7)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 7, proc.stderr
        assert "another process is writing" in proc.stdout
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'held'").fetchone() == ("yes",)
    con.close()


def test_lock_error_type_is_a_store_error() -> None:
    assert issubclass(StoreLockedError, StoreError)


def test_a_foreign_duckdb_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sales (id INTEGER)")
    con.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a critic store; critic adds nothing"):
        Store.open(path)
    assert path.read_bytes() == before


def test_a_sqlite_file_is_refused_without_fetching_anything(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "app.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(StoreError, match="not a critic store"):
        Store.open(path)


def test_a_bad_lock_timeout_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRITIC_LOCK_TIMEOUT", "abc")
    with pytest.raises(ConfigError, match="CRITIC_LOCK_TIMEOUT='abc'"):
        Store.open(tmp_path / "s.duckdb")


def test_judgments_gemma_made_as_local_move_to_their_own_judge(db_path: Path) -> None:
    """Before accuracy and tone had students, `local` scored them with Gemma: those rows become Gemma's."""
    from critic.store.migrations import apply_migrations, m012_gemma_is_its_own_judge

    con = duckdb.connect(str(db_path))
    apply_migrations(con)
    rows = [
        ("i1", "tone", "local", "likelihood"),
        ("i1", "helpfulness", "local", "student"),
        ("i1", "my_rubric", "local", "likelihood"),
        ("i2", "accuracy", "local", "likelihood"),
    ]
    for iid, rubric, judge, method in rows:
        con.execute(
            "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, method, status, created_at) "
            "VALUES (?, ?, 'v1', ?, ?, 'ok', now())",
            [iid, rubric, judge, method],
        )
    m012_gemma_is_its_own_judge(con)
    moved = con.execute("SELECT rubric, judge FROM judgments ORDER BY rubric").fetchall()
    assert moved == [
        ("accuracy", "local:gemma-3-270m"),
        ("helpfulness", "local"),
        ("my_rubric", "local"),  # rubrics of your own are still Gemma's under `local`
        ("tone", "local:gemma-3-270m"),
    ]
