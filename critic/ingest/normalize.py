"""SQL that shapes staged records into critic's interaction and event records and validates them.

Three record shapes are understood, one per record:
- critic's own interaction records (DESIGN.md), optionally with nested `events`;
- event records: `interaction_id`, `kind`, `ts`, optional `value`;
- OpenAI logs: `request` (`model`, `messages` or the Responses API's `input`) and `response` (a chat
  completion, or a Responses API object), optional `id`, `ts`/`created`, `latency_ms`, `metadata`,
  and any of critic's own columns at the top level (`feature`, `prompt_version`, `session_id`,
  `user_id`, `reference`, `context`, `cost_usd`, `events`).
Message content may be a string or a list of content parts: text parts are kept as text, other
parts become a marker such as `[image]`; tool calls become readable calls (critic.ingest.shapes).
A chat input is kept as `messages`; `input` is its last user turn and `system` its system prompt.
A failed call (`finish_reason` 'error', or an `error`) and a call logged without its content
(`has_content` false) need no output. Unknown fields of an interaction go into its `metadata`.
"""

from __future__ import annotations

import json

import duckdb

from critic.sql import literal

STRING_FIELDS = ("session_id", "feature", "model", "prompt_version", "reference", "finish_reason", "system", "error")
NUMBER_FIELDS = ("latency_ms", "input_tokens", "output_tokens", "cost_usd")
COUNT_FIELDS = ("input_tokens", "output_tokens")  # whole numbers, stored as BIGINT
INTERACTION_FIELDS = (
    "id",
    "ts",
    "session_id",
    "user_id",
    "feature",
    "model",
    "prompt_version",
    "input",
    "output",
    "reference",
    "context",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "finish_reason",
    "metadata",
    "events",
    "system",
    "error",
    "has_content",
)
EXTRACTED = INTERACTION_FIELDS + ("interaction_id", "kind", "value")  # parsed once per record into f_* columns
OPENAI_FIELDS = (
    "request",
    "response",
    "error",
    "id",
    "ts",
    "created",
    "latency_ms",
    "metadata",
    "session_id",
    "user_id",
    "feature",
    "prompt_version",
    "reference",
    "context",
    "cost_usd",
    "events",
)
TS_HINT = "use ISO 8601 such as 2026-11-02T14:03:00Z, or epoch seconds or milliseconds"
TS_MIN, TS_MAX = "1970-01-01 00:00:00+00", "2100-01-01 00:00:00+00"

DUPLICATE_OF = "record@"  # followed by SRC:RN; critic.ingest replaces it with the file and line

# Matches a JSON-escaped NUL (\u0000) that is not itself an escaped backslash followed by 'u0000'.
TS_VALUE = "f_ts"
NUL_PATTERN = r"(^|[^\\])(\\\\)*\\u0000"


def _null_patch(keys: tuple[str, ...]) -> str:
    """A JSON merge patch that removes KEYS (RFC 7396: null deletes)."""
    return json.dumps({k: None for k in keys})


def _missing(expr: str) -> str:
    return f"coalesce(json_type({expr}), 'NULL') = 'NULL'"


# A failed call, or a call logged without its content, has no output to require.
NO_OUTPUT_NEEDED = (
    f"(coalesce(f_finish_reason->>'$', '') = 'error' OR NOT {_missing('f_error')} "
    "OR coalesce(TRY_CAST(f_has_content->>'$' AS BOOLEAN), true) = false)"
)


