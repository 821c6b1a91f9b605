# SPDX-License-Identifier: Apache-2.0
"""Langfuse traces, observations and scores, as its public API returns them and its UI downloads them.

A file may hold, in any mix, one object per line or arrays of: API pages (`{"data": [...], "meta": {...}}`)
of traces (`GET /api/public/traces`), observations (`/api/public/observations`, v1 and v2) and
scores (`/api/public/scores`); single traces (`GET /api/public/traces/{id}`, with their
`observations` and `scores` embedded); and the UI's trace download (`{"trace": …, "observations": [...]}`).
Observations of type GENERATION become interactions; every other observation (SPAN, EVENT, TOOL,
AGENT, CHAIN, RETRIEVER, EMBEDDING, …) is skipped and counted by type. Mapping, critic's field: Langfuse's:

- id: observation `id`
- ts, latency_ms: `startTime`; `endTime` − `startTime`
- input (the last user turn), messages, system: `input`: a message list, `{messages: [...]}`, text, or any of these
  as a JSON string (v2)
- output (the first choice): `output`: text, a message (tool calls as readable calls), a chat completion, or any of
  these as a JSON string
- finish_reason, error: `error` and `statusMessage` when `level` is ERROR; else the completion's finish reason
- model: `model`, else `providedModelName`
- input_tokens, output_tokens: `usageDetails.input`/`output` (or `prompt_tokens`/`completion_tokens`),
  `usage.input`/`output`, `promptTokens`/`completionTokens`
- cost_usd: `calculatedTotalCost`, `totalCost`, `costDetails.total`
- context: the documents a RETRIEVER observation of the same trace returned before the generation started
- session_id, user_id, feature: the trace's (when it is in the same ingest) `sessionId`, `userId`, `name`; else the
  observation's `sessionId`, `userId`, `traceName`
- prompt_version: `promptName@promptVersion`
- metadata: `metadata`, plus `source: {format, trace_id, observation_id}`

A generation with neither input nor output (the SDK's masking, or content not sent) is kept as a call
logged without its content. A score becomes an event on its observation (or on its trace's latest
generation in the same ingest, else on the trace id): a boolean, 0/1 or ±1 score whose name says
feedback, thumbs, like or rating → `thumb_up`/`thumb_down`; any other → kind `score:NAME` with
`{value, comment, score_id, source, author, data_type, label}`. A person's annotation (`source` ANNOTATION) that
says yes or no also becomes a verdict (critic.store.review.verdicts_from_annotations).
"""

from __future__ import annotations

import duckdb

from critic.ingest.shapes import first_set

_IS_OBSERVATION = (
    "coalesce(json_type(j->'type') = 'VARCHAR' AND json_exists(j, '$.traceId') "
    "AND json_exists(j, '$.startTime'), false)"
)
_IS_SCORE = (
    "(json_exists(j, '$.name') AND (json_exists(j, '$.value') OR json_exists(j, '$.stringValue')) "
    "AND NOT json_exists(j, '$.type') AND (json_exists(j, '$.dataType') OR json_exists(j, '$.source')))"
)
_IS_TRACE = (
    "(json_exists(j, '$.timestamp') AND json_exists(j, '$.id') AND NOT json_exists(j, '$.traceId') "
    "AND (json_exists(j, '$.sessionId') OR json_exists(j, '$.userId') OR json_exists(j, '$.observations') "
    "OR json_exists(j, '$.htmlPath') OR json_exists(j, '$.projectId')))"
)
_IS_PAGE = "coalesce(json_type(j->'data') = 'ARRAY' AND json_exists(j, '$.meta'), false)"
_IS_DOWNLOAD = (
    "coalesce(json_type(j->'observations') = 'ARRAY' AND NOT json_exists(j, '$.id') "
    "AND (json_type(j->'trace') = 'OBJECT' OR json_type(j->'scores') = 'ARRAY'), false)"
)
# k: the record's top-level keys (one parse for every record of every file; the tests above run only on these)
CLAIM = (
    "(list_has_all(k, ['data', 'meta']) OR list_has_all(k, ['trace', 'observations']) "
    "OR (list_has_all(k, ['observations', 'scores']) AND NOT list_contains(k, 'id')) "
    "OR list_has_all(k, ['traceId', 'type', 'startTime']) "
    "OR (list_contains(k, 'name') AND list_has_any(k, ['value', 'stringValue']) "
    "AND list_has_any(k, ['traceId', 'observationId', 'sessionId']) "
    "AND list_has_any(k, ['dataType', 'source'])) "
    "OR (list_has_all(k, ['id', 'timestamp']) AND NOT list_contains(k, 'traceId') "
    "AND list_has_any(k, ['sessionId', 'userId', 'observations', 'htmlPath', 'projectId'])))"
)
CLAIM = f"({CLAIM} AND ({_IS_PAGE} OR {_IS_DOWNLOAD} OR {_IS_OBSERVATION} OR {_IS_SCORE} OR {_IS_TRACE}))"
FEEDBACK = "(?i)(feedback|thumb|like|user.?rating|helpful|satisf)"


