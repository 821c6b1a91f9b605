# SPDX-License-Identifier: Apache-2.0
"""OpenTelemetry GenAI and OpenInference spans in OTLP JSON (`resourceSpans → scopeSpans → spans`).

What the Collector's file exporter writes, one export request per line (or one per `.json` file).
A span is an LLM call when it has `gen_ai.operation.name` chat / text_completion /
generate_content, GenAI message attributes or events, or `openinference.span.kind = LLM`;
other spans (retrievers, tools, chains) are skipped. Mapping (first that is set):

| critic | OpenTelemetry GenAI | OpenInference |
| --- | --- | --- |
| id | span id (hex) | span id (hex) |
| ts, latency_ms | start time; end − start | start time; end − start |
| input | `gen_ai.system_instructions` + `gen_ai.input.messages`; older `gen_ai.*.message` events | `llm.input_messages.N.message.*`; `input.value` |
| output | `gen_ai.output.messages`; older `gen_ai.choice` event | `llm.output_messages.N.message.content`; `output.value` |
| model | `gen_ai.response.model`, `gen_ai.request.model` | `llm.model_name` |
| input_tokens, output_tokens | `gen_ai.usage.input_tokens`, `output_tokens` | `llm.token_count.prompt`, `completion` |
| finish_reason | `gen_ai.response.finish_reasons[0]`, the choice event's | – |
| session_id | `gen_ai.conversation.id`, `session.id`, else the trace id | `session.id`, else the trace id |
| user_id | `user.id`, `enduser.id` | `user.id` |
| feature | resource `service.name` | resource `service.name` |

`metadata.source` keeps `format`, `trace_id` and `span_id` (hex); `metadata.span_name` the span's name.
"""

from __future__ import annotations

import duckdb

CLAIM = "list_contains(k, 'resourceSpans')"  # k: the record's top-level keys
_ENTRIES = "list_transform(from_json({x}->'attributes', '[\"json\"]'), lambda a: {{'k': a->>'key', 'v': a->'value'}})"


def _s(key: str, attrs: str = "attrs") -> str:
    """An attribute's string value."""
    return f"({attrs}['{key}']->>'stringValue')"


def _n(key: str, attrs: str = "attrs") -> str:
    """An attribute's number value (OTLP JSON writes 64-bit integers as strings)."""
    return f"coalesce(TRY_CAST({attrs}['{key}']->>'intValue' AS DOUBLE), TRY_CAST({attrs}['{key}']->>'doubleValue' AS DOUBLE))"


def _hex(expr: str) -> str:
    """A trace or span id as lowercase hex: OTLP JSON writes hex; protobuf's JSON mapping writes base64."""
    return (f"CASE WHEN regexp_full_match({expr}, '[0-9a-fA-F]{{16}}|[0-9a-fA-F]{{32}}') THEN lower({expr}) "
            f"ELSE lower(hex(TRY(from_base64({expr})))) END")


def _parts_text(message: str) -> str:
    """A GenAI message's text: its `parts` (text parts as text, others as [type]) or an older `content`."""
    return (f"coalesce({message}->>'content', array_to_string(list_transform(from_json({message}->'parts', "
            f"'[\"json\"]'), lambda p: CASE WHEN (p->>'type') = 'text' THEN coalesce(p->>'content', p->>'text') "
            f"ELSE '[' || coalesce(p->>'type', 'part') || ']' END), chr(10)))")


def _messages(column: str) -> str:
    """A column of GenAI messages (a JSON array) as critic's [{role, content}] list."""
    return (f"CASE WHEN {column} IS NOT NULL THEN to_json(list_transform(from_json({column}, '[\"json\"]'), "
            f"lambda m: json_object('role', m->>'role', 'content', {_parts_text('m')}))) END")


def _event_attr(event: str, key: str) -> str:
    return f"(map_from_entries({_ENTRIES.format(x=event)})['{key}']->>'stringValue')"


def _indexed(prefix: str) -> str:
    """OpenInference's flattened `PREFIX.N.message.role/content` attributes as [{role, content}] (N in order)."""
    pattern = f"^{prefix.replace('.', '[.]')}[.]([0-9]+)[.]message[.]"
    indices = (f"list_sort(list_distinct(list_transform(list_filter(entries, lambda a: regexp_matches(a.k, '{pattern}')), "
               f"lambda a: CAST(regexp_extract(a.k, '{pattern}', 1) AS INTEGER))))")
    return (f"CASE WHEN len({indices}) > 0 THEN to_json(list_transform({indices}, lambda i: json_object("
            f"'role', attrs['{prefix}.' || i || '.message.role']->>'stringValue', "
            f"'content', attrs['{prefix}.' || i || '.message.content']->>'stringValue'))) END")


