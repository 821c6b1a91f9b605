# SPDX-License-Identifier: Apache-2.0
"""OpenTelemetry spans and logs in OTLP JSON: GenAI semantic conventions (current and deprecated),
OpenInference (Arize Phoenix) and the Vercel AI SDK.

What the Collector's file exporter writes (`resourceSpans → scopeSpans → spans`, and
`resourceLogs → scopeLogs → logRecords` for GenAI events), one export request per line or per
`.json` file; ids hex or base64. Log records are joined to their span by span id, so ingest span and
log files together.

A span is an LLM call when it is one by its own convention: `gen_ai.operation.name` chat /
text_completion / generate_content, `openinference.span.kind` LLM, a Vercel `ai.*.doGenerate` /
`ai.*.doStream` span, or GenAI content without any of these (deprecated `gen_ai.prompt.N.*`,
`llm.request.type`). Every other span is skipped and counted by reason (`openinference RETRIEVER
span`, `otel execute_tool span`, `vercel ai.generateText span`: the Vercel call's wrapper, whose
inner span is the call). Mapping, critic's field: the source's, first that is set:

- id, ts, latency_ms: span id (hex); start time; end − start
- input (the last user turn), messages, system: `gen_ai.system_instructions` + `gen_ai.input.messages`; GenAI log
  events (`gen_ai.client.inference.operation.details`, or `gen_ai.{system,user,assistant,tool}.message`); the same
  as span events; `llm.input_messages.N.message.*` (content, `contents.M.message_content.*`,
  `tool_calls.M.tool_call.function.*`); `gen_ai.prompt.N.*`; Vercel `ai.prompt.messages`; `input.value` (text, or a
  request as JSON)
- output (the first choice; others in `metadata.choices`): `gen_ai.output.messages`; the `gen_ai.choice` log or span
  event; `llm.output_messages.N.message.*`; `gen_ai.completion.N.*`; Vercel `ai.response.text` +
  `ai.response.toolCalls`; `output.value` (text, or a response as JSON); tool calls as readable calls
- finish_reason: `error` when the span's status is ERROR; `gen_ai.response.finish_reasons[0]`; the choice's;
  `ai.response.finishReason`
- error: `error.type`, else the exception event's `exception.type`
- model: `gen_ai.response.model`, `gen_ai.request.model`, `llm.model_name`, `ai.model.id`
- input_tokens, output_tokens: `gen_ai.usage.input_tokens`/`output_tokens` (or `prompt_tokens`/`completion_tokens`),
  `llm.token_count.prompt`/`completion`, `ai.usage.promptTokens`/`completionTokens` (or
  `inputTokens`/`outputTokens`)
- cost_usd: `gen_ai.usage.cost`, `gen_ai.cost.total`, `llm.cost.total`
- context: `retrieval.documents.N.document.content` of retriever spans in the same trace that started first
- session_id, user_id, feature: `gen_ai.conversation.id`, `session.id`, else the trace id; `user.id`, `enduser.id`
  (empty is none); resource `service.name`

A call whose content was not captured (the GenAI instrumentations' default) keeps its times,
tokens and ids, marked `has_content` false. `metadata.source` keeps `format`, `trace_id`, `span_id`
and `response_id` (`gen_ai.response.id`); `metadata.span_name` the span's name.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
from duckdb.sqltypes import VARCHAR

from critic.ingest.shapes import JSON_START
from critic.sql import literal

CLAIM = "list_has_any(k, ['resourceSpans', 'resourceLogs'])"  # k: the record's top-level keys
_ENTRIES = "list_transform(from_json({x}->'attributes', '[\"json\"]'), lambda a: {{'k': a->>'key', 'v': a->'value'}})"
LLM_OPERATIONS = "('chat', 'text_completion', 'generate_content')"
VERCEL_CALLS = (
    "('ai.generateText.doGenerate', 'ai.streamText.doStream', 'ai.generateObject.doGenerate', "
    "'ai.streamObject.doStream')"
)
# Flattened messages: OpenInference's llm.{input,output}_messages.N.* and the deprecated gen_ai.{prompt,completion}.N.*
FLAT = r"^(llm[.]input_messages|llm[.]output_messages|gen_ai[.]prompt|gen_ai[.]completion)[.]([0-9]+)[.](.+)$"
FLAT_PART = r"^(message[.])?(contents|tool_calls)[.]([0-9]+)[.](.+)$"
DOCUMENT = r"^retrieval[.]documents[.]([0-9]+)[.]document[.]content$"
# OpenLIT and Koog write an OTLP array as Python's repr: "{'values': [{'stringValue': 'stop'}]}"
PY_REPR_VALUE = literal("'stringValue': '([^']*)'")
OLD_MESSAGE_EVENT = r"^gen_ai[.](system|user|assistant|tool)[.]message$"
CHOICE_EVENT = "list_filter(events, lambda e: (e->>'name') = 'gen_ai.choice')[1]"  # a span event
TEMP_TABLES = ("otel_a", "otel_flat", "otel_indexed", "otel_logs", "otel_log_content", "otel_docs", "otel_calls")


def plain(value: Any) -> Any:
    """An OTLP AnyValue (`{stringValue: …}`, `{kvlistValue: {values: [...]}}`, …) as plain JSON data."""
    if not isinstance(value, dict):
        return value
    if "kvlistValue" in value:
        return {kv.get("key"): plain(kv.get("value")) for kv in (value["kvlistValue"] or {}).get("values", [])}
    if "arrayValue" in value:
        return [plain(v) for v in (value["arrayValue"] or {}).get("values", [])]
    if "intValue" in value:
        return int(value["intValue"])
    for key in ("stringValue", "doubleValue", "boolValue", "bytesValue"):
        if key in value:
            return value[key]
    return None


def _plain_json(text: str) -> str:
    return json.dumps(plain(json.loads(text)))


def _s(key: str, attrs: str = "attrs") -> str:
    """An attribute's string value."""
    return f"({attrs}['{key}']->>'stringValue')"


