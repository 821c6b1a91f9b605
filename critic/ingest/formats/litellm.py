# SPDX-License-Identifier: Apache-2.0
"""LiteLLM's standard logging payload (`StandardLoggingPayload`, what its callbacks get) and its spend logs.

Mapping: `id` (spend logs: `request_id`) → id; `startTime` → ts (epoch seconds or ISO);
`endTime − startTime` → latency_ms; `model`; `messages` → input (the last user turn; the chat in
messages); `response` (a chat completion, a Responses API object or text) → output, its first
choice (n>1: the others in `metadata.choices`), tool calls as readable calls;
`response.choices[0].finish_reason` → finish_reason; `prompt_tokens`, `completion_tokens`;
`response_cost` (spend logs: `spend`) → cost_usd; `end_user`, else `user`, else
`metadata.user_api_key_user_id` → user_id (an empty string is no user); `metadata.session_id`,
`session_id`, else `trace_id` → session_id; `metadata.feature`, else `metadata.user_api_key_team_alias`
→ feature. A failed call (`status: failure`) is kept with finish_reason `error` and the error class.
A payload without messages and response (spend logs keep none unless `store_prompts_in_spend_logs`
is on; `turn_off_message_logging` writes `redacted-by-litellm`) is a call logged without its content.
Calls that are no chat or text completion (embeddings, images, audio, moderation) are skipped.
`metadata.source` keeps the ids.
"""

from __future__ import annotations

import duckdb

from critic.ingest.shapes import first_set

CLAIM = (
    "(list_has_any(k, ['call_type']) AND list_has_any(k, ['response_cost', 'model_group', 'hidden_params', "
    "'api_base', 'spend', 'request_id']))"
)  # k: the record's top-level keys
NOT_GENERATION = r"(?i)(embedding|image|moderation|transcription|speech|rerank|file|batch|vector|ocr|search)"
REDACTED = "redacted-by-litellm"
# Each payload is parsed once into these fields, as JSON values: the SQL below reads r.FIELD
PAYLOAD = (
    "{"
    + ", ".join(
        f'"{name}": "JSON"'
        for name in (
            "api_base",
            "cache_hit",
            "call_type",
            "completion_tokens",
            "endTime",
            "end_user",
            "error_information",
            "error_str",
            "id",
            "messages",
            "metadata",
            "model",
            "model_group",
            "prompt_tokens",
            "request_id",
            "response",
            "response_cost",
            "session_id",
            "spend",
            "startTime",
            "status",
            "trace_id",
            "user",
        )
    )
    + "}"
)


def _seconds(field: str) -> str:
    """A time field as epoch seconds: LiteLLM writes floats; spend logs write ISO strings."""
    return f"coalesce(TRY_CAST(r.{field}->>'$' AS DOUBLE), epoch_ms(TRY_CAST(r.{field}->>'$' AS TIMESTAMPTZ)) / 1000.0)"


def _logged(field: str) -> str:
    """SQL: FIELD holds logged content (not null, not {} or '', not LiteLLM's redaction marker)."""
    return (
        f"(coalesce(json_type(r.{field}), 'NULL') <> 'NULL' AND (r.{field}->>'$') NOT IN ('', '{{}}', '[]') "
        f"AND NOT contains(r.{field}->>'$', '{REDACTED}'))"
    )


def expand(con: duckdb.DuckDBPyConnection) -> None:
    """Append a critic record for every claimed LiteLLM payload to `expanded`; non-generations to `skipped`."""
    failed = "((r.status->>'$') = 'failure')"
    content = f"({_logged('messages')} OR {_logged('response')})"
    generation = f"NOT regexp_matches(coalesce(r.call_type->>'$', ''), '{NOT_GENERATION}')"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE payloads AS SELECT src, rn, from_json(j, '{PAYLOAD}') AS r "
        "FROM claimed WHERE fmt = 'litellm'"
    )
    con.execute(f"""
        INSERT INTO expanded
        SELECT src, rn, json_object(
            'id', coalesce(r.id, r.request_id),
            'ts', r.startTime,
            'latency_ms', ({_seconds("endTime")} - {_seconds("startTime")}) * 1000,
            'model', r.model,
            'input', CASE WHEN {_logged("messages")} THEN critic_unstring(r.messages) END,
            'output', CASE WHEN NOT {failed} AND {_logged("response")} THEN to_json(critic_output(r.response)) END,
            'has_content', {content},
            'finish_reason', CASE WHEN {failed} THEN 'error'
                                  ELSE critic_unstring(r.response)->'choices'->0->>'finish_reason' END,
            'error', CASE WHEN {failed} THEN coalesce(r.error_information->>'error_class',
                                                      r.error_information->>'error_code', 'error') END,
            'input_tokens', r.prompt_tokens, 'output_tokens', r.completion_tokens,
            'cost_usd', coalesce(nullif(r.response_cost, 'null'::JSON), nullif(r.spend, 'null'::JSON)),
            'user_id', {first_set("r.end_user", "r.user", "r.metadata->'user_api_key_user_id'", empty=True)},
            'session_id', {first_set("r.metadata->'session_id'", "r.session_id", "r.trace_id", empty=True)},
            'feature', {first_set("r.metadata->'feature'", "r.metadata->'user_api_key_team_alias'", empty=True)},
            'metadata', json_object('source', json_object('format', 'litellm', 'id', coalesce(r.id->>'$',
                r.request_id->>'$'),
                                                          'trace_id', r.trace_id->>'$',
                                                          'response_id', critic_unstring(r.response)->>'id'),
                                    'call_type', r.call_type->>'$', 'model_group', r.model_group->>'$',
                                    'api_base', r.api_base->>'$', 'cache_hit', r.cache_hit, 'status', r.status->>'$',
                                    'error', coalesce(r.error_str->>'$', r.error_information->>'error_message'),
                                    'choices', CASE WHEN {_logged("response")} THEN critic_choices(r.response) END)
        ) AS j
        FROM payloads WHERE {generation}
    """)
    con.execute(f"""
        INSERT INTO skipped SELECT src, rn, 'litellm ' || (r.call_type->>'$') || ' call'
        FROM payloads WHERE NOT ({generation})
    """)
    con.execute("DROP TABLE payloads")