def _logged(expr: str) -> str:
    """SQL: EXPR holds logged content (Python SDKs write a missing value as the string 'None')."""
    return f"(coalesce(json_type({expr}), 'NULL') <> 'NULL' AND ({expr}->>'$') NOT IN ('', 'None', 'null'))"


def expand(con: duckdb.DuckDBPyConnection) -> None:
    """Append critic records for claimed Langfuse objects to `expanded`; other observations to `skipped`."""
    _objects(con)
    _generations(con)
    _scores(con)
    con.execute("""
        INSERT INTO skipped
        SELECT src, rn, 'langfuse ' || (j->>'type') || ' observation' FROM lf
        WHERE kind = 'observation' AND (j->>'type') <> 'GENERATION'
        UNION ALL
        SELECT src, rn, 'langfuse trace whose observations are not in this ingest' FROM lf t
        WHERE kind = 'trace' AND NOT EXISTS (SELECT 1 FROM lf o WHERE o.kind = 'observation'
                                             AND (o.j->>'traceId') = t.j->>'id')
        UNION ALL
        SELECT src, rn, 'langfuse score on a session' FROM lf WHERE kind = 'score' AND (j->>'traceId') IS NULL
            AND (j->>'observationId') IS NULL
    """)
    con.execute("DROP TABLE lf")


