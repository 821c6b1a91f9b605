"""A loopback server that answers `POST /v1/chat/completions` the way OpenAI does, for real
instrumentation libraries to record.

It runs on 127.0.0.1 (a free port) from its own thread. The scenario is chosen by the request:
a model it does not know answers 404 (OpenAI's `model_not_found` body); otherwise the text of the
last user message names one of `SCENARIOS`, which says what to answer (text, tool calls, a 500,
a stream cut short). Request parameters are honoured as OpenAI does: `n` (one choice per reply
text), `stream` (SSE chunks, `[DONE]` at the end), `stream_options.include_usage` (a last chunk
with empty `choices` and the usage), `max_tokens`/`max_completion_tokens` (the reply is cut at
that many tokens and `finish_reason` is `length`), tool calls only when the request offers `tools`.

Replies are imperfect the way real servers are: unknown fields (`obfuscation` in chunks,
`x_request_region`, choice-level `stop_reason`, message-level `reasoning_content`),
`system_fingerprint` sometimes null, `logprobs: null`, `service_tier`, `usage` absent in one
scenario and `prompt_tokens_details: null` in another.

Every request served is appended to `server.log` (what was asked, what was answered, per choice),
which is the ground truth `produce.py` writes into the manifest.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

# Request model -> the dated model name the server answers with (as OpenAI does).
MODELS = {
    "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
    "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14",
}
MISSING_MODEL = "gpt-4o-mini-2099-01-01"  # any model not in MODELS answers 404

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "City name, e.g. Lisbon"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "convert_currency",
            "description": "Convert an amount between two ISO 4217 currencies at today's rate.",
            "parameters": {
                "type": "object",
                "properties": {
                    "amount": {"type": "number"},
                    "from": {"type": "string"},
                    "to": {"type": "string"},
                },
                "required": ["amount", "from", "to"],
            },
        },
    },
]

# A 1x1 transparent PNG, sent as an image_url data URL.
PNG_DATA_URL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

SUPPORT_SYSTEM = (
    "You are the support assistant of Acme Cloud. Answer in plain English, in at most four "
    "sentences, and never invent features that are not in the documentation."
)

RAG_DOCUMENTS = [
    (
        "Refunds: customers on a monthly plan can request a full refund within 14 days of the "
        "first charge. After 14 days, refunds are prorated to the unused days of the billing period."
    ),
    (
        "Annual plans are refundable within 30 days of purchase. Refunds are issued to the original "
        "payment method and take 5 to 10 business days to appear."
    ),
    (
        "Enterprise contracts are governed by their order form; contact your account manager for "
        "cancellations or refunds."
    ),
]
RAG_SYSTEM = (
    "Answer the customer's question using only the context below. If the context does not "
    "contain the answer, say you do not know.\n\nContext:\n"
    + "\n".join(f"[{i + 1}] {d}" for i, d in enumerate(RAG_DOCUMENTS))
)
SUBSCRIPTION = {"customer_id": "cus_8842", "plan": "monthly", "first_charge": "2026-10-28", "days_since_charge": 20}

WEATHER_LISBON = {"city": "Lisbon", "temperature_c": 21, "conditions": "sunny", "wind_kmh": 12}


@dataclass
class Scenario:
    """What the server answers when the last user message is `user`."""

    name: str
    user: str
    replies: list[str] = field(default_factory=list)  # one per choice (n); the first is reused
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    status: int = 200  # 500: every attempt fails
    cut_after: int | None = None  # streamed: close the connection after this many content chunks
    omit_usage: bool = False
    null_token_details: bool = False
    fingerprint: str | None = "fp_0ba0d124f1"


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario(
            "plain",
            "How do I rotate the API key of our billing service without any downtime?",
            [
                (
                    "Create a second key first and deploy it alongside the old one, so both are valid "
                    "for a short overlap. Switch each client to the new key and watch the access logs "
                    "until no request uses the old key any more. Then revoke the old key. If a client "
                    "cannot be redeployed quickly, keep the overlap window longer rather than forcing "
                    "the switch."
                )
            ],
            fingerprint=None,
        ),
        Scenario(
            "multi_turn",
            "And can I get them as CSV instead of PDF?",
            [
                (
                    "Yes. On the Billing > Invoices page, pick the date range and choose CSV in the "
                    "Export menu; the file has one row per invoice line. PDF remains the default for "
                    "single invoices, but bulk exports can be CSV or PDF."
                )
            ],
            null_token_details=True,
        ),
        Scenario(
            "image",
            "What does this chart show? Summarise it in two sentences.",
            [
                (
                    "The chart shows a single transparent pixel, so there is no visible data to "
                    "summarise. If you meant to attach a sales or usage chart, please upload it again "
                    "and I will describe its trend."
                )
            ],
            omit_usage=True,
        ),
        Scenario(
            "tool_one",
            "What's the weather in Lisbon right now?",
            tool_calls=[("get_weather", {"city": "Lisbon", "unit": "celsius"})],
        ),
        Scenario(
            "tool_many",
            "Compare the weather in Oslo and Madrid, and convert 250 EUR to NOK.",
            tool_calls=[
                ("get_weather", {"city": "Oslo", "unit": "celsius"}),
                ("get_weather", {"city": "Madrid", "unit": "celsius"}),
                ("convert_currency", {"amount": 250, "from": "EUR", "to": "NOK"}),
            ],
        ),
        Scenario(
            "tool_one_stream",
            "Is it raining in Porto at the moment?",
            tool_calls=[("get_weather", {"city": "Porto", "unit": "celsius"})],
        ),
        Scenario(
            "tool_many_stream",
            "I fly from Berlin to Rome tomorrow: what's the weather in both, and how much is 120 EUR in GBP?",
            tool_calls=[
                ("get_weather", {"city": "Berlin"}),
                ("get_weather", {"city": "Rome"}),
                ("convert_currency", {"amount": 120, "from": "EUR", "to": "GBP"}),
            ],
        ),
        Scenario(
            "tool_result",
            # the follow-up request after tool_one: the last user message is the same question,
            # the last message is the tool's result; matched on the tool message (see _scenario)
            "What's the weather in Lisbon right now?",
            [
                (
                    "It is 21 °C and sunny in Lisbon right now, with a light wind of about 12 km/h. "
                    "A good afternoon for a walk along the river, though you may want sunglasses."
                )
            ],
        ),
        Scenario(
            "n2",
            "Suggest a short, friendly name for our internal analytics dashboard and explain the choice in one "
            "sentence.",
            [
                (
                    "Lighthouse: it suggests a tool that helps everyone find their way through the data "
                    "without getting lost."
                ),
                (
                    "Pulse: it is short, easy to remember, and hints that the dashboard shows the "
                    "heartbeat of the business in real time."
                ),
            ],
        ),
        Scenario(
            "stream",
            "Explain the difference between a mutex and a semaphore.",
            [
                (
                    "A mutex is a lock with an owner: one thread acquires it, and only that thread may "
                    "release it, so it protects a critical section from concurrent access. A semaphore "
                    "is a counter without ownership: any thread can signal it, and it lets up to N "
                    "threads proceed at once. Use a mutex for exclusive access to shared state, and a "
                    "semaphore to limit concurrency or to signal between threads."
                )
            ],
        ),
        Scenario(
            "stream_no_usage",
            "Give me three tips for writing good commit messages.",
            [
                (
                    "First, write a short summary line in the imperative mood, such as 'Fix timeout in "
                    "upload retry'. Second, leave a blank line and explain why the change was needed, "
                    "not only what changed. Third, keep each commit focused on one logical change so "
                    "the message can stay precise."
                )
            ],
        ),
        Scenario(
            "cut",
            "Write a step-by-step guide to migrating a PostgreSQL database to a new server.",
            [
                (
                    "Step 1: check that the new server runs the same or a newer major version of "
                    "PostgreSQL. Step 2: take a full dump with pg_dump in the custom format, or set up "
                    "logical replication if you need near-zero downtime. Step 3: restore the dump on "
                    "the new server with pg_restore and compare row counts. Step 4: point the "
                    "application at the new server and keep the old one read-only for a day."
                )
            ],
            cut_after=9,
        ),
        Scenario(
            "length",
            "Describe the history of the Unix operating system.",
            [
                (
                    "Unix began in 1969 at Bell Labs, where Ken Thompson and Dennis Ritchie built a small "
                    "time-sharing system on a PDP-7. It was rewritten in C in 1973, which made it "
                    "portable, and universities adopted it widely through the Berkeley Software "
                    "Distribution."
                )
            ],
        ),
        Scenario(
            "not_found",
            "Summarise this ticket: the customer cannot log in after a password reset.",
            ["(never answered: the model does not exist)"],
        ),
        Scenario(
            "server_error",
            "Translate 'Our office will be closed on Friday' into German.",
            ["(never answered: 500)"],
            status=500,
        ),
        Scenario(
            "rag",
            "Can I still get a refund on my monthly plan if I was charged 20 days ago?",
            [
                (
                    "Yes, but only partially: after the first 14 days a monthly plan is refunded "
                    "prorated to the unused days of the current billing period [1]. The refund goes back "
                    "to your original payment method and can take 5 to 10 business days [2]."
                )
            ],
        ),
    ]
}

ERROR_404 = {
    "error": {
        "message": "The model `{model}` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }
}
ERROR_500 = {
    "error": {
        "message": "The server had an error while processing your request. Sorry about that!",
        "type": "server_error",
        "param": None,
        "code": None,
    }
}

_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Tokens as this server counts them: words and punctuation marks."""
    return len(_TOKEN.findall(text))


