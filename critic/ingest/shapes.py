# SPDX-License-Identifier: Apache-2.0
"""The message shapes tools log, read into critic's text: one place for every format.

Every format (critic's own OpenAI logs, OTel, OpenInference, Langfuse, LiteLLM) logs the same few
things in different wrappers: a reply as a string, a chat message, a chat completion with choices,
a Responses API object, or any of these as a JSON *string*; tool calls as OpenAI's `tool_calls`,
GenAI `tool_call` parts, Anthropic `tool_use` blocks or Responses `function_call` items. The
functions here read them; `define` registers them on a DuckDB connection for the ingest SQL
(called only on the rows that need them):

- `critic_output(json)`: the reply's text (n>1: the first choice); tool calls as readable calls,
  `get_weather(city="Paris")`; images as `[image]`
- `critic_choices(json)`: every choice's text when there are several (n>1), else NULL (JSON)
- `critic_messages(json)`: a chat transcript as `[{role, content}]` with text content, or NULL (JSON)
- `critic_documents(json)`: retrieved documents as text; `critic_prompt(json)`: an input that is no chat
- `critic_transcript(json)`: a chat flattened into `role: text` lines, as messages (JSON)
- `critic_events_in(json)`, `critic_events_out(json)`: messages and choices of GenAI events kept as a JSON list
- `critic_content(json)`, `critic_message_text(json)`: message content (a string, a part or a list of
  parts), or a whole message, as text
- `critic_unstring(json)`, `critic_last_turn(msgs)`, `critic_system(msgs)`: SQL macros: a JSON
  string holding a JSON object or list, parsed; the last user turn and the system prompt of
  critic_messages' output
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import duckdb
from duckdb.func import FunctionNullHandling
from duckdb.sqltypes import VARCHAR

IMAGE_TYPES = {"image_url", "image", "input_image", "image_file"}
CALL_TYPES = {"tool_call", "function_call", "tool_use", "tool-call"}  # OpenAI, GenAI, Anthropic, Vercel
RESULT_TYPES = {"tool_call_response", "function_call_output", "tool_result", "tool-result"}
ROLES = {"model": "assistant", "human": "user", "ai": "assistant"}  # Gemini's and LangChain's names


def compact(value: Any) -> str:
    """Structured data as the compact JSON APIs write."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


TEXT_TYPES = {"text", "input_text", "output_text"}
JSON_START = r"'^\s*[\[{]'"  # SQL: a string that may hold a JSON object or list (Python: unstring)
CHAT = """'[{"role": "VARCHAR", "content": "VARCHAR"}]'"""  # critic_messages' output, as DuckDB's type

MACROS = (
    f"""critic_unstring(x) AS
        CASE WHEN json_type(x) = 'VARCHAR' AND regexp_matches(json_extract_string(x, '$'), {JSON_START})
             THEN coalesce(TRY_CAST(json_extract_string(x, '$') AS JSON), x) ELSE x END""",
    f"""critic_last_turn(msgs) AS list_filter(from_json(msgs, {CHAT}), lambda m: m.role = 'user')[-1].content""",
    f"""critic_system(msgs) AS nullif(array_to_string(list_transform(list_filter(
        from_json(msgs, {CHAT}), lambda m: m.role IN ('system', 'developer')), lambda m: m.content), chr(10)
            || chr(10)), '')""",
)


def unstring(value: Any) -> Any:
    """VALUE, or the JSON object or list a string holds (tools log messages as JSON strings)."""
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def call(name: Any, arguments: Any) -> str:
    """A tool call as readable text: `get_weather(city="Paris", days=3)`; arguments cut short stay as logged."""
    args = unstring(arguments)
    if isinstance(args, dict):
        shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in args.items())
    elif args is None:
        shown = ""
    elif isinstance(args, str):
        shown = args
    else:
        shown = compact(args)
    return f"{name or 'tool'}({shown})"


def part_text(part: Any) -> str | None:
    """One content part as text: text as is, a tool call as a call, an image as [image], others as [type]."""
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return None if part is None else compact(part)
    kind = part.get("type") if isinstance(part.get("type"), str) else None
    if kind in CALL_TYPES or "toolName" in part:
        return call(part.get("name", part.get("toolName")), part.get("arguments", part.get("input", part.get("args"))))
    gemini_call = part.get("function_call", part.get("functionCall"))
    if isinstance(gemini_call, dict):
        return call(gemini_call.get("name"), gemini_call.get("args"))
    if isinstance(part.get("parts"), list):  # a Gemini content object
        return content_text(part["parts"])
    if kind in RESULT_TYPES:
        result = part.get("response", part.get("output", part.get("content")))
        return result if isinstance(result, str) else content_text(result) or "[tool result]"
    for key in ("text", "content"):
        if isinstance(part.get(key), str) and (kind is None or kind in TEXT_TYPES or key == "text"):
            return str(part[key])
    if kind in IMAGE_TYPES or part.get("modality") == "image":
        return "[image]"
    modality = part.get("modality") if isinstance(part.get("modality"), str) else None
    return f"[{modality or kind or 'non-text part'}]"