def ts_expr(value: str) -> str:
    """SQL turning a JSON value (ISO string, or epoch seconds, milliseconds or microseconds) into TIMESTAMPTZ.

    An epoch number's unit is read from its size: below 1e11 seconds (up to year 5138), below 1e14
    milliseconds, below 1e17 microseconds; anything larger is no timestamp.
    """
    text = f"({value}->>'$')"
    number = f"TRY_CAST({text} AS DOUBLE)"
    epoch = (
        f"CASE WHEN abs({number}) < 1e11 THEN TRY(to_timestamp({number})) "
        f"WHEN abs({number}) < 1e14 THEN TRY(to_timestamp({number} / 1e3)) "
        f"WHEN abs({number}) < 1e17 THEN TRY(to_timestamp({number} / 1e6)) END"
    )
    return (
        f"CASE WHEN json_type({value}) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE') THEN "
        f"coalesce(TRY_CAST({text} AS TIMESTAMPTZ), {epoch}) END"
    )


def ts_out_of_range(value: str) -> str:
    """SQL: the timestamp in JSON value VALUE falls outside [TS_MIN, TS_MAX)."""
    return f"({ts_expr(value)} NOT BETWEEN TIMESTAMPTZ '{TS_MIN}' AND TIMESTAMPTZ '{TS_MAX}' - INTERVAL 1 MICROSECOND)"


def kind_of(expr: str) -> str:
    """SQL naming the JSON type of EXPR in words ('a list', 'an integer'), not DuckDB's type names."""
    return (
        f"CASE coalesce(json_type({expr}), 'NULL') WHEN 'VARCHAR' THEN 'a string' WHEN 'BIGINT' THEN 'an integer' "
        f"WHEN 'UBIGINT' THEN 'an integer' WHEN 'DOUBLE' THEN 'a number' WHEN 'BOOLEAN' THEN 'true/false' "
        f"WHEN 'ARRAY' THEN 'a list' WHEN 'OBJECT' THEN 'an object' ELSE 'null' END"
    )


def parts_text(expr: str, var: str = "p") -> str:
    """SQL rendering message content as text: a string as is; a list of content parts (OpenAI's text +
    image format) as its text parts joined, each non-text part as a marker such as [image]."""
    part = (
        f"CASE WHEN json_type({var}) = 'VARCHAR' THEN {var}->>'$' "
        f"WHEN ({var}->>'text') IS NOT NULL THEN {var}->>'text' "
        f"WHEN ({var}->>'type') IN ('image_url', 'image', 'input_image') THEN '[image]' "
        f"ELSE '[' || coalesce({var}->>'type', 'non-text part') || ']' END"
    )
    return (
        f"CASE json_type({expr}) WHEN 'VARCHAR' THEN ({expr}->>'$') "
        f"WHEN 'ARRAY' THEN array_to_string(list_transform(from_json({expr}, '[\"json\"]'), "
        f"lambda {var}: {part}), chr(10)) END"
    )