def _objects(con: duckdb.DuckDBPyConnection) -> None:
    """lf(src, rn, j, kind): every trace, observation and score, out of pages, downloads and single traces."""
    # which shape each record is, from one parse of it (a page is one large record: each test would parse it again)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE lf_in AS
        SELECT src, rn, j, CASE WHEN t[1] = 'ARRAY' AND t[2] IS NOT NULL THEN 'page'
                                WHEN t[4] = 'ARRAY' AND t[6] IS NULL AND (t[3] = 'OBJECT' OR t[5] = 'ARRAY')
                                    THEN 'download'
                                ELSE 'object' END AS shape, t[3] = 'OBJECT' AS has_trace, t[5] = 'ARRAY' AS has_scores
        FROM (SELECT src, rn, j, json_type(j, ['$.data', '$.meta', '$.trace', '$.observations', '$.scores', '$.id'])
            AS t
              FROM claimed WHERE fmt = 'langfuse')
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE lf_top AS
        SELECT src, rn, j FROM lf_in WHERE shape = 'object'
        UNION ALL
        SELECT src, rn, unnest(json_extract(j, '$.data[*]')) AS j FROM lf_in WHERE shape = 'page'
        UNION ALL
        SELECT src, rn, j->'trace' FROM lf_in WHERE shape = 'download' AND has_trace
        UNION ALL
        SELECT src, rn, unnest(json_extract(j, '$.scores[*]')) FROM lf_in WHERE shape = 'download' AND has_scores
        UNION ALL
        SELECT src, rn, json_merge_patch(o, json_object('traceId', coalesce(o->>'traceId', j->'trace'->>'id')))
        FROM (SELECT src, rn, j, unnest(json_extract(j, '$.observations[*]')) AS o FROM lf_in WHERE shape = 'download')
        WHERE json_type(o) = 'OBJECT'
    """)
    con.execute("DROP TABLE lf_in")
    # a single trace (GET /traces/{{id}}) embeds its observations and scores as objects; a page of traces, their ids
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lf AS
        WITH items AS (
            SELECT src, rn, j FROM lf_top
            UNION ALL
            SELECT src, rn, json_merge_patch(e, json_object('traceId', coalesce(e->>'traceId', j->>'id')))
            FROM (SELECT src, rn, j, unnest(json_extract(j, '$.observations[*]')) AS e FROM lf_top
                  WHERE json_type(j->'observations') = 'ARRAY' AND NOT json_exists(j, '$.traceId'))
            WHERE json_type(e) = 'OBJECT'
            UNION ALL
            SELECT src, rn, json_merge_patch(e, json_object('traceId', coalesce(e->>'traceId', j->>'id')))
            FROM (SELECT src, rn, j, unnest(json_extract(j, '$.scores[*]')) AS e FROM lf_top
                  WHERE json_type(j->'scores') = 'ARRAY' AND NOT json_exists(j, '$.traceId'))
            WHERE json_type(e) = 'OBJECT'
        )
        SELECT src, rn, j, CASE WHEN {_IS_OBSERVATION} THEN 'observation' WHEN {_IS_SCORE} THEN 'score'
                                WHEN {_IS_TRACE} THEN 'trace' END AS kind
        FROM items
        -- the same object twice (a download lists observations at the top and in its trace): the fullest once
        QUALIFY (j->>'id') IS NULL OR row_number() OVER (PARTITION BY kind, j->>'id'
                                                         ORDER BY length(j::VARCHAR) DESC, src, rn) = 1
    """)
    con.execute("DROP TABLE lf_top")


# A generation is parsed once into these fields, as JSON values: the SQL below reads o.FIELD
OBSERVATION = (
    "{"
    + ", ".join(
        f'"{name}": "JSON"'
        for name in (
            "calculatedTotalCost",
            "completionTokens",
            "costDetails",
            "endTime",
            "id",
            "input",
            "inputUsage",
            "level",
            "metadata",
            "model",
            "name",
            "output",
            "outputUsage",
            "promptName",
            "promptTokens",
            "promptVersion",
            "providedModelName",
            "sessionId",
            "startTime",
            "statusMessage",
            "totalCost",
            "traceId",
            "traceName",
            "usage",
            "usageDetails",
            "userId",
        )
    )
    + "}"
)