def content_text(content: Any) -> str | None:
    """Message content (a string, one part, a list of parts) as text; None when there is none."""
    if content is None or isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else [content]
    texts = [t for t in (part_text(p) for p in parts) if t is not None]
    return "\n".join(texts) if texts else None


def message_text(message: Any) -> str | None:
    """A chat message's text: its content, then each tool call on its own line; None when it has neither."""
    if not isinstance(message, dict):
        return content_text(message)
    if message.get("type") in CALL_TYPES | RESULT_TYPES:  # a Responses API input item
        return part_text(message)
    lines = []
    content = message["content"] if "content" in message else message.get("parts")
    calls = list(message.get("tool_calls") or [])
    if _is_tool_calls(unstring(content)):  # Koog logs a reply's tool calls as its content, in JSON
        calls, content = calls + unstring(content), None
    body = content_text(content)
    if body:
        lines.append(body)
    for tool_call in calls:
        if isinstance(tool_call, dict):
            function = tool_call["function"] if isinstance(tool_call.get("function"), dict) else tool_call
            lines.append(call(function.get("name"), function.get("arguments")))
    if isinstance(message.get("function_call"), dict):
        lines.append(call(message["function_call"].get("name"), message["function_call"].get("arguments")))
    return "\n".join(lines) if lines else None


def _is_tool_calls(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(c, dict) and isinstance(c.get("function"), dict) and "name" in c["function"] for c in value)
    )


