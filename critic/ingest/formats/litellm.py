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

CLAIM = ("(list_has_any(k, ['call_type']) AND list_has_any(k, ['response_cost', 'model_group', 'hidden_params', "
         "'api_base', 'spend', 'request_id']))")  # k: the record's top-level keys
NOT_GENERATION = r"(?i)(embedding|image|moderation|transcription|speech|rerank|file|batch|vector|ocr|search)"
REDACTED = "redacted-by-litellm"


def _seconds(field: str) -> str:
    """A time field as epoch seconds: LiteLLM writes floats; spend logs write ISO strings."""
    return (f"coalesce(TRY_CAST(j->>'{field}' AS DOUBLE), "
            f"epoch_ms(TRY_CAST(j->>'{field}' AS TIMESTAMPTZ)) / 1000.0)")


def _logged(field: str) -> str:
    """SQL: FIELD holds logged content (not null, not {} or '', not LiteLLM's redaction marker)."""
    return (f"(coalesce(json_type(j->'{field}'), 'NULL') <> 'NULL' AND (j->>'{field}') NOT IN ('', '{{}}', '[]') "
            f"AND NOT contains(j->>'{field}', '{REDACTED}'))")


def expand(con: duckdb.DuckDBPyConnection) -> None:
    """Append a critic record for every claimed LiteLLM payload to `expanded`; calls that are no generation to `skipped`."""
    failed = "((j->>'status') = 'failure')"
    content = f"({_logged('messages')} OR {_logged('response')})"
    generation = f"NOT regexp_matches(coalesce(j->>'call_type', ''), '{NOT_GENERATION}')"
    con.execute(f"""
        INSERT INTO expanded
        SELECT src, rn, json_object(
            'id', coalesce(j->'id', j->'request_id'),
            'ts', j->'startTime',
            'latency_ms', ({_seconds('endTime')} - {_seconds('startTime')}) * 1000,
            'model', j->'model',
            'input', CASE WHEN {_logged('messages')} THEN critic_unstring(j->'messages') END,
            'output', CASE WHEN NOT {failed} AND {_logged('response')} THEN to_json(critic_output(j->'response')) END,
            'has_content', {content},
            'finish_reason', CASE WHEN {failed} THEN 'error'
                                  ELSE critic_unstring(j->'response')->'choices'->0->>'finish_reason' END,
            'error', CASE WHEN {failed} THEN coalesce(j->'error_information'->>'error_class',
                                                      j->'error_information'->>'error_code', 'error') END,
            'input_tokens', j->'prompt_tokens', 'output_tokens', j->'completion_tokens',
            'cost_usd', coalesce(nullif(j->'response_cost', 'null'::JSON), nullif(j->'spend', 'null'::JSON)),
            'user_id', {first_set("j->'end_user'", "j->'user'", "j->'metadata'->'user_api_key_user_id'", empty=True)},
            'session_id', {first_set("j->'metadata'->'session_id'", "j->'session_id'", "j->'trace_id'", empty=True)},
            'feature', {first_set("j->'metadata'->'feature'", "j->'metadata'->'user_api_key_team_alias'", empty=True)},
            'metadata', json_object('source', json_object('format', 'litellm', 'id', coalesce(j->>'id', j->>'request_id'),
                                                          'trace_id', j->>'trace_id',
                                                          'response_id', critic_unstring(j->'response')->>'id'),
                                    'call_type', j->>'call_type', 'model_group', j->>'model_group',
                                    'api_base', j->>'api_base', 'cache_hit', j->'cache_hit', 'status', j->>'status',
                                    'error', coalesce(j->>'error_str', j->'error_information'->>'error_message'),
                                    'choices', CASE WHEN {_logged('response')} THEN critic_choices(j->'response') END)
        ) AS j
        FROM claimed WHERE fmt = 'litellm' AND {generation}
    """)
    con.execute(f"""
        INSERT INTO skipped SELECT src, rn, 'litellm ' || (j->>'call_type') || ' call'
        FROM claimed WHERE fmt = 'litellm' AND NOT ({generation})
    """)
