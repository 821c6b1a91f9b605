# SPDX-License-Identifier: Apache-2.0
"""Logs where teams already keep them, rewritten in SQL into critic's own records before validation.

Each format is a small module with `CLAIM` (SQL over a record `j` and its top-level keys `k`:
does it belong to the format) and
`expand(con)` (SQL: a temp table `expanded(src, rn, j)` of critic interaction and event records,
plus `skipped`, the records it recognised but that are no LLM call). Records keep their source
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


def expand(con: duckdb.DuckDBPyConnection, only: str | None = None) -> int:
    """Rewrite `staged` so that every record of a known format is replaced by the critic records it maps to.

    ONLY (a name of NAMES) forces one format: a record that is not of it fails. Returns how many
    recognised records map to nothing (spans that are no LLM call, observations that are no
    generation).
    """
    if only is not None and only not in NAMES:
        raise OptionError(f"--from {only!r}: use one of {', '.join(NAMES)}")
    claims = " ".join(f"WHEN {module.CLAIM} THEN '{name}'" for name, module in FORMATS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE claimed AS SELECT src, rn, j, CASE {claims} END AS fmt "
                f"FROM (SELECT src, rn, j, json_keys(j) AS k FROM staged)")
    con.execute("DELETE FROM claimed WHERE fmt IS NULL")
    if only is not None:
        _require(con, only)
    found = [r[0] for r in con.execute("SELECT DISTINCT fmt FROM claimed").fetchall()]
    if not found:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE expanded (src INTEGER, rn BIGINT, j JSON)")
    skipped = 0
    for name in found:
        skipped += FORMATS[name].expand(con)
    con.execute("DELETE FROM staged WHERE (src, rn) IN (SELECT src, rn FROM claimed)")
    con.execute("INSERT INTO staged SELECT src, rn, j FROM expanded")
    for table in ("claimed", "expanded"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return skipped


def _require(con: duckdb.DuckDBPyConnection, only: str) -> None:
    """Under --from ONLY, mark every staged record that is not of ONLY as a problem for its line."""
    con.execute("CREATE OR REPLACE TEMP TABLE foreign_records AS SELECT s.src, s.rn FROM staged s "
                "LEFT JOIN claimed c USING (src, rn) WHERE coalesce(c.fmt, 'critic') <> ?", [only])
    row = con.execute("SELECT src, rn FROM foreign_records ORDER BY src, rn LIMIT 1").fetchone()
    con.execute("DROP TABLE foreign_records")
    if row is not None:
        raise ForeignRecord(int(row[0]), int(row[1]), only)


class ForeignRecord(Exception):
    """A record that is not of the format --from names; critic.ingest turns it into FILE:LINE."""

    def __init__(self, src: int, rn: int, fmt: str) -> None:
        super().__init__(f"not a {fmt} record; drop --from {fmt} to detect each record's format, "
                         f"or fix the file ({fmt}: see the README's *Where your logs are*)")
        self.src, self.rn = src, rn
