"""The house rules of ARCHITECTURE.md, checked on the source: where SQL lives, which way imports run."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "critic"
# The store's tables, as its migrations create them; SQL naming one is the store's business.
TABLES = tuple(
    re.findall(
        r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", (PACKAGE / "store" / "migrations.py").read_text(encoding="utf-8")
    )
)
# SQL keywords in either case; prose ("the scores from judgments") is told apart by the docstring exemption and by
# not sitting in SQL-shaped text: a hit needs the keyword right before a table name.
TABLE_SQL = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\s+\"?(" + "|".join(TABLES) + r")\b", re.IGNORECASE)
SPEAKS_SCHEMA = ("store", "ingest")  # ingest's staging SQL stays in ingest/
# Rooms from the ground floor up: a module imports only from its own room or a room below it.
LAYERS = (
    "errors",
    "scale",
    "sql",
    "data",
    "jsonl",
    "secrets",
    "progress",
    "config",
    "signals",
    "agreement",
    "rubrics",
    "embed",
    "store",
    "ingest",
    "judge",
    "calibrate",
    "distill",
    "combine",
    "export",
    "review",
    "triage",
    "check",
    "audit",
    "cli",
)


def _modules() -> Iterator[tuple[str, Path, ast.Module]]:
    """(room, path, tree) per module of the package; a room is a folder under critic/, or a top-level module."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        room = parts[0] if len(parts) > 1 else path.stem
        if room not in ("__init__", "__main__"):
            yield room, path, ast.parse(path.read_text(encoding="utf-8"))


def _docstrings(tree: ast.Module) -> set[int]:
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]
    return {
        id(n.body[0].value)
        for n in nodes
        if n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)
    }


def _imported_rooms(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, room) of every import of critic.ROOM in TREE, top level or inside a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] == "critic":
                rooms = [parts[1]] if len(parts) > 1 else [alias.name for alias in node.names]
                yield from ((node.lineno, room) for room in rooms)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "critic" and len(parts) > 1:
                    yield node.lineno, parts[1]


def _sql_hits(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, match) of SQL over the store's tables in TREE's strings (f-string parts included), docstrings aside."""
    skip = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield from ((node.lineno, m.group(0)) for m in TABLE_SQL.finditer(node.value))


def _connection_uses(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, what) where TREE reaches the database itself: `.con`, `.transaction(`, or DuckDB imported."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("con", "transaction"):
            yield node.lineno, f".{node.attr}"
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "duckdb" for a in node.names):
            yield node.lineno, "import duckdb"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "duckdb":
            yield node.lineno, "from duckdb"


def _outside_the_store(check: Callable[[ast.Module], Iterator[tuple[int, str]]]) -> list[str]:
    return [
        f"{path.relative_to(PACKAGE)}:{line}: {what}"
        for room, path, tree in _modules()
        if room not in SPEAKS_SCHEMA
        for line, what in check(tree)
    ]


def test_the_package_is_found() -> None:
    rooms = {room for room, _, _ in _modules()}
    assert {"store", "ingest", "judge", "combine", "triage", "review", "cli"} <= rooms  # else every rule passes


def test_only_the_store_and_ingest_write_sql_over_the_stores_tables() -> None:
    found = _outside_the_store(_sql_hits)
    assert not found, "SQL over the store's tables outside critic/store/ (add a reader or writer there):\n" + "\n".join(
        found
    )


def test_only_the_store_and_ingest_touch_the_connection() -> None:
    found = _outside_the_store(_connection_uses)
    assert not found, "the database reached outside critic/store/ and critic/ingest/:\n" + "\n".join(found)


def test_imports_run_down_the_layers() -> None:
    rank = {room: i for i, room in enumerate(LAYERS)}
    unknown = sorted({room for room, _, _ in _modules()} - set(rank))
    assert not unknown, f"rooms missing from LAYERS (place them, and in ARCHITECTURE.md): {unknown}"
    upward = [
        f"{path.relative_to(PACKAGE)}:{line}: {room} → {target}"
        for room, path, tree in _modules()
        for line, target in _imported_rooms(tree)
        if target in rank and target != room and rank[target] > rank[room]
    ]
    assert not upward, "imports that run back up:\n" + "\n".join(upward)


@pytest.mark.parametrize("room", ["store", "signals"])
def test_the_lower_floors_import_nothing_from_the_stages(room: str) -> None:
    ground = {"errors", "scale", "sql"}
    allowed = {"store": {"store", "signals", *ground}, "signals": {"signals", *ground}}[room]
    found = [
        f"{path.relative_to(PACKAGE)}:{line}: {target}"
        for r, path, tree in _modules()
        if r == room
        for line, target in _imported_rooms(tree)
        if target not in allowed
    ]
    assert not found, f"critic/{room}/ imports from above it:\n" + "\n".join(found)


def test_every_table_is_known() -> None:
    assert {"interactions", "judgments", "labels", "verdicts", "review_queue"} <= set(TABLES)


def test_the_rules_catch_what_they_forbid() -> None:
    """The checks above are not vacuous: each flags a planted example, through the same helpers."""
    tree = ast.parse(
        '"""Reads FROM judgments in a docstring: fine."""\n'
        "import duckdb\n"
        "def f(store, t):\n"
        "    with store.transaction() as con:\n"
        '        con.execute(f"select * from judgments where x = {t}")\n'
        '    return store.con.execute("INSERT INTO labels (a) VALUES (1)")\n'
    )
    assert sorted(m for _, m in _sql_hits(tree)) == ["INTO labels", "from judgments"]
    assert sorted(w for _, w in _connection_uses(tree)) == [".con", ".transaction", "import duckdb"]
    assert list(_imported_rooms(ast.parse("from critic import scale\nimport critic.triage.report\n"))) == [
        (1, "scale"),
        (2, "triage"),
    ]