def _nonempty(key: str) -> str:
    return f"nullif(trim({_s(key)}), '')"


def _n(*keys: str) -> str:
    """The first of KEYS with a number value (OTLP JSON writes 64-bit integers as strings)."""
    values = [
        f"TRY_CAST(attrs['{k}']->>'intValue' AS DOUBLE), TRY_CAST(attrs['{k}']->>'doubleValue' AS DOUBLE)" for k in keys
    ]
    return f"coalesce({', '.join(values)})"


def _j(key: str, attrs: str = "attrs") -> str:
    """An attribute as JSON: a string holding JSON parsed, a structured AnyValue made plain."""
    text = _s(key, attrs)
    return (
        f"CASE WHEN regexp_matches({text}, {JSON_START}) THEN coalesce(TRY_CAST({text} AS JSON), to_json({text})) "
        f"WHEN {text} IS NOT NULL THEN to_json({text}) "
        f"WHEN {attrs}['{key}'] IS NOT NULL THEN critic_otel_plain({attrs}['{key}']::VARCHAR)::JSON END"
    )


def _hex(expr: str) -> str:
    """A trace or span id as lowercase hex: OTLP JSON writes hex; protobuf's JSON mapping writes base64."""
    return (
        f"CASE WHEN regexp_full_match({expr}, '[0-9a-fA-F]{{16}}|[0-9a-fA-F]{{32}}') THEN lower({expr}) "
        f"ELSE lower(hex(TRY(from_base64({expr})))) END"
    )


def _event_attr(event: str, key: str) -> str:
    return f"(map_from_entries({_ENTRIES.format(x=event)})['{key}']->>'stringValue')"


def _array(expr: str) -> str:
    """EXPR (JSON) if it is a non-empty list, else NULL."""
    return f"CASE WHEN json_type({expr}) = 'ARRAY' AND json_array_length({expr}) > 0 THEN {expr} END"


