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
- `critic_documents(json)`: retrieved documents as text
- `critic_content(json)`, `critic_message_text(json)`: message content (a string, a part or a list of
  parts), or a whole message, as text
- `critic_unstring(json)`, `critic_last_turn(msgs)`, `critic_system(msgs)`: SQL macros: a JSON
  string holding a JSON object or list, parsed; the last user turn and the system prompt of
  critic_messages' output
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
from duckdb.sqltypes import VARCHAR

IMAGE_TYPES = {"image_url", "image", "input_image", "image_file"}
CALL_TYPES = {"tool_call", "function_call", "tool_use"}
RESULT_TYPES = {"tool_call_response", "function_call_output", "tool_result"}
TEXT_TYPES = {"text", "input_text", "output_text"}

MACROS = (
    r"""critic_unstring(x) AS
        CASE WHEN json_type(x) = 'VARCHAR' AND regexp_matches(json_extract_string(x, '$'), '^\s*[\[{]')
                  AND json_valid(json_extract_string(x, '$'))
             THEN json_extract_string(x, '$')::JSON ELSE x END""",
    """critic_last_turn(msgs) AS json_extract_string(list_filter(from_json(msgs, '["json"]'),
        lambda m: json_extract_string(m, 'role') = 'user')[-1], 'content')""",
    """critic_system(msgs) AS nullif(array_to_string(list_transform(list_filter(from_json(msgs, '["json"]'),
        lambda m: json_extract_string(m, 'role') IN ('system', 'developer')),
        lambda m: json_extract_string(m, 'content')), chr(10) || chr(10)), '')""",
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
        shown = json.dumps(args, ensure_ascii=False)
    return f"{name or 'tool'}({shown})"


def part_text(part: Any) -> str | None:
    """One content part as text: text as is, a tool call as a call, an image as [image], others as [type]."""
    if isinstance(part, str):
        return part
    if not isinstance(part, dict):
        return None if part is None else json.dumps(part)
    kind = part.get("type") if isinstance(part.get("type"), str) else None
    if kind in CALL_TYPES:
        return call(part.get("name"), part.get("arguments", part.get("input")))
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
    lines = []
    body = content_text(message["content"] if "content" in message else message.get("parts"))
    if body:
        lines.append(body)
    for tool_call in message.get("tool_calls") or []:
        if isinstance(tool_call, dict):
            function = tool_call.get("function") if isinstance(tool_call.get("function"), dict) else tool_call
            lines.append(call(function.get("name"), function.get("arguments")))
    if isinstance(message.get("function_call"), dict):
        lines.append(call(message["function_call"].get("name"), message["function_call"].get("arguments")))
    return "\n".join(lines) if lines else None


def _choice_messages(value: Any) -> list[Any] | None:
    """The messages of a chat completion's choices (or of a Responses API object's output), or None."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("choices"), list):
        return [c.get("message", c.get("delta", {"content": c.get("text")})) if isinstance(c, dict) else c
                for c in value["choices"]]
    output = value.get("output")
    if isinstance(output, list) and (value.get("object") == "response" or all(isinstance(i, dict) and "type" in i
                                                                               for i in output)):
        items = [content_text(i.get("content")) if i.get("type") == "message"
                 else call(i.get("name"), i.get("arguments")) if i.get("type") == "function_call" else None
                 for i in output]
        return [{"content": "\n".join(t for t in items if t)}]
    return None


def is_messages(value: Any) -> bool:
    return (isinstance(value, list) and len(value) > 0
            and all(isinstance(m, dict) and ("role" in m or m.get("type") == "message") for m in value))


def output_text(value: Any) -> str | None:
    """The reply's text from any logged shape (n>1: the first choice); None when nothing was logged."""
    value = unstring(value)
    if value is None or isinstance(value, str):
        return value
    choices = _choice_messages(value)
    if choices is not None:
        return message_text(choices[0]) if choices else None
    if isinstance(value, dict):
        if any(k in value for k in ("role", "content", "tool_calls", "parts")):
            return message_text(value)
        for key in ("text", "output", "completion", "response"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return json.dumps(value, ensure_ascii=False)
    if is_messages(value):
        return message_text(value[-1])
    return content_text(value)


def choices_texts(value: Any) -> list[str | None] | None:
    """Each choice's text when a reply has several (n>1), else None."""
    choices = _choice_messages(unstring(value))
    return [message_text(c) for c in choices] if choices and len(choices) > 1 else None


def messages(value: Any) -> list[dict[str, str]] | None:
    """A chat transcript (a list of messages, `{messages: [...]}` or a Responses `input`) as [{role, content}]."""
    value = unstring(value)
    if isinstance(value, dict):
        value = next((value[k] for k in ("messages", "input") if is_messages(value.get(k))), None)
    if not is_messages(value):
        return None
    return [{"role": str(m.get("role") or "user"), "content": message_text(m) or ""} for m in value]


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


def _udf(func: Any) -> Any:
    """FUNC over parsed JSON, as a DuckDB function from JSON text to JSON text (None stays NULL)."""
    def run(text: str | None) -> str | None:
        if text is None:
            return None
        result = func(json.loads(text))
        return None if result is None else json.dumps(result, ensure_ascii=False)
    return run


FUNCTIONS = {"output": output_text, "choices": choices_texts, "messages": messages, "content": content_text,
             "message_text": message_text, "documents": documents_text}


def define(con: duckdb.DuckDBPyConnection) -> None:
    """Register the functions and macros on CON (again, if a previous ingest on CON did)."""
    for name, func in FUNCTIONS.items():
        try:
            con.remove_function(f"critic_py_{name}")
        except (duckdb.InvalidInputException, duckdb.CatalogException):
            pass
        con.create_function(f"critic_py_{name}", _udf(func), [VARCHAR], VARCHAR, side_effects=False,
                            null_handling="special")
        # text results as text, lists as JSON
        result = "json_extract_string({}, '$')" if name != "choices" and name != "messages" else "{}"
        call_sql = result.format(f"critic_py_{name}(x::VARCHAR)::JSON")
        con.execute(f"CREATE OR REPLACE TEMP MACRO critic_{name}(x) AS {call_sql}")
    for macro in MACROS:
        con.execute(f"CREATE OR REPLACE TEMP MACRO {macro}")