def _choice_messages(value: Any) -> list[Any] | None:
    """The messages of a chat completion's choices (or of a Responses API object's output), or None."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("choices"), list):
        return [
            c.get("message", c.get("delta", {"content": c.get("text")})) if isinstance(c, dict) else c
            for c in value["choices"]
        ]
    if isinstance(value.get("candidates"), list):  # Gemini
        return [c.get("content") if isinstance(c, dict) else c for c in value["candidates"]]
    output = value.get("output")
    if isinstance(output, list) and (
        value.get("object") == "response" or all(isinstance(i, dict) and "type" in i for i in output)
    ):
        items = [
            content_text(i.get("content"))
            if i.get("type") == "message"
            else call(i.get("name"), i.get("arguments"))
            if i.get("type") == "function_call"
            else None
            for i in output
        ]
        return [{"content": "\n".join(t for t in items if t)}]
    return None


ITEM_ROLES = {"message": None, "function_call": "assistant", "function_call_output": "tool"}  # Responses API input


def is_messages(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and any(isinstance(m, dict) and "role" in m for m in value)
        and all(isinstance(m, dict) and ("role" in m or m.get("type") in ITEM_ROLES) for m in value)
    )


def output_text(value: Any) -> str | None:
    """The reply's text from any logged shape (n>1: the first choice); None when nothing was logged."""
    value = unstring(value)
    if value is None or isinstance(value, str):
        return value
    choices = _choice_messages(value)
    if choices is not None:
        return message_text(choices[0]) if choices else None
    if isinstance(value, dict):
        if isinstance(value.get("message"), dict):  # one choice of a completion
            return message_text(value["message"])
        if any(k in value for k in ("role", "content", "tool_calls", "parts")):
            return message_text(value)
        for key in ("text", "output", "completion", "response"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return compact(value)
    if is_messages(value):
        return message_text(value[-1])
    return content_text(value)


def choices_texts(value: Any) -> list[str | None] | None:
    """Each choice's text when a reply has several (n>1), else None."""
    choices = _choice_messages(unstring(value))
    return [message_text(c) for c in choices] if choices and len(choices) > 1 else None


def messages(value: Any) -> list[dict[str, str]] | None:
    """A chat transcript (a list of messages, `{messages: [...]}`, a Responses `input`, Gemini `contents`) as
    [{role, content}] with text content. A user message that only carries tool results is role `tool`."""
    value = unstring(value)
    if isinstance(value, dict) and isinstance(value.get("role"), str):  # one message
        value = [value]
    elif isinstance(value, dict):
        value = next((value[k] for k in ("messages", "input", "contents") if is_messages(value.get(k))), None)
    if not is_messages(value):
        return None
    return [{"role": _role(m), "content": message_text(m) or ""} for m in value]


def _role(message: dict[str, Any]) -> str:
    role = str(message.get("role") or ITEM_ROLES.get(str(message.get("type"))) or "user")
    role = ROLES.get(role, role)
    parts = message.get("content", message.get("parts"))
    if (
        role == "user"
        and isinstance(parts, list)
        and parts
        and all(
            isinstance(p, dict)
            and (p.get("type") in RESULT_TYPES or "function_response" in p or "functionResponse" in p)
            for p in parts
        )
    ):
        return "tool"
    return role


PROMPT_KEYS = ("prompt", "input", "query", "question", "text")
TRANSCRIPT_ROLE = re.compile(r"^(system|developer|user|assistant|tool): ?", re.MULTILINE)


def transcript(value: Any) -> list[dict[str, str]] | None:
    """A chat some tools flatten into one text (OpenLIT, agno: `user: …\nassistant: …`) as messages; None when
    the text does not start with a role."""
    value = unstring(value)
    if not isinstance(value, str) or not TRANSCRIPT_ROLE.match(value):
        return None
    turns = list(TRANSCRIPT_ROLE.finditer(value))
    return [
        {"role": m.group(1), "content": value[m.end() : turns[i + 1].start() if i + 1 < len(turns) else None].strip()}
        for i, m in enumerate(turns)
    ]


def events_messages(value: Any, side: str) -> list[dict[str, Any]] | None:
    """The messages (SIDE 'in') or the choices (SIDE 'out') of GenAI events kept as a JSON list in one attribute
    (pydantic-ai's `events`): `{"event.name": "gen_ai.user.message", "content": …}`, `gen_ai.choice`."""
    events = [e for e in unstring(value) or [] if isinstance(e, dict)] if isinstance(unstring(value), list) else []
    names = [str(e.get("event.name") or "") for e in events]
    if side == "in":
        found = [
            {**e, "role": e.get("role") or n.split(".")[1]}
            for e, n in zip(events, names)
            if re.fullmatch(r"gen_ai\.(system|user|assistant|tool)\.message", n)
        ]
    else:
        found = [
            e["message"] for e, n in zip(events, names) if n == "gen_ai.choice" and isinstance(e.get("message"), dict)
        ]
    return found or None


def prompt_text(value: Any) -> str | None:
    """A logged input that is no chat, as text: a string, `{prompt|input|query|question: ...}`, else compact JSON."""
    value = unstring(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        found = next((value[k] for k in PROMPT_KEYS if isinstance(value.get(k), str)), None)
        if found is not None:
            return str(found)
    return content_text(value) if isinstance(value, list) else compact(value)


DOCUMENT_TEXT = ("page_content", "pageContent", "content", "text", "document")


def documents_text(value: Any) -> str | None:
    """Retrieved documents (strings, LangChain documents, `{documents: [...]}`) as text, one blank line apart."""
    value = unstring(value)
    if isinstance(value, dict):
        value = next((value[k] for k in ("documents", "docs", "results") if isinstance(value.get(k), list)), [value])
    if not isinstance(value, list):
        return None if value is None else str(value)
    texts = []
    for doc in value:
        if isinstance(doc, dict):
            doc = next((doc[k] for k in DOCUMENT_TEXT if isinstance(doc.get(k), (str, dict))), doc)
            if isinstance(doc, dict):
                doc = doc.get("content", json.dumps(doc, ensure_ascii=False))
        if doc is not None:
            texts.append(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False))
    return "\n\n".join(texts) if texts else None


def _udf(func: Callable[[Any], Any]) -> Callable[[str | None], str | None]:
    """FUNC over parsed JSON, as a DuckDB function from JSON text to JSON text (None stays NULL)."""

    def run(text: str | None) -> str | None:
        if text is None:
            return None
        result = func(json.loads(text))
        return None if result is None else json.dumps(result, ensure_ascii=False)

    return run


FUNCTIONS = {
    "output": output_text,
    "choices": choices_texts,
    "messages": messages,
    "content": content_text,
    "message_text": message_text,
    "documents": documents_text,
    "prompt": prompt_text,
    "transcript": transcript,
    "events_in": lambda v: events_messages(v, "in"),
    "events_out": lambda v: events_messages(v, "out"),
}


JSON_RESULTS = ("choices", "messages", "transcript", "events_in", "events_out")  # the others are text
# critic_choices is asked of every reply, and only a reply with several choices has any: SQL finds those first
SEVERAL_CHOICES = (
    "(coalesce(json_array_length(critic_unstring(x)->'choices'), 0) > 1 "
    "OR coalesce(json_array_length(critic_unstring(x)->'candidates'), 0) > 1)"
)


def first_set(*exprs: str, empty: bool = False) -> str:
    """SQL: the first of EXPRS (JSON values) that is set: not missing, not JSON null (EMPTY: nor "")."""
    unset = "nullif(nullif({}, 'null'::JSON), '\"\"'::JSON)" if empty else "nullif({}, 'null'::JSON)"
    return "coalesce(" + ", ".join(unset.format(e) for e in exprs) + ")"


# The fast path: most logged messages are plain text with nothing else to read, and DuckDB reads those
# without a Python call per row. A regular expression over the compact JSON recognises them (a string
# that cannot itself hold JSON, not Koog's tool calls); anything else, or in doubt, goes to the Python
# functions above. tests/ingest/test_shapes.py holds both to the same answers.
_STRING = r'"(?:[^"\\\[{\s](?:[^"\\]|\\.)*)?"'  # a JSON string, empty or not starting like JSON
_ROLE = '"role":"(?:system|user|assistant|developer|tool)"'
_TEXT_PARTS = r'"parts":\[\{"type":"text","content":' + _STRING + r"\}\]"  # GenAI: one text part
_FINISH = r'(?:,"finish_reason":"[a-z_]*")?'
PLAIN_MESSAGE = (
    r"\{(?:"
    + _ROLE
    + ',"content":'
    + _STRING
    + '|"content":'
    + _STRING
    + ","
    + _ROLE
    + '|"content":'
    + _STRING
    + "|"
    + _ROLE
    + ","
    + _TEXT_PARTS
    + _FINISH
    + r")\}"
)
PLAIN_CHAT = r"\[(?:" + PLAIN_MESSAGE + r",?)+\]"
MESSAGE_STRUCT = """'[{"role": "VARCHAR", "content": "VARCHAR", "parts": [{"content": "VARCHAR"}]}]'"""


def _plain_text(m: str) -> str:
    """SQL: the text of message M, which PLAIN_MESSAGE matched ('' is none, as in message_text)."""
    return (
        f"nullif(coalesce(json_extract_string({m}, '$.content'), json_extract_string({m}, '$.parts[0].content')), '')"
    )


def _fast(name: str) -> list[tuple[str, str]]:
    """(condition, SQL result) pairs that answer function NAME on argument x without Python."""
    text = "json_extract_string(x, '$')"
    string = f"json_type(x) = 'VARCHAR' AND NOT regexp_matches({text}, {JSON_START})"
    first_message = "json_extract(x, '$.choices[0].message')"
    compact = "json_extract(x, '$')::VARCHAR"  # as DuckDB writes JSON: no spaces
    if name == "output":
        return [
            (string, text),
            (f"regexp_full_match({compact}, '{PLAIN_MESSAGE}')", _plain_text("x")),
            (f"regexp_full_match({first_message}::VARCHAR, '{PLAIN_MESSAGE}')", _plain_text(first_message)),
        ]
    if name == "message_text":
        return [(f"regexp_full_match({compact}, '{PLAIN_MESSAGE}')", _plain_text("x"))]
    if name == "content":
        return [("json_type(x) = 'VARCHAR'", text)]
    if name == "prompt":
        return [(string, text)]
    if name == "messages":
        as_critic = "{'role': m.role, 'content': coalesce(m.content, m.parts[1].content)}"
        return [
            (
                f"regexp_full_match({compact}, '{PLAIN_CHAT}')",
                f"to_json(list_transform(from_json(x, {MESSAGE_STRUCT}), lambda m: {as_critic}))",
            )
        ]
    return []


def define(con: duckdb.DuckDBPyConnection) -> None:
    """Register the functions and macros on CON (again, if a previous ingest on CON did)."""
    for macro in MACROS:  # first: critic_choices reads critic_unstring
        con.execute(f"CREATE OR REPLACE TEMP MACRO {macro}")
    for name, func in FUNCTIONS.items():
        try:
            con.remove_function(f"critic_py_{name}")
        except (duckdb.InvalidInputException, duckdb.CatalogException):
            pass
        con.create_function(
            f"critic_py_{name}",
            _udf(func),
            [VARCHAR],
            VARCHAR,
            side_effects=False,
            null_handling=FunctionNullHandling.SPECIAL,
        )
        # text results as text, lists as JSON
        result = "{}" if name in JSON_RESULTS else "json_extract_string({}, '$')"
        # the CASE keeps NULLs out of Python: DuckDB calls the function only on the rows that have a value
        needed = SEVERAL_CHOICES if name == "choices" else "x IS NOT NULL"
        python = result.format(f"critic_py_{name}(x::VARCHAR)::JSON")
        fast = " ".join(f"WHEN {condition} THEN {sql}" for condition, sql in _fast(name))
        con.execute(f"CREATE OR REPLACE TEMP MACRO critic_{name}(x) AS CASE {fast} WHEN {needed} THEN {python} END")