def expand(con: duckdb.DuckDBPyConnection) -> None:
    """Append the LLM-call spans of claimed OTLP records to `expanded`, every other span and log record to `skipped`.

    Each step is materialized: an expression over a large JSON value next to an `unnest` is
    evaluated once per unnested row, which made the one-query version 10× slower.
    """
    try:
        con.remove_function("critic_otel_plain")
    except (duckdb.InvalidInputException, duckdb.CatalogException):
        pass
    con.create_function("critic_otel_plain", _plain_json, [VARCHAR], VARCHAR, side_effects=False)
    _spans(con)
    _indexed(con)
    _logs(con)
    _documents(con)
    _calls(con)
    _insert(con)
    for table in TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")


# A span as DuckDB parses it, once: every later step reads fields of this struct, not the JSON text again.
_KEY_VALUES = '[{"key": "VARCHAR", "value": "JSON"}]'
SPAN = (
    '{"traceId": "VARCHAR", "spanId": "VARCHAR", "name": "VARCHAR", "startTimeUnixNano": "VARCHAR", '
    '"endTimeUnixNano": "VARCHAR", "status": {"code": "VARCHAR"}, "attributes": '
    + _KEY_VALUES
    + ', "events": ["JSON"]}'
)
RESOURCE_SPANS = (
    '{"resourceSpans": [{"resource": {"attributes": ' + _KEY_VALUES + '}, "scopeSpans": [{"spans": [' + SPAN + "]}]}]}"
)


def _spans(con: duckdb.DuckDBPyConnection) -> None:
    """otel_a: one row per span with its attributes (`attrs`, a map), its resource's service name and its events.

    Each record is parsed once into structs; only what later steps read is kept (memory at 1M).
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE otel_a AS
        SELECT src, rn, {_hex("span.traceId")} AS trace_id, {_hex("span.spanId")} AS span_id, span.name AS name,
               TRY_CAST(span.startTimeUnixNano AS HUGEINT) AS start_ns, TRY_CAST(span.endTimeUnixNano AS HUGEINT)
                   AS end_ns,
               span.status.code AS status_code, feature, coalesce(map_from_entries(span.attributes), MAP {{}}) AS attrs,
               coalesce(span.events, []) AS events
        FROM (SELECT src, rn, feature, unnest(spans) AS span
              FROM (SELECT src, rn, map_from_entries(rs.resource.attributes)['service.name']->>'stringValue' AS feature,
                           flatten(list_transform(rs.scopeSpans, lambda s: s.spans)) AS spans
                    FROM (SELECT src, rn, unnest(from_json(j, '{RESOURCE_SPANS}').resourceSpans) AS rs
                          FROM claimed WHERE fmt = 'otel' AND json_exists(j, '$.resourceSpans'))))
    """)