def classify(con: duckdb.DuckDBPyConnection) -> None:
    """Create temp table `shaped(src, rn, kind, j, f_*)`: OpenAI logs rewritten into critic's shape, fields parsed."""
    openai_extras = f"json_merge_patch(j, '{_null_patch(OPENAI_FIELDS)}')"
    # Each record's JSON is parsed once per step, not once per field: json_extract with a list
    # of paths parses the document once. Every check and insert below reads the f_* columns.
    paths = "[" + ", ".join(f"'$.{name}'" for name in EXTRACTED) + "]"
    columns = ", ".join(f"v[{i}] AS f_{name}" for i, name in enumerate(EXTRACTED, start=1))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE shaped AS
        WITH p AS (
            SELECT src, rn, j, json_extract(j, ['$.request', '$.response', '$.interaction_id', '$.output']) AS probe
            FROM staged
        ), k AS (
            SELECT src, rn, j,
                CASE WHEN coalesce(json_type(j), 'NULL') <> 'OBJECT' THEN 'invalid'
                     WHEN probe[1] IS NOT NULL OR probe[2] IS NOT NULL THEN 'openai'
                     WHEN probe[3] IS NOT NULL AND probe[4] IS NULL THEN 'event'
                     ELSE 'interaction' END AS kind
            FROM p
        ), r AS (
        SELECT src, rn, kind,
            CASE WHEN kind <> 'openai' THEN j ELSE json_object(
                'id', coalesce(j->'id', to_json('oai-' || md5(j::VARCHAR))),
                'ts', coalesce(j->'ts', j->'created', j->'response'->'created'),
                'model', coalesce(j->'request'->'model', j->'response'->'model'),
                'input', coalesce(j->'request'->'messages', j->'request'->'input'),
                'output', CASE WHEN json_type(j->'response'->'choices'->0->'message'->'content')
                                        NOT IN ('VARCHAR', 'ARRAY', 'NULL')  -- not a reply: refused below, by type
                               THEN j->'response'->'choices'->0->'message'->'content'
                               ELSE to_json(critic_output(j->'response')) END,
                'finish_reason', CASE WHEN json_type(j->'response'->'error') = 'OBJECT' OR json_type(j->'error')
                    = 'OBJECT'
                                      THEN 'error' ELSE coalesce(j->'response'->'choices'->0->>'finish_reason',
                                          CASE j->'response'->>'status'
                                      WHEN 'incomplete' THEN 'length' WHEN 'completed' THEN 'stop' END) END,
                'error', coalesce(j->'response'->'error'->>'type', j->'error'->>'type',
                    j->'response'->'error'->>'code'),
                'input_tokens', coalesce(j->'response'->'usage'->'prompt_tokens',
                    j->'response'->'usage'->'input_tokens'),
                'output_tokens', coalesce(j->'response'->'usage'->'completion_tokens',
                                          j->'response'->'usage'->'output_tokens'),
                'latency_ms', j->'latency_ms',
                'user_id', coalesce(j->'user_id', j->'request'->'user'),
                'session_id', j->'session_id', 'feature', j->'feature', 'prompt_version', j->'prompt_version',
                'reference', j->'reference', 'context', j->'context', 'cost_usd', j->'cost_usd', 'events', j->'events',
                'metadata', CASE WHEN json_type(j->'metadata') = 'OBJECT' OR (j->'metadata') IS NULL
                    THEN json_merge_patch(coalesce(j->'metadata', '{{}}'::JSON), {openai_extras},
                                          json_object('choices', critic_choices(j->'response')))
                    ELSE j->'metadata' END
            ) END AS j
        FROM k
        )
        SELECT src, rn, row_number() OVER () AS seq, kind, j, {columns}
        FROM (SELECT *, json_extract(j, {paths}) AS v FROM r)
        """
    )


def _interaction_checks() -> list[tuple[str, str]]:
    """(condition, message) pairs for an interaction record, first failing one wins."""
    checks = [
        (
            f"contains(j::VARCHAR, '\\u0000') AND regexp_matches(j::VARCHAR, {literal(NUL_PATTERN)})",
            "'contains a NUL byte (\\u0000); remove it from the record'",
        ),
        (
            "len(json_keys(j)) > len(list_distinct(json_keys(j)))",
            "'field ''' || list_filter(json_keys(j), lambda k, i: list_position(json_keys(j), k) < i)[1] || "
            "''' appears twice in the record (tools disagree on which value wins); keep one'",
        ),
        (_missing("f_id"), "'missing field ''id''; every interaction needs a unique id'"),
        (
            "json_type(f_id) NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT')",
            "'field ''id'' must be a string or an integer, not ' || " + kind_of("f_id"),
        ),
        ("trim((f_id->>'$')) = ''", "'field ''id'' is empty; give every interaction a unique id'"),
        (
            f"{_missing('f_output')} AND NOT {NO_OUTPUT_NEEDED}",
            "CASE WHEN kind = 'openai' THEN 'response.choices[0].message.content is missing; log the model''s reply "
            "(a failed call: set finish_reason ''error'')' ELSE 'missing field ''output''; every interaction needs "
            "the model''s output (a failed call: finish_reason ''error''; a call logged without its content: "
            "has_content false)' END",
        ),
        ("json_type(f_has_content) NOT IN ('BOOLEAN', 'NULL')", "'field ''has_content'' must be true or false'"),
        (
            f"NOT {_missing('f_output')} AND json_type(f_output) NOT IN ('VARCHAR', 'ARRAY')",
            "'field ''output'' must be a string or a list of content parts, not ' || " + kind_of("f_output"),
        ),
        (
            "json_type(f_output) = 'ARRAY' AND NOT coalesce(list_aggregate(list_transform(from_json(f_output, "
            "'[\"json\"]'), lambda p: json_type(p) IN ('VARCHAR', 'OBJECT')), 'bool_and'), true)",
            '\'field \'\'output\'\' is a list, but not of content parts (strings or {"type": "text", "text": ...} '
            "objects)'",
        ),
        (
            f"NOT {_missing('f_ts')} AND {ts_expr(TS_VALUE)} IS NULL",
            f"'field ''ts'' is not a timestamp: ' || (f_ts)::VARCHAR || '; {TS_HINT}'",
        ),
        (
            f"NOT {_missing('f_ts')} AND {ts_out_of_range(TS_VALUE)}",
            f"'field ''ts'' is out of range: ' || (f_ts)::VARCHAR || ' is ' || {ts_expr(TS_VALUE)}::VARCHAR "
            f"|| '; timestamps must fall in 1970-2099 ({TS_HINT})'",
        ),
        (
            "json_type(f_user_id) NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'NULL')",
            "'field ''user_id'' must be a string or an integer'",
        ),
        (
            "json_type(f_input) NOT IN ('VARCHAR', 'ARRAY', 'NULL')",
            "'field ''input'' must be a string or a list of chat messages'",
        ),
        (
            "json_type(f_context) NOT IN ('VARCHAR', 'ARRAY', 'NULL')",
            "'field ''context'' must be a string or a list of strings'",
        ),
        ("json_type(f_metadata) NOT IN ('OBJECT', 'NULL')", "'field ''metadata'' must be a JSON object'"),
        (
            "json_type(f_events) NOT IN ('ARRAY', 'NULL')",
            "'field ''events'' must be a list of {kind, ts, value} objects'",
        ),
    ]
    for name in STRING_FIELDS:
        checks.append(
            (
                f"json_type(f_{name}) NOT IN ('VARCHAR', 'NULL')",
                f"'field ''{name}'' must be a string, not ' || " + kind_of(f"f_{name}"),
            )
        )
    for name in NUMBER_FIELDS:
        number = f"TRY_CAST((f_{name}->>'$') AS DOUBLE)"
        checks.append(
            (
                f"NOT {_missing(f'f_{name}')} AND ({number} IS NULL OR NOT isfinite({number}) OR {number} < 0)",
                f"'field ''{name}'' must be a number (finite, 0 or more), not ' || (f_{name})::VARCHAR",
            )
        )
    for name in COUNT_FIELDS:  # stored as BIGINT: a count beyond it would be stored as NULL, silently
        number = f"TRY_CAST((f_{name}->>'$') AS DOUBLE)"
        checks.append(
            (
                f"NOT {_missing(f'f_{name}')} AND isfinite({number}) AND {number} >= 0 "
                f"AND TRY_CAST({number} AS BIGINT) IS NULL",
                f"'field ''{name}'' = ' || (f_{name})::VARCHAR || ' is too large for a token count "
                "(at most 9223372036854775807); fix the producer of this record'",
            )
        )
    return checks


def _event_checks(kinds: tuple[str, ...], e: str, ref: str, ts_required: bool) -> list[tuple[str, str]]:
    """(condition, message) pairs for the event in column E (standalone or nested in an interaction)."""
    known = ", ".join(literal(k) for k in kinds)
    checks = [
        (f"coalesce(json_type({e}), 'NULL') <> 'OBJECT'", "'an event must be a JSON object with kind and ts'"),
        (
            f"contains({e}::VARCHAR, '\\u0000') AND regexp_matches({e}::VARCHAR, {literal(NUL_PATTERN)})",
            "'contains a NUL byte (\\u0000); remove it from the record'",
        ),
    ]
    if ref:
        checks += [
            (_missing(f"{e}->'{ref}'"), f"'missing field ''{ref}''; an event names the interaction it is about'"),
            (
                f"json_type({e}->'{ref}') NOT IN ('VARCHAR', 'BIGINT', 'UBIGINT')",
                f"'field ''{ref}'' must be a string or an integer'",
            ),
        ]
    checks += [
        (_missing(f"{e}->'kind'"), "'event is missing field ''kind'''"),
        (
            f"({e}->>'kind') NOT IN ({known}) AND NOT starts_with({e}->>'kind', 'score:')",
            f"'unknown event kind ' || ({e}->'kind')::VARCHAR || '; use one of "
            + literal(", ".join(kinds))[1:-1]  # inside the message's literal
            + ", or declare it under [events] custom_kinds in critic.toml'",
        ),
    ]
    if ts_required:
        checks.append((_missing(f"{e}->'ts'"), f"'event is missing field ''ts''; {TS_HINT}'"))
    ts_value = f"{e}->'ts'"
    checks.append(
        (
            f"NOT {_missing(ts_value)} AND {ts_expr(ts_value)} IS NULL",
            f"'event field ''ts'' is not a timestamp: ' || ({e}->'ts')::VARCHAR || '; {TS_HINT}'",
        )
    )
    checks.append(
        (
            f"NOT {_missing(ts_value)} AND {ts_out_of_range(ts_value)}",
            f"'event field ''ts'' is out of range: ' || ({e}->'ts')::VARCHAR || '; timestamps must fall in 1970-2099'",
        )
    )
    return checks


ORPHAN_TS = (
    _missing("e->'ts'") + " AND parent_ts IS NULL",
    "'event has no ''ts'' and its interaction none either; give the event a ts'",
)


def _case(checks: list[tuple[str, str]]) -> str:
    return "CASE " + " ".join(f"WHEN {c} THEN {m}" for c, m in checks) + " END"


def validate(con: duckdb.DuckDBPyConnection, kinds: tuple[str, ...]) -> None:
    """Build `problems(src, rn, problem)` for bad records and `nested(..., e, problem)` for nested events."""
    standalone = _case(_event_checks(kinds, "j", "interaction_id", ts_required=True))
    # Only the bad rows are kept, so 1M good records are not copied again.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE problems AS
        SELECT src, rn, problem FROM (
            SELECT src, rn, CASE kind
                WHEN 'invalid' THEN 'a record must be a JSON object, not ' || {kind_of("j")}
                WHEN 'event' THEN {standalone}
                ELSE {_case(_interaction_checks())} END AS problem
            FROM shaped)
        WHERE problem IS NOT NULL
        """
    )
    con.execute(
        f"""
        INSERT INTO problems
        WITH ids AS (
            SELECT src, rn, (f_id->>'$') AS id FROM shaped WHERE kind IN ('interaction', 'openai')
        ), repeated AS (
            SELECT id FROM ids GROUP BY id HAVING count(*) > 1
        ), hashed AS (
            SELECT src, rn, id, md5(json_merge_patch(j, '{{"id": null}}')::VARCHAR) AS content
            FROM shaped JOIN repeated ON repeated.id = (shaped.f_id->>'$')
            WHERE kind IN ('interaction', 'openai')
        ), firsts AS (
            SELECT *, first_value(content) OVER w AS first_content, first_value(src) OVER w AS first_src,
                   first_value(rn) OVER w AS first_rn
            FROM hashed WINDOW w AS (PARTITION BY id ORDER BY src, rn)
        )
        SELECT src, rn, 'duplicate id ' || to_json(id)::VARCHAR || ' with other content than {DUPLICATE_OF}'
               || first_src || ':' || first_rn
               || '; give each interaction its own id (identical duplicates are skipped)'
        FROM firsts
        WHERE content <> first_content AND NOT EXISTS (
            SELECT 1 FROM problems p WHERE p.src = firsts.src AND p.rn = firsts.rn)
        """
    )
    # A record whose id is stored already with another reply is not a duplicate to skip: refuse it, naming both.
    con.execute(
        f"""
        INSERT INTO problems
        SELECT s.src, s.rn, 'id ' || to_json(i.id)::VARCHAR || ' is already in the store with another reply '
               || '(ingested from ' || coalesce(i.source, 'an earlier ingest') || ' at '
               || strftime(i.ingested_at, '%Y-%m-%d %H:%M') || ' UTC); give this record its own id '
               || '(a record identical to the stored one is skipped)'
        FROM shaped s JOIN interactions i ON i.id = (s.f_id->>'$')
        WHERE s.kind IN ('interaction', 'openai')
          AND i.output IS DISTINCT FROM coalesce({parts_text("s.f_output")}, '')
          AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.src = s.src AND p.rn = s.rn)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE nested AS
        WITH u AS (
            SELECT src, rn, (f_id->>'$') AS interaction_id, {ts_expr("f_ts")} AS parent_ts,
                   unnest(from_json(f_events, '["json"]')) AS e
            FROM shaped
            WHERE kind IN ('interaction', 'openai') AND json_type(f_events) = 'ARRAY'
              AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.src = shaped.src AND p.rn = shaped.rn)
        )
        SELECT *, {_case(_event_checks(kinds, "e", "", ts_required=False) + [ORPHAN_TS])} AS problem FROM u
        """
    )


