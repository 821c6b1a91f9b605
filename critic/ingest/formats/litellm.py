# SPDX-License-Identifier: Apache-2.0
"""LiteLLM's standard logging payload: what its callbacks (`StandardLoggingPayload`) and spend logs write.

Mapping: `id` → id; `startTime` → ts (epoch seconds or ISO); `endTime − startTime` → latency_ms;
`model`; `messages` → input; `response.choices[0].message.content` (or a text `response`) → output;
`response.choices[0].finish_reason` → finish_reason; `prompt_tokens`, `completion_tokens`;
`response_cost` → cost_usd; `end_user`, else `metadata.user_api_key_user_id` → user_id;
`metadata.session_id`, else `trace_id` → session_id; `metadata.feature`, else
`metadata.user_api_key_team_alias` → feature. A failed call (`status: failure`) is kept with an
empty output and finish_reason `error`: a user saw nothing. `metadata.source` keeps the ids.
"""

from __future__ import annotations

import duckdb

CLAIM = ("(list_contains(k, 'call_type') AND list_has_any(k, ['response_cost', 'model_group', 'hidden_params', "
         "'api_base']))")  # k: the record's top-level keys


def _seconds(field: str) -> str:
    """A time field as epoch seconds: LiteLLM writes floats; spend logs write ISO strings."""
    return (f"coalesce(TRY_CAST(j->>'{field}' AS DOUBLE), "
            f"epoch_ms(TRY_CAST(j->>'{field}' AS TIMESTAMPTZ)) / 1000.0)")


def expand(con: duckdb.DuckDBPyConnection) -> int:
    """Append a critic record for every claimed LiteLLM payload to `expanded`; none are skipped."""
    failed = "((j->>'status') = 'failure')"
    con.execute(f"""
        INSERT INTO expanded
        SELECT src, rn, json_object(
            'id', j->'id',
            'ts', j->'startTime',
            'latency_ms', ({_seconds('endTime')} - {_seconds('startTime')}) * 1000,
            'model', j->'model',
            'input', CASE WHEN json_type(j->'messages') IN ('ARRAY', 'VARCHAR') THEN j->'messages'
                          WHEN json_type(j->'messages') = 'OBJECT' THEN to_json((j->'messages')::VARCHAR) END,
            'output', CASE WHEN {failed} THEN to_json('')
                           WHEN json_type(j->'response') = 'VARCHAR' THEN j->'response'
                           ELSE j->'response'->'choices'->0->'message'->'content' END,
            'finish_reason', CASE WHEN {failed} THEN 'error' ELSE j->'response'->'choices'->0->>'finish_reason' END,
            'input_tokens', j->'prompt_tokens', 'output_tokens', j->'completion_tokens',
            'cost_usd', j->'response_cost',
            'user_id', coalesce(nullif(j->'end_user', 'null'::JSON), nullif(j->'metadata'->'user_api_key_user_id', 'null'::JSON)),
            'session_id', coalesce(nullif(j->'metadata'->'session_id', 'null'::JSON), nullif(j->'trace_id', 'null'::JSON)),
            'feature', coalesce(nullif(j->'metadata'->'feature', 'null'::JSON), nullif(j->'metadata'->'user_api_key_team_alias', 'null'::JSON)),
            'metadata', json_object('source', json_object('format', 'litellm', 'id', j->>'id', 'trace_id', j->>'trace_id'),
                                    'call_type', j->>'call_type', 'model_group', j->>'model_group',
                                    'api_base', j->>'api_base', 'cache_hit', j->'cache_hit', 'status', j->>'status',
                                    'error', j->>'error_str')
        ) AS j
        FROM claimed WHERE fmt = 'litellm'
    """)
    return 0