def cut_to_tokens(text: str, n: int) -> str:
    """The prefix of `text` that holds its first `n` tokens."""
    matches = list(_TOKEN.finditer(text))
    if len(matches) <= n:
        return text
    return text[: matches[n - 1].end()]


def tool_call_id(scenario: str, i: int) -> str:
    return "call_" + hashlib.sha1(f"{scenario}:{i}".encode()).hexdigest()[:24]


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def _scenario(messages: list[dict[str, Any]]) -> Scenario | None:
    users = [m for m in messages if m.get("role") == "user"]
    if not users:
        return None
    last = _text_of(users[-1].get("content")).strip()
    if messages and messages[-1].get("role") == "tool":
        return SCENARIOS["tool_result"]
    for s in SCENARIOS.values():
        if s.user.strip() == last and s.name != "tool_result":
            return s
    return None


def _prompt_tokens(messages: list[dict[str, Any]]) -> int:
    total = 0
    for m in messages:
        total += 4 + count_tokens(_text_of(m.get("content")))
        if isinstance(m.get("content"), list):
            total += 85 * sum(1 for p in m["content"] if isinstance(p, dict) and p.get("type") == "image_url")
        for tc in m.get("tool_calls") or []:
            total += count_tokens(json.dumps(tc.get("function", {})))
    return total + 3


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # -- plumbing
    def _send_json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", f"req_{next(self.server.ids):024x}")
        self.send_header("openai-processing-ms", "412")
        self.send_header("openai-version", "2020-10-01")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _chunk(self, payload: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(payload), payload))
        self.wfile.flush()

    def _event(self, obj: dict[str, Any] | str) -> None:
        data = obj if isinstance(obj, str) else json.dumps(obj)
        self._chunk(f"data: {data}\n\n".encode())

    # -- API
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
            self._send_json(
                404,
                {
                    "error": {
                        "message": f"Unknown path {self.path}",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": None,
                    }
                },
            )
            return
        try:
            req = json.loads(raw)
        except ValueError:
            self._send_json(
                400,
                {
                    "error": {
                        "message": "We could not parse the JSON body of your request.",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": None,
                    }
                },
            )
            return
        entry: dict[str, Any] = {"t": time.time(), "request": req}
        self.server.log.append(entry)
        model = req.get("model")
        if model not in MODELS:
            body = json.loads(json.dumps(ERROR_404).replace("{model}", str(model)))
            entry.update(status=404, scenario=None)
            self._send_json(404, body)
            return
        messages = req.get("messages") or []
        scen = _scenario(messages)
        if scen is None:
            scen = Scenario("unknown", "", ["I'm sorry, I did not understand the question. Could you rephrase it?"])
        entry["scenario"] = scen.name
        if scen.status == 500:
            entry.update(status=500)
            # retry-after-ms keeps the client's retries quick (the openai client honours it)
            self._send_json(500, ERROR_500, {"retry-after-ms": "20"})
            return
        n = int(req.get("n") or 1)
        cap = req.get("max_completion_tokens") or req.get("max_tokens")
        offers_tools = bool(req.get("tools"))
        use_tools = bool(scen.tool_calls) and offers_tools
        created = int(time.time())
        resp_id = "chatcmpl-" + hashlib.sha1(f"{time.time_ns()}:{next(self.server.ids)}".encode()).hexdigest()[:29]
        choices: list[dict[str, Any]] = []
        for i in range(n):
            if use_tools:
                choices.append(
                    {
                        "text": None,
                        "finish_reason": "tool_calls",
                        "tool_calls": [
                            {
                                "id": tool_call_id(scen.name, j),
                                "name": name,
                                "arguments": json.dumps(args, separators=(",", ":")),
                            }
                            for j, (name, args) in enumerate(scen.tool_calls)
                        ],
                    }
                )
                continue
            text = scen.replies[i] if i < len(scen.replies) else scen.replies[0]
            finish = "stop"
            if cap is not None and count_tokens(text) > int(cap):
                text, finish = cut_to_tokens(text, int(cap)), "length"
            choices.append({"text": text, "finish_reason": finish, "tool_calls": []})
        completion_tokens = sum(
            count_tokens(c["text"])
            if c["text"] is not None
            else sum(count_tokens(t["arguments"]) + 3 for t in c["tool_calls"])
            for c in choices
        )
        usage: dict[str, Any] = {
            "prompt_tokens": _prompt_tokens(messages),
            "completion_tokens": completion_tokens,
        }
        usage["total_tokens"] = usage["prompt_tokens"] + completion_tokens
        if scen.null_token_details:
            usage["prompt_tokens_details"] = None
        else:
            usage["prompt_tokens_details"] = {"cached_tokens": 0, "audio_tokens": 0}
            usage["completion_tokens_details"] = {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            }
        common = {
            "id": resp_id,
            "created": created,
            "model": MODELS[model],
            "service_tier": "default",
            "system_fingerprint": scen.fingerprint,
        }
        entry.update(status=200, id=resp_id, response_model=MODELS[model], choices=choices)
        if req.get("stream"):
            include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
            entry["usage"] = usage if include_usage else None
            self._stream(common, choices, usage if include_usage else None, scen, entry)
            return
        entry["usage"] = None if scen.omit_usage else usage
        reply: dict[str, Any] = {"object": "chat.completion", **common, "choices": []}
        for i, c in enumerate(choices):
            msg: dict[str, Any] = {"role": "assistant", "content": c["text"], "refusal": None, "annotations": []}
            if c["tool_calls"]:
                msg["tool_calls"] = [
                    {"id": t["id"], "type": "function", "function": {"name": t["name"], "arguments": t["arguments"]}}
                    for t in c["tool_calls"]
                ]
            if scen.null_token_details:
                msg["reasoning_content"] = None  # as vLLM-style servers add
            reply["choices"].append(
                {
                    "index": i,
                    "message": msg,
                    "logprobs": None,
                    "finish_reason": c["finish_reason"],
                    "stop_reason": None,
                }
            )
        if not scen.omit_usage:
            reply["usage"] = usage
        reply["x_request_region"] = "eu-west-1"
        self._send_json(200, reply)

    def _stream(
        self,
        common: dict[str, Any],
        choices: list[dict[str, Any]],
        usage: dict[str, Any] | None,
        scen: Scenario,
        entry: dict[str, Any],
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("x-request-id", f"req_{next(self.server.ids):024x}")
        self.end_headers()
        base = {"object": "chat.completion.chunk", **common}

        def chunk(choice_list: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
            obj = {**base, "choices": choice_list, **extra}
            if usage is not None:
                obj.setdefault("usage", None)
            obj["obfuscation"] = "Qx7f"  # OpenAI pads chunks with this field
            return obj

        # the first chunk of every choice carries the role
        for i, c in enumerate(choices):
            delta: dict[str, Any] = {
                "role": "assistant",
                "content": "" if c["text"] is not None else None,
                "refusal": None,
            }
            self._event(chunk([{"index": i, "delta": delta, "logprobs": None, "finish_reason": None}]))
        # content (or tool calls), interleaved across choices
        pieces: list[list[dict[str, Any]]] = []
        for c in choices:
            p: list[dict[str, Any]] = []
            if c["text"] is not None:
                p = [{"content": w} for w in re.findall(r"\S+\s*", c["text"])]
            else:
                for j, t in enumerate(c["tool_calls"]):
                    p.append(
                        {
                            "tool_calls": [
                                {
                                    "index": j,
                                    "id": t["id"],
                                    "type": "function",
                                    "function": {"name": t["name"], "arguments": ""},
                                }
                            ]
                        }
                    )
                    args = t["arguments"]
                    for k in range(0, len(args), 7):
                        p.append({"tool_calls": [{"index": j, "function": {"arguments": args[k : k + 7]}}]})
            pieces.append(p)
        sent_text = ["" for _ in choices]
        sent = 0
        for step in itertools.zip_longest(*pieces):
            for i, delta in enumerate(step):
                if delta is None:
                    continue
                if scen.cut_after is not None and sent >= scen.cut_after:
                    # the connection drops mid-stream: no finish_reason, no [DONE], no final chunk
                    entry["cut"] = True
                    entry["sent_text"] = sent_text
                    self.wfile.flush()
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                self._event(chunk([{"index": i, "delta": delta, "logprobs": None, "finish_reason": None}]))
                sent_text[i] += delta.get("content", "")
                sent += 1
        for i, c in enumerate(choices):
            self._event(chunk([{"index": i, "delta": {}, "logprobs": None, "finish_reason": c["finish_reason"]}]))
        if usage is not None:
            self._event(chunk([], usage=usage))
        self._event("[DONE]")
        self._chunk(b"")
        entry["sent_text"] = sent_text


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.log: list[dict[str, Any]] = []
        self.ids = itertools.count(1)


class LoopbackServer:
    """`with LoopbackServer() as srv:` serves on `srv.base_url` (…/v1) until the block ends."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, name="realtraffic-server", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def log(self) -> list[dict[str, Any]]:
        return self._server.log

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