def _indexed(con: duckdb.DuckDBPyConnection) -> None:
    """otel_indexed(span_id, side, msgs): flattened `PREFIX.N.*` message attributes rebuilt as message lists."""
    value = "coalesce(v->>'stringValue', v->>'intValue', v->>'doubleValue', v->>'boolValue')"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE otel_flat AS
        SELECT span_id, side, i, rest, val, regexp_extract(rest, '{FLAT_PART}', ['message', 'kind', 'j', 'leaf']) AS sub
        FROM (
        SELECT span_id, CASE WHEN m.side IN ('llm.input_messages', 'gen_ai.prompt') THEN 'in' ELSE 'out' END AS side,
               -- LiteLLM writes a reply's i-th tool call as gen_ai.completion.i.function_call.*
               CASE WHEN starts_with(m.rest, 'function_call.') THEN 0 ELSE CAST(m.i AS INTEGER) END AS i,
               CASE WHEN starts_with(m.rest, 'function_call.') THEN 'tool_calls.' || m.i || '.' || m.rest[15:]
                    ELSE m.rest END AS rest, val
        FROM (SELECT span_id, regexp_extract(e.key, '{FLAT}', ['side', 'i', 'rest']) AS m,
                     {value.replace("v->", "e.value->")} AS val
              FROM (SELECT span_id, unnest(map_entries(attrs)) AS e FROM otel_a)
              WHERE starts_with(e.key, 'llm.') OR starts_with(e.key, 'gen_ai.prompt.') OR starts_with(e.key,
                  'gen_ai.completion.'))
        WHERE m.side <> '')
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE otel_indexed AS
        WITH parts AS (
            SELECT span_id, side, i,
                   array_to_string(list(CASE WHEN text IS NOT NULL THEN text WHEN ptype = 'image' THEN '[image]'
                                             ELSE '[' || coalesce(ptype, 'part') || ']' END ORDER BY j)
                                   FILTER (WHERE kind = 'contents'), chr(10)) AS text,
                   to_json(list(json_object('name', name, 'arguments', args) ORDER BY j)
                           FILTER (WHERE kind = 'tool_calls')) AS calls
            FROM (SELECT span_id, side, i, sub.kind AS kind, CAST(sub.j AS INTEGER) AS j,
                         max(val) FILTER (WHERE sub.leaf = 'message_content.text') AS text,
                         max(val) FILTER (WHERE sub.leaf = 'message_content.type') AS ptype,
                         max(val) FILTER (WHERE sub.leaf IN ('tool_call.function.name', 'name', 'function.name'))
                             AS name,
                         max(val) FILTER (WHERE sub.leaf IN ('tool_call.function.arguments', 'arguments',
                                                             'function.arguments')) AS args
                  FROM otel_flat WHERE sub.kind <> '' GROUP BY ALL)
            GROUP BY ALL
        ), messages AS (
            SELECT span_id, side, i,
                   max(val) FILTER (WHERE rest IN ('message.role', 'role')) AS role,
                   max(val) FILTER (WHERE rest IN ('message.content', 'content')) AS content,
                   max(val) FILTER (WHERE rest IN ('message.finish_reason', 'finish_reason')) AS finish
            FROM otel_flat GROUP BY ALL
        )
        SELECT span_id, side, to_json(list(json_object('role', role, 'content', coalesce(content, parts.text),
                                                       'tool_calls', calls, 'finish_reason', finish) ORDER BY i))
                                                           AS msgs
        FROM messages LEFT JOIN parts USING (span_id, side, i)
        GROUP BY span_id, side
    """)


def _logs(con: duckdb.DuckDBPyConnection) -> None:
    """otel_log_content(span_id, in_msgs, out_msgs, system): GenAI events logged as OTLP log records, per span.

    Two generations of the conventions: one `gen_ai.client.inference.operation.details` event with
    the messages as attributes, or one event per message (`gen_ai.user.message`, …) and per choice
    (`gen_ai.choice`) with the message in the body.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE otel_logs (src INTEGER, rn BIGINT, seq BIGINT, trace_id VARCHAR, "
        "span_id VARCHAR, name VARCHAR, body JSON, attrs MAP(VARCHAR, JSON))"
    )
    con.execute(f"""
        INSERT INTO otel_logs
        WITH records AS (
            SELECT src, rn, unnest(json_extract(rl, '$.scopeLogs[*].logRecords[*]')) AS lr
            FROM (SELECT src, rn, unnest(json_extract(j, '$.resourceLogs[*]')) AS rl FROM claimed
                  WHERE fmt = 'otel' AND json_exists(j, '$.resourceLogs'))
        ), a AS (
            SELECT src, rn, row_number() OVER () AS seq, lr, map_from_entries({_ENTRIES.format(x="lr")}) AS attrs
            FROM records
        )
        SELECT src, rn, seq, {_hex("lr->>'traceId'")}, {_hex("lr->>'spanId'")},
               coalesce(lr->>'eventName', {_s("event.name")}),
               CASE WHEN (lr->'body') IS NOT NULL THEN critic_otel_plain((lr->'body')::VARCHAR)::JSON END, attrs
        FROM a
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE otel_log_content AS
        SELECT span_id,
            coalesce(
                first({_array(_j("gen_ai.input.messages"))})
                    FILTER (WHERE name = 'gen_ai.client.inference.operation.details'),
                to_json(list(json_object('role', coalesce(body->>'role', regexp_extract(name, '{OLD_MESSAGE_EVENT}',
                    1)),
                                         'content', body->'content', 'tool_calls', body->'tool_calls') ORDER BY seq)
                        FILTER (WHERE regexp_matches(name, '{OLD_MESSAGE_EVENT}')))) AS in_msgs,
            coalesce(
                first({_array(_j("gen_ai.output.messages"))})
                    FILTER (WHERE name = 'gen_ai.client.inference.operation.details'),
                to_json(list(json_merge_patch(coalesce(body->'message', '{{}}'::JSON),
                                              json_object('finish_reason', body->'finish_reason'))
                             ORDER BY coalesce(TRY_CAST(body->>'index' AS INTEGER), 0), seq)
                        FILTER (WHERE name = 'gen_ai.choice'))) AS out_msgs,
            first(critic_content({_j("gen_ai.system_instructions")}))
                FILTER (WHERE name = 'gen_ai.client.inference.operation.details') AS system
        FROM otel_logs WHERE starts_with(name, 'gen_ai.') AND span_id IN (SELECT span_id FROM otel_a)
        GROUP BY span_id
    """)
    con.execute("""
        INSERT INTO skipped
        SELECT src, rn, CASE WHEN NOT starts_with(coalesce(name, ''), 'gen_ai.')
            THEN 'otel log record that is no GenAI event'
                             ELSE 'otel GenAI log event whose span is not in this ingest' END
        FROM otel_logs WHERE NOT starts_with(coalesce(name, ''), 'gen_ai.') OR span_id NOT IN (SELECT span_id
            FROM otel_a)
    """)


