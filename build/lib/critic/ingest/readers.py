"""Read logged-traffic files into a staging table of one JSON object per record, via DuckDB's readers.

Errors the readers raise (malformed JSON, invalid UTF-8) are located line by line in Python,
which runs only on the failing file.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from critic.errors import InputError

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
MAX_OBJECT_BYTES = 1 << 30  # DuckDB's default (16 MB) would reject large records; accept up to 1 GiB


@dataclass(frozen=True)
class Source:
    """One input file: its name in messages, the path DuckDB reads and its format."""

    name: str
    path: str
    format: str


def resolve_source(arg: str, workdir: Path) -> Source:
    """Turn a command-line argument into a Source; '-' copies stdin (JSONL) into WORKDIR."""
    if arg == "-":
        copy = workdir / "stdin.jsonl"
        with copy.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        return Source("<stdin>", str(copy), "jsonl")
    path = Path(arg)
    if not path.is_file():
        raise InputError(arg, None, "no such file; check the path")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(arg, None, f"unknown extension {path.suffix!r}; use one of {', '.join(sorted(FORMATS))}")
    return Source(arg, str(path), fmt)


def _reader_sql(source: Source) -> str:
    path = source.path.replace("'", "''")
    if source.format == "jsonl":
        return f"SELECT json AS j FROM read_ndjson_objects('{path}', maximum_object_size={MAX_OBJECT_BYTES})"
    if source.format == "json":
        return (
            f"SELECT json AS j FROM read_json_objects('{path}', format='array', "
            f"maximum_object_size={MAX_OBJECT_BYTES})"
        )
    if source.format == "csv":
        return f"SELECT to_json(t) AS j FROM read_csv('{path}', all_varchar=true, header=true) t"
    return f"SELECT to_json(t) AS j FROM read_parquet('{path}') t"


def stage(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    """Create temp table `staged(src, rn, j)`: every record of every source, numbered from 1."""
    con.execute("CREATE OR REPLACE TEMP TABLE staged (src INTEGER, rn BIGINT, j JSON)")
    for index, source in enumerate(sources):
        try:
            con.execute(
                f"INSERT INTO staged SELECT {index}, row_number() OVER (), j FROM ({_reader_sql(source)})"
            )
        except duckdb.Error as exc:
            raise locate_parse_error(source, exc) from exc


def locate_parse_error(source: Source, exc: Exception) -> InputError:
    """Find the first line DuckDB could not read, and say what is wrong with it."""
    if source.format == "jsonl":
        with open(source.path, "rb") as f:
            for lineno, raw in enumerate(f, start=1):
                problem = _line_problem(raw)
                if problem:
                    return InputError(source.name, lineno, problem)
    if source.format == "json":
        try:
            text = Path(source.path).read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            return InputError(source.name, None, f"invalid UTF-8 at byte {err.start}; save the file as UTF-8")
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            return InputError(source.name, err.lineno, f"invalid JSON ({err.msg}); fix the syntax")
        if not isinstance(value, list):
            return InputError(source.name, 1, "a .json file must hold one array of records; use .jsonl for one record per line")
    detail = str(exc).splitlines()[0]
    return InputError(source.name, None, f"cannot be read as {source.format} ({detail}); fix the file or its extension")


def _line_problem(raw: bytes) -> str | None:
    """What is wrong with one JSONL line, or None if it is a readable JSON value."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"invalid UTF-8 at byte {err.start} of the line; save the file as UTF-8"
    if not text.strip():
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        return f"invalid JSON at column {err.colno} ({err.msg}); each line must be one JSON object"
    return None


def record_location(source: Source, rn: int) -> int | str:
    """The line of record RN (1-based) in SOURCE, or 'record N' where lines do not apply."""
    if source.format == "jsonl":
        seen = 0
        with open(source.path, "rb") as f:
            for lineno, raw in enumerate(f, start=1):
                if raw.strip():
                    seen += 1
                    if seen == rn:
                        return lineno
    if source.format == "csv":
        return rn + 1  # the header is line 1
    return f"record {rn}"


def workdir() -> tempfile.TemporaryDirectory[str]:
    """A scratch folder for stdin copies, removed when the ingest ends."""
    return tempfile.TemporaryDirectory(prefix="critic-ingest-")