def first_problem(con: duckdb.DuckDBPyConnection) -> tuple[int, int, str, int] | None:
    """(src, rn, problem, how many bad records in all) of the first bad record, or None."""
    row = con.execute(
        """
        WITH bad AS (
            SELECT src, rn, problem FROM problems
            UNION ALL
            SELECT src, rn, 'in events: ' || problem FROM nested WHERE problem IS NOT NULL
        )
        SELECT src, rn, problem, count(*) OVER () FROM bad ORDER BY src, rn LIMIT 1
        """
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]), str(row[2]), int(row[3]))


TRANSCRIPT = f"""array_to_string(list_transform(from_json(f_input, '["json"]'),
    lambda m: coalesce(m->>'role', '?') || ': ' || coalesce({parts_text("(m->'content')")}, '')), chr(10))"""
# A chat input's last user turn; a list that is no chat (no user turn) as its transcript.
INPUT_TEXT = f"""CASE json_type(f_input)
    WHEN 'VARCHAR' THEN (f_input->>'$')
    WHEN 'ARRAY' THEN coalesce(critic_last_turn(msgs), {TRANSCRIPT})
    END"""
CONTEXT_TEXT = """CASE json_type(f_context)
    WHEN 'VARCHAR' THEN (f_context->>'$')
    WHEN 'ARRAY' THEN array_to_string(from_json(f_context, '["VARCHAR"]'), chr(10) || chr(10))
    END"""


