# SPDX-License-Identifier: Apache-2.0
"""Logs where teams already keep them, rewritten in SQL into critic's own records before validation.

Each format is a small module with `CLAIM` (SQL over a record `j` and its top-level keys `k`:
does it belong to the format) and
`expand(con)` (SQL: it appends to the temp table `expanded(src, rn, j)` the critic interaction and
event records it maps to, and to `skipped(src, rn, reason)` the records it recognised that are no
LLM call, such as a retriever or tool span). Records keep their source
line (`rn`), so a record critic cannot map fails with FILE:LINE like any other. The ids each
source gives (trace, span, observation) are kept in `metadata.source`, so `critic export`
can send verdicts back to the same place.

- `otel`: OpenTelemetry GenAI spans and OpenInference (Arize Phoenix) spans in OTLP JSON
- `langfuse`: Langfuse traces, observations (GENERATION) and scores, as its public API returns them
- `litellm`: LiteLLM's standard logging payload (callbacks, spend logs)
"""

from __future__ import annotations

import duckdb

from critic.errors import OptionError
from critic.ingest.formats import langfuse, litellm, otel

FORMATS = {"otel": otel, "langfuse": langfuse, "litellm": litellm}
NAMES = ("critic", *FORMATS)  # --from: critic is critic's own records and OpenAI chat-completions logs


def expand(con: duckdb.DuckDBPyConnection, only: str | None = None, *, strict: bool = False) -> dict[str, int]:
    """Rewrite `staged` so that every record of a known format is replaced by the critic records it maps to.

    ONLY (a name of NAMES) forces one format: a record that is not of it fails. Returns how many
    recognised records map to no LLM call (spans that are no LLM call, observations that are no
    generation), by reason; under STRICT the first of them fails instead.
    """
    if only is not None and only not in NAMES:
        raise OptionError(f"--from {only!r}: use one of {', '.join(NAMES)}")
    claims = " ".join(f"WHEN {module.CLAIM} THEN '{name}'" for name, module in FORMATS.items())
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE claimed AS SELECT src, rn, j, CASE {claims} END AS fmt "
        f"FROM (SELECT src, rn, j, json_keys(j) AS k FROM staged)"
    )
    con.execute("DELETE FROM claimed WHERE fmt IS NULL")
    if only is not None:
        _require(con, only)
    found = [r[0] for r in con.execute("SELECT DISTINCT fmt FROM claimed ORDER BY 1").fetchall()]
    if not found:
        return {}
    con.execute("CREATE OR REPLACE TEMP TABLE expanded (src INTEGER, rn BIGINT, j JSON)")
    con.execute("CREATE OR REPLACE TEMP TABLE skipped (src INTEGER, rn BIGINT, reason VARCHAR)")
    for name in found:
        FORMATS[name].expand(con)
    first = con.execute("SELECT src, rn, reason FROM skipped ORDER BY src, rn LIMIT 1").fetchone()
    if strict and first is not None:
        raise ForeignRecord(
            int(first[0]),
            int(first[1]),
            f"{first[2]}: not an LLM call critic can map; "
            "drop --strict to skip such records (they are counted by reason)",
        )
    counts = dict(con.execute("SELECT reason, count(*) FROM skipped GROUP BY 1 ORDER BY 2 DESC, 1").fetchall())
    con.execute("DELETE FROM staged WHERE (src, rn) IN (SELECT src, rn FROM claimed)")
    con.execute("INSERT INTO staged SELECT src, rn, j FROM expanded")
    for table in ("claimed", "expanded", "skipped"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return {str(k): int(v) for k, v in counts.items()}


def _require(con: duckdb.DuckDBPyConnection, only: str) -> None:
    """Under --from ONLY, mark every staged record that is not of ONLY as a problem for its line."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE foreign_records AS SELECT s.src, s.rn FROM staged s "
        "LEFT JOIN claimed c USING (src, rn) WHERE coalesce(c.fmt, 'critic') <> ?",
        [only],
    )
    row = con.execute("SELECT src, rn FROM foreign_records ORDER BY src, rn LIMIT 1").fetchone()
    con.execute("DROP TABLE foreign_records")
    if row is not None:
        raise ForeignRecord(
            int(row[0]),
            int(row[1]),
            f"not a {only} record; drop --from {only} to detect each "
            f"record's format, or fix the file ({only}: see the README's *Where your logs are*)",
        )


class ForeignRecord(Exception):
    """A record refused for its format (not the one --from names, or unmappable under --strict); critic.ingest
    turns it into FILE:LINE."""

    def __init__(self, src: int, rn: int, message: str) -> None:
        super().__init__(message)
        self.src, self.rn = src, rn
