"""Read logged-traffic files into a staging table of one JSON object per record, via DuckDB's readers.

Errors the readers raise (malformed JSON, invalid UTF-8) are located line by line in Python,
which runs only on the failing file.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from critic.errors import InputError
from critic.sql import literal

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".parquet": "parquet"}
MAX_OBJECT_BYTES = 1 << 30  # DuckDB's default (16 MB) would reject large records; accept up to 1 GiB


@dataclass(frozen=True)
class Source:
    """One input file: its name in messages, the path DuckDB reads and its format.

    A CSV file is read by Python's csv module (strict quoting, exact field counts, any field size)
    into a JSONL copy; `lines` then holds the line each of its records starts on.
    """

    name: str
    path: str
    format: str
    lines: tuple[int, ...] | None = None


def resolve_source(arg: str, workdir: Path) -> Source:
    """Turn a command-line argument into a Source; '-' copies stdin (JSONL) into WORKDIR."""
    if arg == "-":
        copy = workdir / "stdin.jsonl"
        with copy.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out)
        return Source("<stdin>", str(copy), "jsonl")
    path = Path(arg)
    if path.is_dir():
        raise InputError(arg, None, "is a folder; pass the files in it, e.g. critic ingest logs/*.jsonl")
    if not path.is_file():
        raise InputError(arg, None, "no such file; check the path")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(arg, None, f"unknown extension {path.suffix!r}; use one of {', '.join(sorted(FORMATS))}")
    return Source(arg, str(path), fmt)


def _reader_sql(source: Source) -> str:
    path = literal(source.path)
    if source.format == "jsonl":
        return f"SELECT json AS j FROM read_ndjson_objects({path}, maximum_object_size={MAX_OBJECT_BYTES})"
    if source.format == "json":
        return f"SELECT json AS j FROM read_json_objects({path}, format='auto', maximum_object_size={MAX_OBJECT_BYTES})"
    return f"SELECT to_json(t) AS j FROM read_parquet({path}) t"


def prepare(sources: list[Source], workdir: Path) -> list[Source]:
    """SOURCES ready for DuckDB: CSV files copied to JSONL by a strict reader; a .json array checked closed."""
    ready = []
    for index, source in enumerate(sources):
        if source.format == "csv":
            source = csv_to_jsonl(source, workdir / f"csv-{index}.jsonl")
        elif source.format == "json":
            _require_closed_array(source)
        ready.append(source)
    return ready


def csv_to_jsonl(source: Source, out: Path) -> Source:
    """Copy a CSV file with a header row to JSONL (empty fields left out); InputError at the first bad row."""
    csv.field_size_limit(MAX_OBJECT_BYTES)
    lines: list[int] = []
    start = 1
    try:
        with open(source.path, newline="", encoding="utf-8-sig") as f, out.open("w", encoding="utf-8") as w:
            reader = csv.reader(f, strict=True)
            header = next(reader, None)
            if not header:
                raise InputError(
                    source.name, 1, "empty CSV file; the first line must name the columns (id,ts,output,...)"
                )
            named = [h.strip() for h in header]
            if "" in named or len(set(named)) != len(named):
                raise InputError(source.name, 1, "the header row needs distinct, non-empty column names")
            while True:
                start = reader.line_num + 1
                row = next(reader, None)
                if row is None:
                    break
                if not row:
                    continue
                if len(row) != len(named):
                    raise InputError(
                        source.name,
                        start,
                        f"{len(row)} fields, but the header names {len(named)} "
                        f"({', '.join(named)}); quote fields that contain commas or line breaks",
                    )
                w.write(json.dumps({k: v for k, v in zip(named, row) if v != ""}) + "\n")
                lines.append(start)
    except csv.Error as exc:
        raise InputError(
            source.name, start, f'CSV syntax error ({exc}); close every quoted field and double a quote inside one ("")'
        ) from exc
    except UnicodeDecodeError:
        line = _first_bad_utf8_line(source.path)
        raise InputError(source.name, line, "invalid UTF-8; save the file as UTF-8") from None
    return Source(source.name, str(out), "jsonl", tuple(lines))


def _first_bad_utf8_line(path: str) -> int | None:
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return lineno
    return None


def _require_closed_array(source: Source) -> None:
    """A .json file must start with '[' and end with ']' (DuckDB accepts an array left open)."""
    with open(source.path, "rb") as f:
        head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        f.seek(max(0, Path(source.path).stat().st_size - 64))
        tail = f.read().rstrip(b" \t\r\n")
    if head.startswith(b"{") and tail.endswith(b"}"):
        return  # one object (an OTLP export request, an API page): read as it is
    if not head.startswith(b"["):
        raise InputError(
            source.name,
            1,
            "a .json file must hold one array of records (or one object); use .jsonl for one record per line",
        )
    if not tail.endswith(b"]"):
        lines = Path(source.path).read_bytes().count(b"\n") + 1
        raise InputError(
            source.name,
            lines,
            "the JSON array is never closed (the file ends before its ']'); the file may be cut short",
        )


def stage(con: duckdb.DuckDBPyConnection, sources: list[Source]) -> None:
    """Create temp table `staged(src, rn, j)`: every record of every source, numbered from 1."""
    con.execute("CREATE OR REPLACE TEMP TABLE staged (src INTEGER, rn BIGINT, j JSON)")
    for index, source in enumerate(sources):
        try:
            con.execute(f"INSERT INTO staged SELECT {index}, row_number() OVER (), j FROM ({_reader_sql(source)})")
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
            return InputError(
                source.name, 1, "a .json file must hold one array of records; use .jsonl for one record per line"
            )
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
        cut = (
            err.pos >= len(text.rstrip("\r\n"))
            or err.msg.startswith("Unterminated string")
            or err.msg.startswith("Invalid control")
            and text[err.pos : err.pos + 1] in ("\r", "\n")
        )
        if cut:
            return "the line ends before its JSON object does (cut short?); each line must be one whole JSON object"
        return f"invalid JSON at column {err.colno} ({err.msg}); each line must be one JSON object"
    return _lone_surrogate(text)


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _lone_surrogate(text: str) -> str | None:
    """Why TEXT (valid JSON) still cannot be stored: a \\uD800–\\uDFFF escape with no partner, which no UTF-8 text
    can hold; or None."""
    try:
        json.dumps(json.loads(text), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        found = _SURROGATE.search(text)
        at = f" ({found.group()} at column {found.start() + 1})" if found else ""
        return (
            f"a lone UTF-16 surrogate{at}: half of a character, which UTF-8 cannot hold; "
            "fix the program that wrote it, or remove the escape"
        )
    return None


def record_location(source: Source, rn: int) -> int | str:
    """The line of record RN (1-based) in SOURCE, or 'record N' where lines do not apply."""
    if source.lines is not None:
        return source.lines[rn - 1]
    if source.format == "jsonl":
        seen = 0
        with open(source.path, "rb") as f:
            for lineno, raw in enumerate(f, start=1):
                if raw.strip():
                    seen += 1
                    if seen == rn:
                        return lineno
    return f"record {rn}"


def workdir() -> tempfile.TemporaryDirectory[str]:
    """A scratch folder for stdin copies, removed when the ingest ends."""
    return tempfile.TemporaryDirectory(prefix="critic-ingest-")