def _documents(con: duckdb.DuckDBPyConnection) -> None:
    """otel_docs(trace_id, start_ns, docs): the documents each retriever span returned, in order.

    OpenInference flattens them (`retrieval.documents.N.document.content`); a GenAI `retrieval`
    span holds them as JSON in `gen_ai.retrieval.documents`.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE otel_docs AS
        SELECT trace_id, start_ns, array_to_string(list(e.value->>'stringValue' ORDER BY
               CAST(regexp_extract(e.key, '{DOCUMENT}', 1) AS INTEGER)), chr(10) || chr(10)) AS docs
        FROM (SELECT trace_id, start_ns, unnest(map_entries(attrs)) AS e FROM otel_a
              WHERE {_s("openinference.span.kind")} = 'RETRIEVER')
        WHERE regexp_matches(e.key, '{DOCUMENT}')
        GROUP BY trace_id, start_ns
        UNION ALL
        SELECT trace_id, start_ns, critic_documents({_j("gen_ai.retrieval.documents")}) FROM otel_a
        WHERE {_s("gen_ai.operation.name")} = 'retrieval' AND attrs['gen_ai.retrieval.documents'] IS NOT NULL
    """)


def _calls(con: duckdb.DuckDBPyConnection) -> None:
    """otel_calls: every span with whether it is an LLM call (or why not) and its messages in and out."""
    choice = CHOICE_EVENT
    old_in = (
        "to_json(list_transform(list_filter(events, lambda e: regexp_matches(e->>'name', "
        f"'{OLD_MESSAGE_EVENT}')), lambda e: json_object('role', regexp_extract(e->>'name', "
        f"'{OLD_MESSAGE_EVENT}', 1), 'content', {_event_attr('e', 'content')})))"
    )
    choice_message = _event_attr(choice, "message")
    old_out = (
        f"CASE WHEN {choice} IS NOT NULL THEN to_json([CASE WHEN json_valid({choice_message}) THEN "
        f"{choice_message}::JSON ELSE json_object('role', 'assistant', 'content', "
        f"{_event_attr(choice, 'content')}) END]) END"
    )
    vercel_calls = (
        "to_json(list_transform(from_json(" + _j("ai.response.toolCalls") + ", '[\"json\"]'), lambda c: "
        "json_object('name', c->>'toolName', 'arguments', coalesce(c->'args', c->'input'))))"
    )
    vercel_out = (
        f"CASE WHEN attrs['ai.response.text'] IS NOT NULL OR attrs['ai.response.toolCalls'] IS NOT NULL "
        f"THEN to_json([json_object('role', 'assistant', 'content', {_s('ai.response.text')}, "
        f"'tool_calls', {vercel_calls})]) END"
    )
    input_value = (
        f"coalesce(critic_messages({_j('input.value')}), CASE WHEN {_s('input.value')} IS NOT NULL "
        f"THEN to_json([json_object('role', 'user', 'content', {_s('input.value')})]) END)"
    )
    # OpenLIT puts the flattened chat (`user: …`) in an event's gen_ai.prompt; older SDKs in the attribute
    openlit = "list_filter(events, lambda e: (e->>'name') = 'gen_ai.content.{}')[1]"
    prompt = f"coalesce({_event_attr(openlit.format('prompt'), 'gen_ai.prompt')}, {_s('gen_ai.prompt')})"
    prompt_text = (
        f"coalesce(critic_transcript(to_json({prompt})), CASE WHEN {prompt} IS NOT NULL THEN "
        f"to_json([json_object('role', 'user', 'content', {prompt})]) END)"
    )
    completion = (
        f"coalesce({_event_attr(openlit.format('completion'), 'gen_ai.completion')}, {_s('gen_ai.completion')})"
    )
    completion_text = (
        f"CASE WHEN {completion} IS NOT NULL THEN to_json([json_object('role', 'assistant', "
        f"'content', {completion})]) END"
    )
    langfuse_sdk = _s("langfuse.observation.type")
    # the GenAI message attributes are read once per span (each read of an attribute parses its JSON again)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE otel_calls AS
        SELECT *, coalesce(
            oi_kind = 'LLM' OR operation IN {LLM_OPERATIONS} OR ai_operation IN {VERCEL_CALLS}
            OR langfuse_type = 'generation'
            OR (oi_kind IS NULL AND operation IS NULL AND ai_operation IS NULL AND langfuse_type IS NULL
                AND (genai_in IS NOT NULL OR out_msgs IS NOT NULL OR {_s("llm.request.type")} IN ('chat',
                    'completion'))),
            false) AS is_llm  -- a span of no convention that still carries GenAI messages is an LLM call
        FROM (
        SELECT *, coalesce(genai_in, {input_value}, critic_messages({_j("langfuse.observation.input")})) AS in_msgs
        FROM (
        SELECT a.*, l.system AS log_system, i_out.msgs AS flat_out,
            coalesce({_array("j_input")}, l.in_msgs,
                     CASE WHEN len(list_filter(events, lambda e: regexp_matches(e->>'name', '{OLD_MESSAGE_EVENT}'))) > 0
                          THEN {old_in} END,
                     i_in.msgs, {_array(_j("ai.prompt.messages"))}, critic_events_in({_j("events")}), {prompt_text})
                AS genai_in,
            coalesce({_array("j_output")}, l.out_msgs, {old_out}, i_out.msgs, {vercel_out},
                     critic_events_out({_j("events")}), {completion_text}) AS out_msgs,
            {_s("gen_ai.operation.name")} AS operation, {_s("openinference.span.kind")} AS oi_kind,
            {_s("ai.operationId")} AS ai_operation, {langfuse_sdk} AS langfuse_type
        FROM (SELECT *, {_j("gen_ai.input.messages")} AS j_input, {_j("gen_ai.output.messages")} AS j_output
              FROM otel_a) a
        LEFT JOIN otel_log_content l USING (span_id)
        LEFT JOIN otel_indexed i_in ON i_in.span_id = a.span_id AND i_in.side = 'in'
        LEFT JOIN otel_indexed i_out ON i_out.span_id = a.span_id AND i_out.side = 'out'))
    """)


def _insert(con: duckdb.DuckDBPyConnection) -> None:
    failed = (
        "(coalesce(status_code, '') IN ('2', 'STATUS_CODE_ERROR') "
        f"OR attrs['error.type'] IS NOT NULL OR {_s('langfuse.observation.level')} = 'ERROR')"
    )
    usage = f"critic_unstring({_j('langfuse.observation.usage_details')})"  # the Langfuse SDK's own spans
    cost = f"critic_unstring({_j('langfuse.observation.cost_details')})"
    lf_tokens = "coalesce(TRY_CAST({u}->>'{a}' AS DOUBLE), TRY_CAST({u}->>'{a}_tokens' AS DOUBLE))"
    exception = "list_filter(events, lambda e: (e->>'name') = 'exception')[1]"
    first_out = "(from_json(out_msgs, '[\"json\"]')[1])"
    flat_first = "(from_json(flat_out, '[\"json\"]')[1])"
    # a message with empty parts (LiteLLM writes tool calls only as gen_ai.completion.N.function_call.*) reads on
    # Koog logs one reply's tool calls as one completion each: when every choice is tool calls, they are one reply
    all_calls = (
        "json_array_length(out_msgs) > 1 AND list_bool_and(list_transform(from_json(out_msgs, '[\"json\"]'), "
        "lambda m: (m->>'finish_reason') IN ('tool_calls', 'tool_call')))"
    )
    joined = (
        "array_to_string(list_transform(from_json(out_msgs, '[\"json\"]'), lambda m: critic_message_text(m)), chr(10))"
    )
    output = (
        f"coalesce(CASE WHEN {all_calls} THEN {joined} END, nullif(critic_message_text({first_out}), ''), "
        f"critic_message_text({flat_first}), critic_output({_j('output.value')}), "
        f"critic_output({_j('langfuse.observation.output')}))"
    )
    reasons = _s("gen_ai.response.finish_reasons")  # LiteLLM writes the list as a JSON string
    choices = (
        f"CASE WHEN {all_calls} THEN NULL WHEN json_array_length(out_msgs) > 1 "
        f"THEN to_json(list_transform(from_json(out_msgs, '[\"json\"]'), lambda m: critic_message_text(m))) "
        f"ELSE critic_choices({_j('output.value')}) END"
    )
    finish = (
        f"coalesce(attrs['gen_ai.response.finish_reasons']->'arrayValue'->'values'->0->>'stringValue', "
        f"CASE WHEN json_valid({reasons}) THEN {reasons}::JSON->>0 WHEN starts_with({reasons}, '{{') "
        f"THEN regexp_extract({reasons}, {PY_REPR_VALUE}, 1) ELSE {reasons} END, "
        f"{first_out}->>'finish_reason', {_s('llm.finish_reason')}, {_s('ai.response.finishReason')}, "
        f"{_event_attr(CHOICE_EVENT, 'finish_reason')}, "
        f"critic_unstring({_j('output.value')})->'choices'->0->>'finish_reason')"
    )
    # the OpenAI v2 instrumentation writes the class's repr: <class 'openai.NotFoundError'>
    error_type = (
        f"CASE WHEN starts_with({_s('error.type')}, '<class ') THEN regexp_extract({_s('error.type')}, "
        f"'([A-Za-z_0-9]+)''>$', 1) ELSE {_s('error.type')} END"
    )
    source = (
        "CASE WHEN oi_kind IS NOT NULL THEN 'openinference' WHEN ai_operation IS NOT NULL THEN 'vercel' "
        "WHEN langfuse_type IS NOT NULL THEN 'langfuse-sdk' ELSE 'otel' END"
    )
    con.execute(f"""
        INSERT INTO expanded
        SELECT src, rn, json_object(
            'id', span_id,
            'ts', strftime(make_timestamp(CAST(start_ns // 1000 AS BIGINT)), '%Y-%m-%dT%H:%M:%S.%fZ'),  -- exact µs
            'latency_ms', (end_ns - start_ns) / 1e6,
            'model', coalesce({_s("gen_ai.response.model")}, {_s("gen_ai.request.model")}, {_s("llm.model_name")},
                              {_s("ai.response.model")}, {_s("ai.model.id")}, {_s("langfuse.observation.model.name")}),
            'input', in_msgs,
            'system', coalesce(critic_content({_j("gen_ai.system_instructions")}), log_system),
            'output', CASE WHEN NOT {failed} OR output IS NOT NULL THEN to_json(output) END,
            'has_content', in_msgs IS NOT NULL OR output IS NOT NULL,
            'finish_reason', CASE WHEN {failed} THEN 'error' ELSE finish END,
            'error', CASE WHEN {failed} THEN coalesce({error_type}, {_event_attr(exception, "exception.type")},
                                                      {_s("langfuse.observation.status_message")}, 'error') END,
            'input_tokens', coalesce({
        _n(
            "gen_ai.usage.input_tokens",
            "gen_ai.usage.prompt_tokens",
            "llm.token_count.prompt",
            "ai.usage.promptTokens",
            "ai.usage.inputTokens",
        )
    },
                                     {lf_tokens.format(u=usage, a="input")}),
            'output_tokens', coalesce({
        _n(
            "gen_ai.usage.output_tokens",
            "gen_ai.usage.completion_tokens",
            "llm.token_count.completion",
            "ai.usage.completionTokens",
            "ai.usage.outputTokens",
        )
    },
                                      {lf_tokens.format(u=usage, a="output")}),
            'cost_usd', coalesce({
        _n("gen_ai.usage.cost", "gen_ai.cost.total", "gen_ai.cost.total_cost", "llm.cost.total")
    },
                                 TRY_CAST({cost}->>'total' AS DOUBLE), CASE WHEN json_type({cost}) = 'OBJECT' THEN
                                 list_sum(list_transform(json_keys({cost}), lambda k: TRY_CAST({
        cost
    }->>k AS DOUBLE))) END),
            'context', (SELECT docs FROM otel_docs d WHERE d.trace_id = c.trace_id AND d.start_ns <= c.start_ns
                        ORDER BY d.start_ns DESC LIMIT 1),
            'session_id', coalesce({_nonempty("gen_ai.conversation.id")}, {_nonempty("session.id")}, trace_id),
            'user_id', coalesce({_nonempty("user.id")}, {_nonempty("enduser.id")}),
            'feature', feature,
            'metadata', json_object(
                'source', json_object('format', {source}, 'trace_id', trace_id, 'span_id', span_id,
                                      'response_id', coalesce({_s("gen_ai.response.id")}, {_s("ai.response.id")})),
                'span_name', name, 'choices', choices)
        ) AS j
        FROM (SELECT *, {output} AS output, {choices} AS choices, {finish} AS finish FROM otel_calls WHERE is_llm) c
    """)
    con.execute("""
        INSERT INTO skipped
        SELECT src, rn, CASE WHEN oi_kind IS NOT NULL THEN 'openinference ' || oi_kind || ' span'
                             WHEN ai_operation IS NOT NULL THEN 'vercel ' || ai_operation || ' span'
                             WHEN langfuse_type IS NOT NULL THEN 'langfuse-sdk ' || langfuse_type || ' span'
                             WHEN operation IS NOT NULL THEN 'otel ' || operation || ' span'
                             ELSE 'otel span with no GenAI attributes' END
        FROM otel_calls WHERE NOT is_llm
    """)
