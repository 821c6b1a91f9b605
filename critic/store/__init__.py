"""The store: one DuckDB file holding interactions, events, judgments, runs, labels and triage state."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
from duckdb.sqltypes import BOOLEAN, VARCHAR

from critic.errors import ConfigError, CriticError, StoreError, StoreLockedError
from critic.signals.manipulation import is_manipulation_past_gate
from critic.store.migrations import apply_migrations

DEFAULT_DB = "critic.duckdb"
LOCK_TIMEOUT_S = 10.0
# DuckDB would otherwise fetch an extension to read a file it does not recognise (a SQLite file,
# say): critic never downloads anything, and never reads anything but its own store.
NO_EXTENSIONS: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def lock_timeout() -> float:
    """Seconds to wait for another writer: $CRITIC_LOCK_TIMEOUT, default 10."""
    raw = os.environ.get("CRITIC_LOCK_TIMEOUT")
    if raw is None:
        return LOCK_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ConfigError(f"CRITIC_LOCK_TIMEOUT={raw!r} is not a number of seconds; set it to e.g. 10")
    return value


@dataclass(frozen=True)
class Window:
    """A time window over interactions: ts in [since, until); either end may be open."""

    since: str | None = None
    until: str | None = None

    def where(self, column: str = "ts") -> tuple[str, list[str]]:
        clauses, params = ["1 = 1"], []
        if self.since:
            clauses.append(f"{column} >= CAST(? AS TIMESTAMPTZ)")
            params.append(self.since)
        if self.until:
            clauses.append(f"{column} < CAST(? AS TIMESTAMPTZ)")
            params.append(self.until)
        return " AND ".join(clauses), params


_OPENED: list[str] = []  # the stores this process opened, latest last (an error names the store it was writing)


def last_opened() -> str | None:
    """The path of the store this process opened last, or None."""
    return _OPENED[-1] if _OPENED else None


def default_db_path() -> str:
    """The store path from CRITIC_DB, else critic.duckdb in the current folder."""
    return os.environ.get("CRITIC_DB") or DEFAULT_DB


class Store:
    """An open store; use as a context manager, or call close()."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, timeout_s: float | None = None) -> Store:
        """Open (creating if needed) and migrate the store at PATH, waiting up to timeout_s for a lock.

        A DuckDB file that holds other tables but is not a critic store is refused, untouched.
        """
        path = str(path)
        timeout_s = lock_timeout() if timeout_s is None else timeout_s
        if path != ":memory:":
            parent = Path(path).resolve().parent
            if not parent.is_dir():
                raise StoreError(f"{path}: folder {parent} does not exist; create it or pass another --db")
        con = _connect_waiting(path, timeout_s)
        _OPENED.append(path)
        con.execute("SET TimeZone = 'UTC'")
        _refuse_foreign(con, path)
        try:
            apply_migrations(con)
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"{path}: could not migrate the store ({exc}); is it a critic store?") from exc
        _mark_interrupted(con)
        # signals_sql calls it only on rows its RE2 gate passed: the Python gate is not run again
        con.create_function("critic_manipulation", is_manipulation_past_gate, [VARCHAR], BOOLEAN, side_effects=False)
        return cls(con, path)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: all of it lands, or none of it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def columns(self, table: str, names: tuple[str, ...]) -> tuple[str, ...]:
        """NAMES, checked to be columns of TABLE (they are about to be written into SQL)."""
        known = {
            r[0]
            for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
            ).fetchall()
        }
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CriticError(
                f"{', '.join(unknown)}: not a column of the {table}; use one of {', '.join(sorted(known))}"
            )
        return names

    def count(self, table: str) -> int:
        """Rows in one of the store's tables."""
        row = self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        return int(row[0]) if row else 0


PROCESS = uuid.uuid4().hex  # marks the runs this process starts (runs.stats.process while running)


def _mark_interrupted(con: duckdb.DuckDBPyConnection) -> None:
    """Runs left 'running' by a process that died (killed, crashed) become 'interrupted'.

    The store has one writer process at a time, so a run still 'running' that this process did
    not start belongs to a process that is gone; a re-run resumes its work.
    """
    con.execute(
        "UPDATE runs SET status = 'interrupted', finished_at = now() WHERE status = 'running' "
        "AND (stats IS NULL OR json_extract_string(stats, '$.process') IS DISTINCT FROM ?)",
        [PROCESS],
    )


def _connect_waiting(path: str, timeout_s: float) -> duckdb.DuckDBPyConnection:
    """Connect, retrying while another process holds the file lock."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return duckdb.connect(path, config=NO_EXTENSIONS)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise _not_a_store(path, exc) from exc
            if time.monotonic() >= deadline:
                raise StoreLockedError(
                    f"{path}: another process is writing to this store (waited {timeout_s:g} s); "
                    "wait for it to finish, or raise CRITIC_LOCK_TIMEOUT"
                ) from exc
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise _not_a_store(path, exc) from exc


def _not_a_store(path: str, exc: Exception) -> StoreError:
    return StoreError(
        f"{path}: not a critic store (DuckDB cannot open it: {str(exc).splitlines()[0]}); "
        "pass a critic store or a new file with --db"
    )


def _refuse_foreign(con: duckdb.DuckDBPyConnection, path: str) -> None:
    """Close and refuse a DuckDB file that has tables of its own but no critic schema."""
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY 1"
        ).fetchall()
    ]
    if tables and "_migrations" not in tables:
        con.close()
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise StoreError(
            f"{path}: a DuckDB database with other tables ({shown}), not a critic store; critic adds "
            "nothing to it — pass a critic store or a new file with --db"
        )
