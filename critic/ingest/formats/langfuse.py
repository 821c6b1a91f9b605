# SPDX-License-Identifier: Apache-2.0
"""Langfuse traces, observations and scores, as its public API returns them (and the UI's JSON export).

A file may hold API pages (`{"data": [...], "meta": {...}}`), arrays or one object per line, of
traces (`GET /api/public/traces`), observations (`/api/public/observations`) and scores
(`/api/public/scores`), in any mix. Observations of type GENERATION become interactions; other
observations are skipped. Mapping:

| critic | Langfuse |
| --- | --- |
| id | observation `id` |
| ts, latency_ms | `startTime`; `endTime` − `startTime` |
| input, output | `input` (a message list, `{messages: [...]}`, or text), `output` (text, or a message's `content`) |
| model | `model` |
| input_tokens, output_tokens | `usageDetails.input`/`output`, else `usage.input`/`output`, else `promptTokens`/`completionTokens` |
| cost_usd | `calculatedTotalCost`, else `costDetails.total` |
| session_id, user_id, feature | the trace's `sessionId`, `userId`, `name` (when the trace is in the same ingest) |
| prompt_version | `promptName@promptVersion` |
| metadata | `metadata`, plus `source: {format, trace_id, observation_id}` |

A score becomes an event on its observation (or on its trace's latest generation in the same
ingest, else on the trace id): a boolean, 0/1 or ±1 score whose name says feedback, thumbs, like
or rating → `thumb_up`/`thumb_down`; any other → kind `score:NAME` with `{value, comment, score_id}`.
"""

from __future__ import annotations

import duckdb

_IS_OBSERVATION = "((j->>'type') IN ('GENERATION', 'SPAN', 'EVENT') AND json_exists(j, '$.traceId'))"
_IS_SCORE = ("(json_exists(j, '$.traceId') AND json_exists(j, '$.name') AND json_exists(j, '$.value') "
             "AND NOT json_exists(j, '$.type') AND (json_exists(j, '$.dataType') OR json_exists(j, '$.source')))")
_IS_TRACE = ("(json_exists(j, '$.timestamp') AND json_exists(j, '$.id') AND NOT json_exists(j, '$.traceId') "
             "AND (json_exists(j, '$.sessionId') OR json_exists(j, '$.userId') OR json_exists(j, '$.observations') "
             "OR json_exists(j, '$.htmlPath')))")
_IS_PAGE = "(json_type(j->'data') = 'ARRAY' AND json_exists(j, '$.meta'))"
# k: the record's top-level keys (one parse for every record of every file; the tests above run only on these)
CLAIM = ("(list_has_all(k, ['data', 'meta']) OR list_has_all(k, ['traceId', 'type', 'startTime']) "
         "OR (list_has_all(k, ['traceId', 'name', 'value']) AND list_has_any(k, ['dataType', 'source'])) "
         "OR (list_has_all(k, ['id', 'timestamp']) AND NOT list_contains(k, 'traceId') "
         "AND list_has_any(k, ['sessionId', 'userId', 'observations', 'htmlPath'])))")
CLAIM = f"({CLAIM} AND ({_IS_PAGE} OR {_IS_OBSERVATION} OR {_IS_SCORE} OR {_IS_TRACE}))"
FEEDBACK = "(?i)(feedback|thumb|like|user.?rating|helpful|satisf)"