def _generations(con: duckdb.DuckDBPyConnection) -> None:
    ms = "epoch_us(TRY_CAST({} AS TIMESTAMPTZ)) / 1000.0"
    failed = "((o.level->>'$') = 'ERROR')"
    usage = "o.usageDetails"
    con.execute(f"""
        INSERT INTO expanded
        SELECT o.src, o.rn, json_object(
            'id', o.id,
            'ts', o.startTime,
            'latency_ms', {ms.format("(o.endTime->>'$')")} - {ms.format("(o.startTime->>'$')")},
            'model', {first_set("o.model", "o.providedModelName")},
            'input', CASE WHEN {_logged("o.input")} THEN coalesce(critic_messages(o.input),
                          critic_transcript(o.input), to_json(critic_prompt(o.input))) END,
            'output', CASE WHEN {_logged("o.output")} THEN to_json(critic_output(o.output)) END,
            'has_content', {_logged("o.output")},  -- a reply not logged (still running, masked) cannot be judged
            'finish_reason', CASE WHEN {failed} THEN 'error'
                                  ELSE critic_unstring(o.output)->'choices'->0->>'finish_reason' END,
            'error', CASE WHEN {failed} THEN coalesce((o.statusMessage->>'$'), 'error') END,
            'input_tokens', {
        first_set(
            f"{usage}->'input'", f"{usage}->'prompt_tokens'", "o.usage->'input'", "o.promptTokens", "o.inputUsage"
        )
    },
            'output_tokens', {
        first_set(
            f"{usage}->'output'",
            f"{usage}->'completion_tokens'",
            "o.usage->'output'",
            "o.completionTokens",
            "o.outputUsage",
        )
    },
            'cost_usd', {first_set("o.calculatedTotalCost", "o.totalCost", "o.costDetails->'total'")},
            'context', (SELECT critic_documents(r.j->'output') FROM lf r WHERE r.kind = 'observation'
                        AND (r.j->>'type') = 'RETRIEVER' AND (r.j->>'traceId') = (o.traceId->>'$')
                        AND (r.j->>'startTime') <= (o.startTime->>'$') ORDER BY r.j->>'startTime' DESC LIMIT 1),
            'session_id', {first_set("t.j->'sessionId'", "o.sessionId")},
            'user_id', {first_set("t.j->'userId'", "o.userId")},
            'feature', {first_set("t.j->'name'", "o.traceName")},
            'prompt_version', CASE WHEN (o.promptName->>'$') IS NOT NULL
                                   THEN (o.promptName->>'$') || '@' || coalesce((o.promptVersion->>'$'), '?') END,
            'metadata', json_merge_patch(CASE WHEN json_type(critic_unstring(o.metadata)) = 'OBJECT'
                                              THEN critic_unstring(o.metadata) ELSE '{{}}'::JSON END,
                                         json_object('source', json_object('format', 'langfuse',
                                                     'trace_id', (o.traceId->>'$'), 'observation_id', (o.id->>'$')),
                                                     'observation_name', (o.name->>'$'),
                                                     'choices', critic_choices(o.output)))
        ) AS j
        FROM (SELECT src, rn, unnest(from_json(j, '{OBSERVATION}')) FROM lf
              WHERE kind = 'observation' AND (j->>'type') = 'GENERATION') o
        LEFT JOIN (SELECT j FROM lf WHERE kind = 'trace') t ON (t.j->>'id') = (o.traceId->>'$')
    """)


def _scores(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"""
        INSERT INTO expanded
        WITH latest AS (
            SELECT j->>'traceId' AS trace_id, arg_max(j->>'id', j->>'startTime') AS observation_id
            FROM lf WHERE kind = 'observation' AND (j->>'type') = 'GENERATION' GROUP BY 1
        ), s AS (
            SELECT src, rn, j, TRY_CAST(j->>'value' AS DOUBLE) AS v,
                   (j->>'dataType') = 'BOOLEAN' OR TRY_CAST(j->>'value' AS DOUBLE) IN (-1, 0, 1) AS is_binary
            FROM lf WHERE kind = 'score' AND ((j->>'traceId') IS NOT NULL OR (j->>'observationId') IS NOT NULL)
        )
        SELECT s.src, s.rn, json_object(
            'interaction_id', coalesce(s.j->>'observationId', latest.observation_id, s.j->>'traceId'),
            'kind', CASE WHEN is_binary AND regexp_matches(s.j->>'name', '{FEEDBACK}')
                         THEN CASE WHEN v > 0 THEN 'thumb_up' ELSE 'thumb_down' END
                         ELSE 'score:' || (s.j->>'name') END,
            'ts', coalesce(nullif(s.j->'timestamp', 'null'::JSON), nullif(s.j->'createdAt', 'null'::JSON)),
            'value', json_object('value', coalesce(s.j->'value', s.j->'stringValue'), 'comment', s.j->'comment',
                                 'score_id', s.j->'id', 'source', s.j->'source', 'author', s.j->'authorUserId',
                                 'data_type', s.j->'dataType', 'label', s.j->'stringValue')
        ) AS j
        FROM s LEFT JOIN latest ON latest.trace_id = s.j->>'traceId'
    """)