def expand(con: duckdb.DuckDBPyConnection) -> int:
    """Append the LLM-call spans of claimed OTLP records to `expanded`; how many spans were skipped.

    Each step is materialized: an expression over a large JSON value next to an `unnest` is
    evaluated once per unnested row, which made the one-query version 10× slower.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE otel_rs AS SELECT src, rn, "
                "unnest(json_extract(j, '$.resourceSpans[*]')) AS rs FROM claimed WHERE fmt = 'otel'")
    con.execute("CREATE OR REPLACE TEMP TABLE otel_ss AS SELECT src, rn, rs->'resource' AS resource, "
                "json_extract(rs, '$.scopeSpans[*].spans[*]') AS spans FROM otel_rs")
    con.execute("CREATE OR REPLACE TEMP TABLE otel_spans AS SELECT src, rn, resource, unnest(spans) AS span FROM otel_ss")
    choice = "list_filter(events, lambda e: (e->>'name') = 'gen_ai.choice')[1]"
    older_input = ("to_json(list_transform(list_filter(events, lambda e: regexp_matches(e->>'name', "
                   "'^gen_ai[.](system|user|assistant|tool)[.]message$')), lambda e: json_object('role', "
                   f"regexp_extract(e->>'name', '^gen_ai[.]([a-z]+)[.]', 1), 'content', {_event_attr('e', 'content')})))")
    choice_message = _event_attr(choice, "message")
    is_llm = (f"coalesce({_s('gen_ai.operation.name')} IN ('chat', 'text_completion', 'generate_content') "
              f"OR attrs['gen_ai.input.messages'] IS NOT NULL OR attrs['gen_ai.output.messages'] IS NOT NULL "
              f"OR {_s('openinference.span.kind')} = 'LLM' OR len(list_filter(events, lambda e: "
              f"starts_with(e->>'name', 'gen_ai.'))) > 0, false)")
    output_messages = "from_json(out_json, '[\"json\"]')"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE otel_entries AS
        SELECT src, rn, span, map_from_entries({_ENTRIES.format(x='resource')}) AS res,
               {_ENTRIES.format(x='span')} AS entries,
               coalesce(from_json(span->'events', '["json"]'), []) AS events
        FROM otel_spans
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE otel_calls AS
        SELECT *, {is_llm} AS is_llm,
               CASE WHEN json_type(TRY_CAST({_s('gen_ai.input.messages')} AS JSON)) = 'ARRAY'
                    THEN TRY_CAST({_s('gen_ai.input.messages')} AS JSON) END AS in_json,
               CASE WHEN json_type(TRY_CAST({_s('gen_ai.output.messages')} AS JSON)) = 'ARRAY'
                    THEN TRY_CAST({_s('gen_ai.output.messages')} AS JSON) END AS out_json
        FROM (SELECT *, map_from_entries(entries) AS attrs FROM otel_entries)
    """)
    con.execute(f"""
        INSERT INTO expanded
        SELECT src, rn, json_object(
            'id', {_hex("span->>'spanId'")},
            'ts', CAST(span->>'startTimeUnixNano' AS HUGEINT) / 1e6,
            'latency_ms', (CAST(span->>'endTimeUnixNano' AS HUGEINT) - CAST(span->>'startTimeUnixNano' AS HUGEINT)) / 1e6,
            'model', coalesce({_s('gen_ai.response.model')}, {_s('gen_ai.request.model')}, {_s('llm.model_name')}),
            'input', coalesce(
                CASE WHEN attrs['gen_ai.system_instructions'] IS NOT NULL THEN to_json(list_concat(
                    [json_object('role', 'system', 'content', coalesce(array_to_string(list_transform(from_json(
                        {_s('gen_ai.system_instructions')}::JSON, '["json"]'), lambda p: coalesce(p->>'content',
                        p->>'text')), chr(10)), {_s('gen_ai.system_instructions')}))],
                    from_json({_messages('in_json')}, '["json"]'))) END,
                {_messages('in_json')},
                CASE WHEN len(list_filter(events, lambda e: ends_with(e->>'name', '.message'))) > 0 THEN {older_input} END,
                {_indexed('llm.input_messages')},
                to_json({_s('input.value')})),
            'output', coalesce(
                CASE WHEN out_json IS NOT NULL THEN array_to_string(list_transform(
                    {output_messages}, lambda m: {_parts_text('m')}), chr(10)) END,
                CASE WHEN json_valid({choice_message}) THEN {choice_message}::JSON->>'content' END,
                {_event_attr(choice, 'content')},
                array_to_string(list_transform(from_json({_indexed('llm.output_messages')}, '["json"]'),
                    lambda m: m->>'content'), chr(10)),
                {_s('output.value')}),
            'finish_reason', coalesce(attrs['gen_ai.response.finish_reasons']->'arrayValue'->'values'->0->>'stringValue',
                                      {_event_attr(choice, 'finish_reason')},
                                      CASE WHEN out_json IS NOT NULL THEN {output_messages}[1]->>'finish_reason' END),
            'input_tokens', coalesce({_n('gen_ai.usage.input_tokens')}, {_n('llm.token_count.prompt')}),
            'output_tokens', coalesce({_n('gen_ai.usage.output_tokens')}, {_n('llm.token_count.completion')}),
            'session_id', coalesce({_s('gen_ai.conversation.id')}, {_s('session.id')}, {_hex("span->>'traceId'")}),
            'user_id', coalesce({_s('user.id')}, {_s('enduser.id')}),
            'feature', {_s('service.name', 'res')},
            'metadata', json_object(
                'source', json_object('format', CASE WHEN attrs['openinference.span.kind'] IS NOT NULL
                                                     THEN 'openinference' ELSE 'otel' END,
                                      'trace_id', {_hex("span->>'traceId'")}, 'span_id', {_hex("span->>'spanId'")}),
                'span_name', span->>'name')
        ) AS j
        FROM otel_calls WHERE is_llm
    """)
    row = con.execute("SELECT count(*) FILTER (WHERE NOT is_llm) FROM otel_calls").fetchone()
    for table in ("otel_rs", "otel_ss", "otel_spans", "otel_entries", "otel_calls"):
        con.execute(f"DROP TABLE {table}")
    return int(row[0]) if row else 0