def insert(con: duckdb.DuckDBPyConnection, source_names: list[str]) -> tuple[int, int, int]:
    """Insert new interactions and events; return (new interactions, new events, duplicates)."""
    names = "[" + ", ".join(literal(n) for n in source_names) + "]"
    metadata = (
        "json_merge_patch(coalesce(f_metadata, '{}'::JSON), "
        f"json_merge_patch(j, '{_null_patch(INTERACTION_FIELDS)}'))"
    )
    ts = ts_expr("f_ts")
    interactions_before = _scalar(con, "SELECT count(*) FROM interactions")
    con.execute(
        f"""
        INSERT INTO interactions (id, ts, session_id, user_hash, feature, model, prompt_version, input, messages,
                                  output, reference, context, latency_ms, input_tokens, output_tokens, cost_usd,
                                  finish_reason, metadata, source, ingested_at, system, error, has_content)
        WITH firsts AS (  -- the first record of each new id; narrow, so the window does not drag the JSON along
            SELECT seq FROM shaped  -- one line of another tool's log (a page, a trace) holds many records
            WHERE kind IN ('interaction', 'openai')
              AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.id = (shaped.f_id->>'$'))
            QUALIFY row_number() OVER (PARTITION BY (f_id->>'$') ORDER BY src, rn, seq) = 1
        ), rows AS (
            SELECT shaped.*, CASE WHEN json_type(f_input) = 'ARRAY' THEN critic_messages(f_input) END AS msgs
            FROM shaped SEMI JOIN firsts USING (seq)
        )
        SELECT
            (f_id->>'$') AS id, {ts} AS ts, (f_session_id->>'$') AS session_id,
            CASE WHEN trim(f_user_id->>'$') = '' OR (f_user_id->>'$') IS NULL THEN NULL  -- '' is no user
                 ELSE sha256((SELECT value FROM meta WHERE key = 'user_salt') || ':' || ((f_user_id->>'$'))) END,
            (f_feature->>'$'), (f_model->>'$'), (f_prompt_version->>'$'),
            {INPUT_TEXT}, coalesce(msgs, CASE WHEN json_type(f_input) = 'ARRAY' THEN f_input END),
            coalesce({parts_text("f_output")}, ''), (f_reference->>'$'), {CONTEXT_TEXT},
            TRY_CAST((f_latency_ms->>'$') AS DOUBLE), TRY_CAST(TRY_CAST((f_input_tokens->>'$') AS DOUBLE) AS BIGINT),
            TRY_CAST(TRY_CAST((f_output_tokens->>'$') AS DOUBLE) AS BIGINT), TRY_CAST((f_cost_usd->>'$') AS DOUBLE),
            CASE WHEN (f_finish_reason->>'$') IS NULL AND (f_error->>'$') IS NOT NULL THEN 'error'
                 ELSE (f_finish_reason->>'$') END, {metadata},
            list_extract({names}, src + 1), now(),
            coalesce((f_system->>'$'), critic_system(msgs)), (f_error->>'$'),
            coalesce(TRY_CAST(f_has_content->>'$' AS BOOLEAN), true)
        FROM rows
        """
    )
    new_interactions = _scalar(con, "SELECT count(*) FROM interactions") - interactions_before
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE all_events AS
        SELECT (f_interaction_id->>'$') AS interaction_id, {ts_expr("f_ts")} AS ts, (f_kind->>'$') AS kind,
               f_value AS value, src, rn, 0 AS pos
        FROM shaped WHERE kind = 'event'
        UNION ALL
        SELECT interaction_id, coalesce({ts_expr("e->'ts'")}, parent_ts), e->>'kind', e->'value', src, rn, 1
        FROM nested
        """
    )
    events_before = _scalar(con, "SELECT count(*) FROM events")
    con.execute(
        """
        INSERT INTO events (interaction_id, ts, kind, value)
        SELECT interaction_id, ts, kind, value FROM (
            SELECT *, row_number() OVER (PARTITION BY interaction_id, kind, ts ORDER BY src, rn, pos) AS nth
            FROM all_events
        ) a
        WHERE nth = 1 AND NOT EXISTS (
            SELECT 1 FROM events e WHERE e.interaction_id = a.interaction_id AND e.kind = a.kind AND e.ts = a.ts)
        """
    )
    new_events = _scalar(con, "SELECT count(*) FROM events") - events_before
    records = _scalar(con, "SELECT count(*) FROM shaped WHERE kind IN ('interaction', 'openai')")
    events = _scalar(con, "SELECT count(*) FROM all_events")
    return new_interactions, new_events, (records - new_interactions) + (events - new_events)


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
