# SPDX-License-Identifier: Apache-2.0
"""The SQL fast path of critic.ingest.shapes answers exactly what the Python functions answer."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pytest
from duckdb.sqltypes import VARCHAR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from critic.ingest import shapes

TEXT = st.sampled_from(["", "hi", " [1, 2]", '[{"function": {"name": "f"}}]', '{"a": 1}', "é ü", "  x\n"])
PART = st.one_of(
    st.fixed_dictionaries({"type": st.just("text"), "content": TEXT}),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["text", "image", "tool_call"]), "content": TEXT},
        optional={"name": st.just("f"), "text": TEXT},
    ),
    TEXT,
)
MESSAGE = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", "tool", "model", "human", "developer"])},
    optional={
        "content": st.one_of(TEXT, st.none(), st.lists(PART, max_size=2)),
        "parts": st.lists(PART, max_size=3),
        "name": st.just("bob"),
        "finish_reason": st.just("stop"),
        "refusal": st.none(),
        "tool_calls": st.just([{"function": {"name": "f", "arguments": '{"a": 1}'}}]),
    },
)
VALUE = st.one_of(
    TEXT,
    st.none(),
    MESSAGE,
    st.lists(MESSAGE, max_size=4),
    st.builds(lambda ms: {"choices": [{"message": m} for m in ms]}, st.lists(MESSAGE, max_size=2)),
    st.builds(lambda ms: json.dumps(ms), st.lists(MESSAGE, max_size=2)),
)
CASES: list[Any] = [
    "plain reply",
    "",
    [{"role": "user", "content": "hi"}],
    [{"role": "user", "parts": [{"type": "text", "content": "a"}, {"type": "text", "content": "b"}]}],
    {"role": "assistant", "content": "ok", "refusal": None},
    {"choices": [{"message": {"role": "assistant", "content": "x"}}]},
    [{"role": "assistant", "content": '[{"function": {"name": "f", "arguments": "{}"}}]'}],
    {"role": "assistant", "content": ""},
    [{"role": "human", "content": "hi"}],
    {"role": "assistant", "parts": []},
]
NAMES = ("output", "message_text", "content", "prompt", "messages")


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    shapes.define(connection)
    return connection


def _sql(con: duckdb.DuckDBPyConnection, name: str, value: Any) -> Any:
    [(result,)] = con.execute(f"SELECT critic_{name}(?::JSON)", [json.dumps(value)]).fetchall()
    return json.loads(result) if name in shapes.JSON_RESULTS and result is not None else result


def _python(name: str, value: Any) -> Any:
    return shapes.FUNCTIONS[name](value)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", CASES)
def test_fast_path_agrees_on_known_shapes(con: duckdb.DuckDBPyConnection, name: str, value: Any) -> None:
    assert _sql(con, name, value) == _python(name, value)


def test_the_fast_path_answers_plain_messages_without_python() -> None:
    con = duckdb.connect()
    shapes.define(con)
    con.remove_function("critic_py_messages")
    con.create_function("critic_py_messages", lambda _x: '"python was called"', [VARCHAR], VARCHAR)
    plain = [{"role": "system", "content": "be brief"}, {"role": "user", "parts": [{"type": "text", "content": "q"}]}]
    assert _sql(con, "messages", plain) == [{"role": "system", "content": "be brief"}, {"role": "user", "content": "q"}]
    assert _sql(con, "messages", [{"role": "human", "content": "q"}]) == "python was called"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUE, name=st.sampled_from(NAMES))
def test_fast_path_agrees_on_any_message_shape(con: duckdb.DuckDBPyConnection, name: str, value: Any) -> None:
    assert _sql(con, name, value) == _python(name, value)