def expand(con: duckdb.DuckDBPyConnection) -> int:
    """Append critic records for claimed Langfuse objects to `expanded`; how many observations were skipped."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lf AS
        WITH items AS (
            SELECT src, rn, j FROM claimed WHERE fmt = 'langfuse' AND NOT {_IS_PAGE}
            UNION ALL
            SELECT src, rn, unnest(from_json(j->'data', '["json"]')) AS j FROM claimed WHERE fmt = 'langfuse' AND {_IS_PAGE}
        )
        SELECT src, rn, j, CASE WHEN {_IS_OBSERVATION} THEN 'observation' WHEN {_IS_SCORE} THEN 'score'
                                WHEN {_IS_TRACE} THEN 'trace' END AS kind
        FROM items
    """)
    ms = "epoch_us(TRY_CAST({} AS TIMESTAMPTZ)) / 1000.0"
    con.execute(f"""
        INSERT INTO expanded
        SELECT o.src, o.rn, json_object(
            'id', o.j->'id',
            'ts', o.j->'startTime',
            'latency_ms', {ms.format("o.j->>'endTime'")} - {ms.format("o.j->>'startTime'")},
            'model', o.j->'model',
            'input', CASE WHEN json_type(o.j->'input') = 'OBJECT' AND json_type(o.j->'input'->'messages') = 'ARRAY'
                          THEN o.j->'input'->'messages'
                          WHEN json_type(o.j->'input') IN ('VARCHAR', 'ARRAY') THEN o.j->'input'
                          WHEN (o.j->'input') IS NOT NULL AND json_type(o.j->'input') <> 'NULL'
                          THEN to_json((o.j->'input')::VARCHAR) END,
            'output', CASE WHEN json_type(o.j->'output') = 'VARCHAR' THEN o.j->'output'
                           WHEN json_type(o.j->'output'->'content') IN ('VARCHAR', 'ARRAY') THEN o.j->'output'->'content'
                           WHEN json_type(o.j->'output') = 'OBJECT' AND (o.j->'output'->'choices') IS NOT NULL
                           THEN o.j->'output'->'choices'->0->'message'->'content'
                           WHEN (o.j->'output') IS NOT NULL AND json_type(o.j->'output') <> 'NULL'
                           THEN to_json((o.j->'output')::VARCHAR) END,
            'input_tokens', coalesce(nullif(o.j->'usageDetails'->'input', 'null'::JSON), nullif(o.j->'usage'->'input', 'null'::JSON), nullif(o.j->'promptTokens', 'null'::JSON)),
            'output_tokens', coalesce(nullif(o.j->'usageDetails'->'output', 'null'::JSON), nullif(o.j->'usage'->'output', 'null'::JSON), nullif(o.j->'completionTokens', 'null'::JSON)),
            'cost_usd', coalesce(nullif(o.j->'calculatedTotalCost', 'null'::JSON), nullif(o.j->'costDetails'->'total', 'null'::JSON)),
            'session_id', t.j->'sessionId', 'user_id', t.j->'userId', 'feature', t.j->'name',
            'prompt_version', CASE WHEN (o.j->>'promptName') IS NOT NULL
                                   THEN o.j->>'promptName' || '@' || coalesce(o.j->>'promptVersion', '?') END,
            'metadata', json_merge_patch(CASE WHEN json_type(o.j->'metadata') = 'OBJECT' THEN o.j->'metadata'
                                              ELSE '{{}}'::JSON END,
                                         json_object('source', json_object('format', 'langfuse',
                                                     'trace_id', o.j->>'traceId', 'observation_id', o.j->>'id'),
                                                     'observation_name', o.j->>'name'))
        ) AS j
        FROM lf o LEFT JOIN (SELECT j FROM lf WHERE kind = 'trace') t ON (t.j->>'id') = o.j->>'traceId'
        WHERE o.kind = 'observation' AND (o.j->>'type') = 'GENERATION'
    """)
    con.execute(f"""
        INSERT INTO expanded
        WITH latest AS (
            SELECT j->>'traceId' AS trace_id, arg_max(j->>'id', j->>'startTime') AS observation_id
            FROM lf WHERE kind = 'observation' AND (j->>'type') = 'GENERATION' GROUP BY 1
        ), s AS (
            SELECT src, rn, j, TRY_CAST(j->>'value' AS DOUBLE) AS v,
                   (j->>'dataType') = 'BOOLEAN' OR TRY_CAST(j->>'value' AS DOUBLE) IN (-1, 0, 1) AS is_binary
            FROM lf WHERE kind = 'score'
        )
        SELECT s.src, s.rn, json_object(
            'interaction_id', coalesce(s.j->>'observationId', latest.observation_id, s.j->>'traceId'),
            'kind', CASE WHEN is_binary AND regexp_matches(s.j->>'name', '{FEEDBACK}')
                         THEN CASE WHEN v > 0 THEN 'thumb_up' ELSE 'thumb_down' END
                         ELSE 'score:' || (s.j->>'name') END,
            'ts', coalesce(nullif(s.j->'timestamp', 'null'::JSON), nullif(s.j->'createdAt', 'null'::JSON)),
            'value', json_object('value', s.j->'value', 'comment', s.j->'comment', 'score_id', s.j->'id')
        ) AS j
        FROM s LEFT JOIN latest ON latest.trace_id = s.j->>'traceId'
    """)
    row = con.execute("SELECT count(*) FROM lf WHERE kind = 'observation' AND (j->>'type') <> 'GENERATION'").fetchone()
    con.execute("DROP TABLE lf")
    return int(row[0]) if row else 0
