"""Record what real instrumentation libraries export for real calls to a loopback OpenAI server.

    python -m tests.realtraffic.produce OUTDIR [--only NAME ...]

Each configuration ("worker") runs in its own subprocess, since instrumentations patch `openai`
and `litellm` globally: it starts `server.LoopbackServer`, instruments the library, sets up an
SDK TracerProvider (and a LoggerProvider) with in-memory exporters, runs every scenario through
the library as an application would (catching the library's exceptions), and writes what was
exported as OTLP JSON, encoded by the real OTLP encoder (`encode_spans` / `encode_logs`) and
`google.protobuf.json_format`: one export request per line. The parent merges what each worker
observed into `OUTDIR/manifest.json` (see README.md).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

OPT_IN = {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental"}
CAPTURE = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"

# name -> how it runs. lib: which client the app calls; inst: the instrumentation;
# ids: how trace/span ids are written (hex + integer enums as the Collector's file exporter writes,
# or base64 + enum names as protobuf's JSON mapping writes); lines: "batch" (one export request per
# scenario) or "span" (one request per span, in the order spans end, as SimpleSpanProcessor + an
# OTLP exporter send them); app_spans: which conventions the app's own retrieval/tool spans use.
WORKERS: dict[str, dict[str, Any]] = {
    "openai_v2_default": {
        "lib": "openai",
        "inst": "openai_v2",
        "env": {},
        "ids": "hex",
        "lines": "batch",
        "app_spans": "genai",
    },
    "openai_v2_span_and_event": {
        "lib": "openai",
        "inst": "openai_v2",
        "env": {**OPT_IN, CAPTURE: "SPAN_AND_EVENT"},
        "ids": "base64",
        "lines": "batch",
        "app_spans": "genai",
    },
    "openai_v2_span_only": {
        "lib": "openai",
        "inst": "openai_v2",
        "env": {**OPT_IN, CAPTURE: "SPAN_ONLY"},
        "ids": "hex",
        "lines": "span",
        "app_spans": "genai",
    },
    "openai_v2_event_only": {
        "lib": "openai",
        "inst": "openai_v2",
        "env": {**OPT_IN, CAPTURE: "EVENT_ONLY"},
        "ids": "hex",
        "lines": "batch",
        "app_spans": "genai",
    },
    "openinference_openai": {
        "lib": "openai",
        "inst": "openinference_openai",
        "env": {},
        "ids": "base64",
        "lines": "span",
        "app_spans": "openinference",
    },
    "openinference_openai_genai": {
        "lib": "openai",
        "inst": "openinference_openai",
        "env": {"OPENINFERENCE_ENABLE_GENAI_SEMCONV": "true"},
        "ids": "hex",
        "lines": "batch",
        "app_spans": "openinference",
    },
    "openinference_litellm": {
        "lib": "litellm",
        "inst": "openinference_litellm",
        "env": {},
        "ids": "hex",
        "lines": "batch",
        "app_spans": "openinference",
    },
    "litellm_otel": {
        "lib": "litellm",
        "inst": "litellm_otel",
        "env": {},
        "ids": "base64",
        "lines": "batch",
        "app_spans": "genai",
    },
}
# litellm_otel also writes litellm_standard_logging.jsonl (its CustomLogger's payloads).

RESOURCE = {
    "service.name": "acme-support-bot",
    "service.version": "1.4.2",
    "deployment.environment.name": "staging",
}
SESSION_ID = "sess-4f1c2a"
USER_ID = "user-7781"


# ---------------------------------------------------------------------------------- scenarios
def calls() -> list[dict[str, Any]]:
    """The LLM calls every worker makes, in order: scenario, request, what the app should see."""
    from tests.realtraffic.server import (
        MISSING_MODEL,
        PNG_DATA_URL,
        RAG_DOCUMENTS,
        RAG_SYSTEM,
        SCENARIOS,
        SUPPORT_SYSTEM,
        TOOLS,
        WEATHER_LISBON,
        tool_call_id,
    )

    S = SCENARIOS
    inc: dict[str, Any] = {"stream": True, "stream_options": {"include_usage": True}}

    def c(
        scenario: str, outcome: str, messages: list[dict[str, Any]], model: str = "gpt-4o-mini", **kw: Any
    ) -> dict[str, Any]:
        return {"scenario": scenario, "expected_outcome": outcome, "model": model, "messages": messages, "kwargs": kw}

    def u(name: str) -> dict[str, Any]:
        return {"role": "user", "content": S[name].user}

    return [
        c("plain", "ok", [u("plain")]),
        c(
            "multi_turn",
            "ok",
            [
                {"role": "system", "content": SUPPORT_SYSTEM},
                {"role": "user", "content": "Can I export my invoices?"},
                {
                    "role": "assistant",
                    "content": "Yes: go to Billing > Invoices and use the Export button. "
                    "Invoices are exported as PDF by default.",
                },
                u("multi_turn"),
            ],
            model="gpt-4.1-nano",
            temperature=0.2,
            session=True,
        ),
        c(
            "image",
            "ok",
            [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": S["image"].user},
                        {"type": "image_url", "image_url": {"url": PNG_DATA_URL, "detail": "low"}},
                    ],
                }
            ],
        ),
        c("tool_one", "tool_calls", [u("tool_one")], tools=TOOLS, tool_choice="auto"),
        c(
            "tool_result",
            "ok",
            [
                u("tool_one"),
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": tool_call_id("tool_one", 0),
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city":"Lisbon","unit":"celsius"}'},
                        }
                    ],
                },
                {"role": "tool", "tool_call_id": tool_call_id("tool_one", 0), "content": json.dumps(WEATHER_LISBON)},
            ],
            tools=TOOLS,
        ),
        c("tool_many", "tool_calls", [u("tool_many")], tools=TOOLS, parallel_tool_calls=True),
        c("tool_one_stream", "tool_calls", [u("tool_one_stream")], tools=TOOLS, **inc),
        c("tool_many_stream", "tool_calls", [u("tool_many_stream")], tools=TOOLS, stream=True),
        c("n2", "ok", [u("n2")], n=2, temperature=1.0),
        c("stream", "ok", [u("stream")], **inc),
        c("stream_no_usage", "ok", [u("stream_no_usage")], stream=True),
        c("cut", "cut", [u("cut")], **inc),
        c("length", "truncated", [u("length")], max_tokens=24),
        c("not_found", "error", [u("not_found")], model=MISSING_MODEL),
        c("server_error", "error", [u("server_error")]),
        c("rag", "ok", [{"role": "system", "content": RAG_SYSTEM}, u("rag")], model="gpt-4.1-nano", rag=RAG_DOCUMENTS),
    ]


# ---------------------------------------------------------------------------------- encoding
def _b64_to_hex(v: str) -> str:
    return base64.b64decode(v).hex()


def _hexify(obj: Any) -> Any:
    """Rewrite protobuf's base64 ids as the Collector writes them: lowercase hex."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                out[k] = _b64_to_hex(v)
            else:
                out[k] = _hexify(v)
        return out
    if isinstance(obj, list):
        return [_hexify(x) for x in obj]
    return obj


def encode_line(request: Any, ids: str) -> str:
    from google.protobuf.json_format import MessageToDict, MessageToJson

    if ids == "hex":
        return json.dumps(
            _hexify(MessageToDict(request, use_integers_for_enums=True)), separators=(",", ":"), ensure_ascii=False
        )
    return MessageToJson(request, indent=None, ensure_ascii=False)


# ---------------------------------------------------------------------------------- the app
def _any_value(v: dict[str, Any]) -> Any:
    """An OTLP JSON AnyValue as the Python value it stands for."""
    if "kvlistValue" in v:
        return {kv["key"]: _any_value(kv.get("value", {})) for kv in v["kvlistValue"].get("values", [])}
    if "arrayValue" in v:
        return [_any_value(x) for x in v["arrayValue"].get("values", [])]
    for k in ("stringValue", "boolValue", "doubleValue"):
        if k in v:
            return v[k]
    if "intValue" in v:
        return int(v["intValue"])
    return None


def _strings(obj: Any, out: list[str]) -> None:
    """Every string in an OTLP JSON request (or payload), JSON-in-strings opened too; structured
    AnyValues (kvlist/array) are also added as their compact JSON."""
    if isinstance(obj, dict):
        if "kvlistValue" in obj or "arrayValue" in obj:
            out.append(json.dumps(_any_value(obj), separators=(",", ":"), ensure_ascii=False))
        for v in obj.values():
            _strings(v, out)
    elif isinstance(obj, list):
        for v in obj:
            _strings(v, out)
    elif isinstance(obj, str):
        out.append(obj)
        if obj[:1] in '[{"':
            try:
                _strings(json.loads(obj), out)
            except ValueError:
                pass


def _found(text: str | None, strings: list[str]) -> bool | None:
    if not text:
        return None
    return any(text in s for s in strings)


def run_worker(name: str, outdir: Path) -> None:
    spec = WORKERS[name]
    # instrumentation env is set by the parent; litellm must not fetch its cost map
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from google.protobuf.json_format import MessageToDict
    from opentelemetry import _logs, trace
    from opentelemetry.exporter.otlp.proto.common._internal._log_encoder import (
        encode_logs,
    )
    from opentelemetry.exporter.otlp.proto.common._internal.trace_encoder import (
        encode_spans,
    )
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import (
        InMemoryLogRecordExporter,
        SimpleLogRecordProcessor,
    )
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
        InMemorySpanExporter,
    )

    from tests.realtraffic.server import SUBSCRIPTION, LoopbackServer

    resource = Resource.create(RESOURCE)
    span_exp = InMemorySpanExporter()
    tp = TracerProvider(resource=resource)
    tp.add_span_processor(SimpleSpanProcessor(span_exp))
    trace.set_tracer_provider(tp)
    log_exp = InMemoryLogRecordExporter()
    lp = LoggerProvider(resource=resource)
    lp.add_log_record_processor(SimpleLogRecordProcessor(log_exp))
    _logs.set_logger_provider(lp)
    app_tracer = trace.get_tracer("acme.support_bot", "1.4.2")

    slp_lines: list[str] = []
    inst = spec["inst"]
    if inst == "openai_v2":
        from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

        OpenAIInstrumentor().instrument(tracer_provider=tp, logger_provider=lp)
    elif inst == "openinference_openai":
        from openinference.instrumentation.openai import OpenAIInstrumentor as OIOpenAI

        OIOpenAI().instrument(tracer_provider=tp)
    elif inst == "openinference_litellm":
        from openinference.instrumentation.litellm import LiteLLMInstrumentor

        LiteLLMInstrumentor().instrument(tracer_provider=tp)
    elif inst == "litellm_otel":
        import litellm
        from litellm.integrations.custom_logger import CustomLogger

        class PayloadLogger(CustomLogger):
            def _write(self, kwargs: dict[str, Any]) -> None:
                slp_lines.append(json.dumps(kwargs.get("standard_logging_object"), default=str, ensure_ascii=False))

            def log_success_event(self, kwargs, response_obj, start_time, end_time):
                self._write(kwargs)

            def log_failure_event(self, kwargs, response_obj, start_time, end_time):
                self._write(kwargs)

        # "otel" finds the global SDK TracerProvider set above and adds its spans to it
        litellm.callbacks = ["otel", PayloadLogger()]

    server = LoopbackServer().start()
    chat = _make_chat(spec["lib"], server.base_url)
    handler = None
    if spec["app_spans"] == "genai":
        from opentelemetry.util.genai.handler import get_telemetry_handler

        handler = get_telemetry_handler(tracer_provider=tp, logger_provider=lp)

    def _counts() -> tuple[int, ...]:
        return len(span_exp.get_finished_spans()), len(log_exp.get_finished_logs()), len(slp_lines)

    span_lines: list[str] = []
    log_lines: list[str] = []
    records: list[dict[str, Any]] = []
    seen_spans = 0
    seen_logs = 0
    for call in calls():
        n_log = len(server.log)
        n_slp = len(slp_lines)
        kw = dict(call["kwargs"])
        docs = kw.pop("rag", None)
        session = kw.pop("session", False)
        t0 = time.time()
        before = _counts()
        if docs is not None:
            # the app keeps its spans open until litellm's callbacks have run (as an app doing more
            # work after the call would): see the README on where litellm's OTel callback writes then
            wait = (lambda mark: _settle(_counts, mark)) if spec["lib"] == "litellm" else None
            result = _rag(call, kw, docs, chat, app_tracer, handler, spec["app_spans"], SUBSCRIPTION, _counts, wait)
        elif session:
            result = _session(call, kw, chat, handler, spec)
        else:
            result = chat(call["model"], call["messages"], kw)
        # litellm logs from a thread after the call returns: wait for its spans/payloads to settle
        if spec["lib"] == "litellm":
            _settle(_counts, before)
        spans = span_exp.get_finished_spans()[seen_spans:]
        seen_spans += len(spans)
        logs = log_exp.get_finished_logs()[seen_logs:]
        seen_logs += len(logs)
        rec = _record(call, result, server.log[n_log:], docs, time.time() - t0)
        strings: list[str] = []
        doc_strings: list[str] = []  # from spans that are no LLM call (the RAG prompt repeats the documents)
        rec["spans"] = []
        if spans:
            requests = [encode_spans([s]) for s in spans] if spec["lines"] == "span" else [encode_spans(list(spans))]
            per_request = [[s] for s in spans] if spec["lines"] == "span" else [list(spans)]
            for req, group in zip(requests, per_request):
                span_lines.append(encode_line(req, spec["ids"]))
                rec["spans"].extend(_span_info(s, len(span_lines)) for s in group)
                _strings(MessageToDict(req), strings)
                for s in group:
                    if not _span_info(s, 0)["looks_like_llm_call"]:
                        _strings(MessageToDict(encode_spans([s])), doc_strings)
        rec["log_records"] = []
        if logs:
            req = encode_logs(list(logs))
            log_lines.append(encode_line(req, spec["ids"]))
            _strings(MessageToDict(req), strings)
            for lr in logs:
                r = lr.log_record
                rec["log_records"].append(
                    {
                        "line": len(log_lines),
                        "event_name": getattr(r, "event_name", None),
                        "span_id": f"{r.span_id:016x}" if r.span_id else None,
                        "trace_id": f"{r.trace_id:032x}" if r.trace_id else None,
                    }
                )
        new_slp = slp_lines[n_slp:]
        if new_slp:
            rec["standard_logging_lines"] = list(range(n_slp + 1, len(slp_lines) + 1))
        rec["found_in_telemetry"] = {
            "last_user_message": _found(rec["last_user_message"], strings),
            "system_prompt": _found(rec["system_prompt"], strings),
            "replies": [_found(t, strings) for t in rec["expected_replies"]],
            "tool_call_arguments": [
                _found(t["arguments"], strings) or _found_args(t["arguments"], strings) for t in rec["tool_calls"]
            ],
            "documents": [_found(d, doc_strings) for d in rec["documents"] or []],
            "session_id": _found(rec["session_id"], strings),
            "user_id": _found(rec["user_id"], strings),
        }
        f = rec["found_in_telemetry"]
        rec["content_captured"] = {
            "input": bool(f["last_user_message"] or f["system_prompt"]),
            "output": any(f["replies"]) or any(f["tool_call_arguments"]),
        }
        if new_slp:
            ss: list[str] = []
            _strings([json.loads(x) for x in new_slp], ss)
            rec["found_in_standard_logging"] = {
                "last_user_message": _found(rec["last_user_message"], ss),
                "replies": [_found(t, ss) for t in rec["expected_replies"]],
                "tool_call_arguments": [
                    _found(t["arguments"], ss) or _found_args(t["arguments"], ss) for t in rec["tool_calls"]
                ],
            }
        records.append(rec)

    server.stop()
    outdir.mkdir(parents=True, exist_ok=True)
    files = {f"{name}.jsonl": span_lines}
    if log_lines:
        files[f"{name}.logs.jsonl"] = log_lines
    if inst == "litellm_otel":
        files["litellm_standard_logging.jsonl"] = slp_lines
    for fname, lines in files.items():
        (outdir / fname).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    part = {"worker": name, "spec": {k: v for k, v in spec.items()}, "files": sorted(files), "calls": records}
    (outdir / ".parts").mkdir(exist_ok=True)
    (outdir / ".parts" / f"{name}.json").write_text(json.dumps(part, indent=1, ensure_ascii=False))


def _found_args(arguments: str, strings: list[str]) -> bool:
    """Tool-call arguments recorded re-serialized (other spacing) or as a structure still count."""
    want = json.loads(arguments)
    for s in strings:
        try:
            if json.loads(s) == want:
                return True
        except (ValueError, TypeError):
            continue
    return False


def _settle(counts: Callable[[], tuple[int, ...]], before: tuple[int, ...]) -> None:
    """litellm runs its callbacks on a thread after the call returns: wait until what they export
    has arrived (something new since `before`, then nothing more for 0.2 s; at most 3 s)."""
    deadline = time.time() + 3.0
    last, stable_since = counts(), time.time()
    while time.time() < deadline:
        now = counts()
        if now != last:
            last, stable_since = now, time.time()
        elif now != before and time.time() - stable_since > 0.2:
            return
        time.sleep(0.02)


def _span_info(span: Any, line: int) -> dict[str, Any]:
    a = dict(span.attributes or {})
    llm = (
        a.get("openinference.span.kind") == "LLM"
        or a.get("gen_ai.operation.name") in ("chat", "text_completion", "generate_content")
        or (
            "gen_ai.operation.name" not in a
            and "openinference.span.kind" not in a
            and any(k.startswith(("gen_ai.request.model", "llm.request", "gen_ai.prompt")) for k in a)
        )
    )
    return {
        "line": line,
        "name": span.name,
        "scope": span.instrumentation_scope.name if span.instrumentation_scope else None,
        "trace_id": f"{span.context.trace_id:032x}",
        "span_id": f"{span.context.span_id:016x}",
        "parent_span_id": f"{span.parent.span_id:016x}" if span.parent else None,
        "status": span.status.status_code.name,
        "looks_like_llm_call": bool(llm),
        "kind_attr": a.get("openinference.span.kind") or a.get("gen_ai.operation.name"),
    }


def _record(
    call: dict[str, Any], result: dict[str, Any], served: list[dict[str, Any]], docs: list[str] | None, elapsed: float
) -> dict[str, Any]:
    msgs = call["messages"]
    users = [m for m in msgs if m["role"] == "user"]
    content = users[-1]["content"]
    last_user = content if isinstance(content, str) else " ".join(p["text"] for p in content if p["type"] == "text")
    system = next((m["content"] for m in msgs if m["role"] == "system"), None)
    final = served[-1] if served else {}
    if final.get("cut"):
        replies = list(final.get("sent_text") or [])
    elif final.get("status") == 200:
        replies = [c["text"] for c in final.get("choices", [])]
    else:
        replies = []
    tools: list[dict[str, Any]] = []
    if final.get("status") == 200 and not final.get("cut"):
        for i, c in enumerate(final.get("choices", [])):
            for t in c.get("tool_calls") or []:
                tools.append({"choice": i, "id": t["id"], "name": t["name"], "arguments": t["arguments"]})
    return {
        "scenario": call["scenario"],
        "expected_outcome": call["expected_outcome"],
        "request_model": call["model"],
        "response_model": final.get("response_model"),
        "response_id": final.get("id"),
        "stream": bool(call["kwargs"].get("stream")),
        "n": call["kwargs"].get("n", 1),
        "system_prompt": system,
        "last_user_message": last_user,
        "messages": msgs,
        "has_image": any(
            isinstance(m["content"], list) and any(p["type"] == "image_url" for p in m["content"]) for m in msgs
        ),
        "expected_replies": [r for r in replies if r is not None],
        "finish_reasons": [c["finish_reason"] for c in final.get("choices", [])]
        if final.get("status") == 200 and not final.get("cut")
        else [],
        "tool_calls": tools,
        "usage": final.get("usage") if final.get("status") == 200 and not final.get("cut") else None,
        "http_status": final.get("status"),
        "http_attempts": len(served),
        "documents": docs,
        "session_id": SESSION_ID if call["kwargs"].get("session") else None,
        "user_id": USER_ID if call["kwargs"].get("session") else None,
        "app_saw": _app_saw(result, replies, final),
        "wall_s": round(elapsed, 3),
    }


def _app_saw(result: dict[str, Any], replies: list[str | None], final: dict[str, Any]) -> dict[str, Any]:
    """What the app got, compared with what the server sent (texts are not repeated here)."""
    out = {k: v for k, v in result.items() if k not in ("texts", "partial_texts")}
    texts = result.get("texts") if result.get("ok") else result.get("partial_texts")
    if final.get("status") == 200:
        sent = [r or "" for r in replies] if replies else []
        got = [t or "" for t in (texts or [])]
        out["texts_equal_server"] = [t for t in got if t] == [t for t in sent if t]
    return out


def _make_chat(lib: str, base_url: str) -> Callable[..., dict[str, Any]]:
    """A function the app calls: (model, messages, kwargs) -> what the app saw, errors caught."""
    if lib == "openai":
        import openai

        client = openai.OpenAI(base_url=base_url, api_key="sk-realtraffic-0000")

        def call(model: str, messages: list[dict[str, Any]], kw: dict[str, Any]) -> dict[str, Any]:
            try:
                resp = client.chat.completions.create(model=model, messages=cast(Any, messages), **kw)
                if kw.get("stream"):
                    return _drain(resp)
                return {
                    "ok": True,
                    "texts": [c.message.content for c in resp.choices],
                    "finish_reasons": [c.finish_reason for c in resp.choices],
                }
            except openai.OpenAIError as e:
                return {"ok": False, "exception": f"{type(e).__module__}.{type(e).__name__}", "message": str(e)[:300]}

        return call

    import litellm

    def lcall(model: str, messages: list[dict[str, Any]], kw: dict[str, Any]) -> dict[str, Any]:
        try:
            resp = litellm.completion(
                model=f"openai/{model}", messages=messages, api_base=base_url, api_key="sk-realtraffic-0000", **kw
            )
            if kw.get("stream"):
                return _drain(resp)
            return {
                "ok": True,
                "texts": [c.message.content for c in resp.choices],
                "finish_reasons": [c.finish_reason for c in resp.choices],
            }
        except Exception as e:  # noqa: BLE001  (litellm maps provider errors onto its own classes)
            return {"ok": False, "exception": f"{type(e).__module__}.{type(e).__name__}", "message": str(e)[:300]}

    return lcall


def _drain(stream: Any) -> dict[str, Any]:
    texts: dict[int, str] = {}
    finish: dict[int, Any] = {}
    try:
        for chunk in stream:
            for c in chunk.choices or []:
                d = c.delta
                if getattr(d, "content", None):
                    texts[c.index] = texts.get(c.index, "") + d.content
                if c.finish_reason:
                    finish[c.index] = c.finish_reason
    except Exception as e:  # noqa: BLE001  (the stream cut short surfaces here, as each library wraps it)
        return {
            "ok": False,
            "exception": f"{type(e).__module__}.{type(e).__name__}",
            "message": str(e)[:300],
            "partial_texts": [texts[i] for i in sorted(texts)],
        }
    return {
        "ok": True,
        "texts": [texts[i] for i in sorted(texts)],
        "finish_reasons": [finish[i] for i in sorted(finish)],
    }


def _session(
    call: dict[str, Any], kw: dict[str, Any], chat: Callable[..., dict[str, Any]], handler: Any, spec: dict[str, Any]
) -> dict[str, Any]:
    """A conversation turn, with the session/user ids the library offers a way to record."""
    if spec["inst"].startswith("openinference"):
        from openinference.instrumentation import using_session, using_user

        with using_session(SESSION_ID), using_user(USER_ID):
            if spec["lib"] == "litellm":
                kw = {**kw, "user": USER_ID, "metadata": {"session_id": SESSION_ID, "feature": "billing-faq"}}
            return chat(call["model"], call["messages"], kw)
    if spec["lib"] == "litellm":
        kw = {**kw, "user": USER_ID, "metadata": {"session_id": SESSION_ID, "feature": "billing-faq"}}
        return chat(call["model"], call["messages"], kw)
    # openai-v2 has no way to take a session/conversation id (opentelemetry-util-genai 1.1b0's
    # workflow() takes none either): the turn runs inside a GenAI workflow span, and OpenAI's `user`
    with handler.workflow("support_chat"):
        return chat(call["model"], call["messages"], {**kw, "user": USER_ID})


def _rag(
    call: dict[str, Any],
    kw: dict[str, Any],
    docs: list[str],
    chat: Callable[..., dict[str, Any]],
    tracer: Any,
    handler: Any,
    style: str,
    subscription: dict[str, Any],
    counts: Callable[[], tuple[int, ...]],
    wait: Callable[[tuple[int, ...]], None] | None,
) -> dict[str, Any]:
    """An app-level trace: a chain/workflow span around a retrieval, a tool run and the LLM call."""
    question = call["messages"][-1]["content"]

    def llm() -> dict[str, Any]:
        mark = counts()
        out = chat(call["model"], call["messages"], kw)
        if wait is not None:
            wait(mark)
        return out

    if style == "openinference":
        from openinference.instrumentation import (
            get_input_attributes,
            get_output_attributes,
            get_retriever_attributes,
            get_span_kind_attributes,
            get_tool_attributes,
        )

        with tracer.start_as_current_span(
            "answer_question", attributes={**get_span_kind_attributes("chain"), **get_input_attributes(question)}
        ) as chain:
            with tracer.start_as_current_span(
                "retrieve", attributes={**get_span_kind_attributes("retriever"), **get_input_attributes(question)}
            ) as r:
                r.set_attributes(
                    get_retriever_attributes(
                        documents=[
                            {
                                "id": f"kb-refunds-{i}",
                                "content": d,
                                "score": round(0.91 - 0.17 * i, 2),
                                "metadata": {"source": "help-center", "section": "billing"},
                            }
                            for i, d in enumerate(docs)
                        ]
                    )
                )
            with tracer.start_as_current_span(
                "lookup_subscription",
                attributes={
                    **get_span_kind_attributes("tool"),
                    **get_tool_attributes(
                        name="lookup_subscription",
                        description="Subscription of a customer.",
                        parameters={"type": "object", "properties": {"customer_id": {"type": "string"}}},
                    ),
                    **get_input_attributes({"customer_id": "cus_8842"}),
                },
            ) as t:
                t.set_attributes(get_output_attributes(subscription))
            result = llm()
            chain.set_attributes(get_output_attributes((result.get("texts") or [""])[0]))
            return result
    # GenAI semantic conventions, through opentelemetry-util-genai's handler
    with handler.workflow("answer_question"):
        with handler.retrieval(data_source_id="kb-refunds") as r:
            r.query_text = question
            r.top_k = 3
            r.documents = [
                {"id": f"kb-refunds-{i}", "score": round(0.91 - 0.17 * i, 2), "content": d} for i, d in enumerate(docs)
            ]
        with handler.tool("lookup_subscription", tool_type="function") as t:
            t.arguments = {"customer_id": "cus_8842"}
            t.tool_result = subscription
        return llm()


# ---------------------------------------------------------------------------------- parent
def produce(outdir: Path, only: list[str] | None = None, jobs: int = 3) -> dict[str, Any]:
    outdir.mkdir(parents=True, exist_ok=True)
    names = only or list(WORKERS)
    root = Path(__file__).resolve().parents[2]
    t0 = time.time()
    pending = list(names)
    running: dict[str, tuple[subprocess.Popen[bytes], float]] = {}
    took: dict[str, float] = {}
    failed: dict[str, str] = {}
    # the litellm workers are the slowest: start them first
    pending.sort(key=lambda n: WORKERS[n]["lib"] != "litellm")
    while pending or running:
        while pending and len(running) < jobs:
            n = pending.pop(0)
            env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "OPENINFERENCE_", "LITELLM_"))}
            env.update(WORKERS[n]["env"])
            env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
            p = subprocess.Popen(
                [sys.executable, "-m", "tests.realtraffic.produce", "--worker", n, str(outdir)],
                cwd=root,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            running[n] = (p, time.time())
        time.sleep(0.05)
        for n, (p, start) in list(running.items()):
            if p.poll() is not None:
                out = p.stdout.read().decode(errors="replace") if p.stdout else ""
                took[n] = round(time.time() - start, 2)
                if p.returncode != 0:
                    failed[n] = out[-3000:]
                del running[n]
    if failed:
        for n, out in failed.items():
            print(f"--- worker {n} failed:\n{out}", file=sys.stderr)
        raise SystemExit(1)
    manifest = _merge(outdir, names, took, time.time() - t0)
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    shutil.rmtree(outdir / ".parts", ignore_errors=True)
    return manifest


def _versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for p in (
        "openai",
        "litellm",
        "opentelemetry-api",
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp-proto-common",
        "opentelemetry-proto",
        "opentelemetry-instrumentation-openai-v2",
        "opentelemetry-util-genai",
        "opentelemetry-semantic-conventions",
        "openinference-instrumentation",
        "openinference-instrumentation-openai",
        "openinference-instrumentation-litellm",
        "openinference-semantic-conventions",
        "protobuf",
    ):
        try:
            out[p] = version(p)
        except PackageNotFoundError:
            out[p] = None
    return out


FIELDS = {
    "scenarios": "what every worker asks, by scenario: the request (model, messages, parameters) and the expected "
    "outcome",
    "files.*.calls[]": "one per LLM call the app made, in order (seq); the expectations come from what the loopback "
    "server actually answered to that call",
    "expected_outcome": "ok | tool_calls | truncated (finish_reason length) | cut (stream closed without [DONE]) "
    "| error",
    "expected_replies": "text per choice as the server sent it (for `cut`: the part sent before the connection "
    "dropped); empty for errors and tool calls",
    "tool_calls": "per tool call: choice index, id, name and the arguments string exactly as sent",
    "usage": "the usage the server sent, or null (stream without include_usage, errors, cut, or a server that "
    "omitted it: the `image` scenario)",
    "http_attempts": "HTTP requests the server saw for this call (the clients retry a 500)",
    "spans": "the spans exported during this call: line (1-based, in the .jsonl), ids in hex whatever the file "
    "uses, scope, and looks_like_llm_call (a heuristic: openinference.span.kind=LLM or "
    "gen_ai.operation.name chat/text_completion/generate_content)",
    "log_records": "the log records (events) exported during this call, with their line in the .logs.jsonl",
    "found_in_telemetry": "whether each text was found anywhere in this call's exported spans/logs (JSON-in-strings "
    "and structured AnyValues opened): null = not applicable; documents are only looked for "
    "in spans that are no LLM call",
    "content_captured": "input: the user message or system prompt was found; output: a reply or tool-call "
    "arguments were found",
    "app_saw": "what the application got back from the library (texts, or the exception it caught)",
}


def _notes(calls_: list[dict[str, Any]], key: str) -> list[str]:
    """What a reader of this file must know about these calls, derived from what was exported."""
    notes: list[str] = []
    scopes: dict[str, int] = {}
    for c in calls_:
        for sp in c.get("spans", []):
            if sp["looks_like_llm_call"]:
                scopes[sp["scope"]] = scopes.get(sp["scope"], 0) + 1
    main_scope = max(scopes, key=lambda k: scopes[k]) if scopes else None
    captures = any(c.get(key, {}).get("last_user_message") for c in calls_)
    for c in calls_:
        sc = c["scenario"]
        if key == "found_in_telemetry":
            llm = [sp for sp in c["spans"] if sp["looks_like_llm_call"]]
            if len(llm) != 1:
                notes.append(f"{sc}: {len(llm)} LLM-looking spans for one call")
            for sp in llm:
                if sp["scope"] != main_scope:
                    notes.append(
                        f"{sc}: the LLM call's attributes are on span {sp['name']!r} of scope "
                        f"{sp['scope']!r} (the app's own span), not on a span of {main_scope!r}"
                    )
            others = [sp["name"] for sp in c["spans"] if not sp["looks_like_llm_call"]]
            if others:
                notes.append(f"{sc}: {len(others)} span(s) that are no LLM call: {others}")
        if c["http_attempts"] > 1:
            notes.append(f"{sc}: the server saw {c['http_attempts']} HTTP requests (client retries) for this one call")
        f = c.get(key) or {}
        if captures and f.get("last_user_message") is False:
            notes.append(f"{sc}: content is captured in this file, but this call's user message text is not in it")
        if captures and f.get("replies") and not all(f["replies"]):
            notes.append(f"{sc}: reply text per choice found: {f['replies']}")
        if captures and f.get("tool_call_arguments") and not all(f["tool_call_arguments"]):
            notes.append(f"{sc}: tool-call arguments found: {f['tool_call_arguments']}")
        if f.get("documents") and not all(f["documents"]):
            notes.append(f"{sc}: retrieved documents found in non-LLM spans: {f['documents']}")
    return notes


def _merge(outdir: Path, names: list[str], took: dict[str, float], total: float) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for n in names:
        part = json.loads((outdir / ".parts" / f"{n}.json").read_text())
        spec = part["spec"]
        calls_ = part["calls"]
        for i, c in enumerate(calls_, 1):
            c["seq"] = i
            c.pop("messages", None)  # in manifest["scenarios"]
        spans = [s for c in calls_ for s in c["spans"]]
        llm_spans = [s for s in spans if s["looks_like_llm_call"]]
        base = {
            "worker": n,
            "library": spec["inst"],
            "env": spec["env"],
            "ids": spec["ids"],
            "enums": "integers" if spec["ids"] == "hex" else "names",
            "worker_seconds": took.get(n),
        }
        files[f"{n}.jsonl"] = {
            **base,
            "content": "OTLP JSON ExportTraceServiceRequest, one per line",
            "lines": spec["lines"],
            "llm_calls": len(calls_),
            "spans": len(spans),
            "llm_spans": len(llm_spans),
            "non_llm_spans": len(spans) - len(llm_spans),
            "notes": _notes(calls_, "found_in_telemetry"),
            "calls": [
                {k: v for k, v in c.items() if k not in ("standard_logging_lines", "found_in_standard_logging")}
                for c in calls_
            ],
        }
        if f"{n}.logs.jsonl" in part["files"]:
            files[f"{n}.logs.jsonl"] = {
                **base,
                "content": "OTLP JSON ExportLogsServiceRequest (GenAI events), one per line, one line per call",
                "llm_calls": len(calls_),
                "log_records": sum(len(c["log_records"]) for c in calls_),
                "non_llm_records": 0,
                "notes": [f"the spans of the same calls are in {n}.jsonl (the records carry their traceId/spanId)"],
                "calls": [
                    {
                        k: v
                        for k, v in c.items()
                        if k not in ("spans", "standard_logging_lines", "found_in_standard_logging")
                    }
                    for c in calls_
                ],
            }
        if "litellm_standard_logging.jsonl" in part["files"]:
            slp = [
                {
                    k: v
                    for k, v in c.items()
                    if k not in ("spans", "log_records", "found_in_telemetry", "content_captured")
                }
                for c in calls_
            ]
            files["litellm_standard_logging.jsonl"] = {
                **base,
                "ids": None,
                "enums": None,
                "library": "litellm StandardLoggingPayload, as a CustomLogger's log_success_event/log_failure_event "
                "receive it in kwargs['standard_logging_object'] (json.dumps(default=str))",
                "content": "one payload per line",
                "llm_calls": len(calls_),
                "payloads": sum(len(c.get("standard_logging_lines") or []) for c in calls_),
                "non_llm_records": 0,
                "notes": [
                    f"{c['scenario']}: {len(c.get('standard_logging_lines') or [])} payloads"
                    for c in calls_
                    if len(c.get("standard_logging_lines") or []) != 1
                ]
                + _notes(slp, "found_in_standard_logging"),
                "calls": slp,
            }
    scen = {}
    for c in calls():
        kw = {k: v for k, v in c["kwargs"].items() if k not in ("rag", "session")}
        scen[c["scenario"]] = {
            "expected_outcome": c["expected_outcome"],
            "model": c["model"],
            "messages": c["messages"],
            "params": kw,
        }
    return {
        "generated_by": "python -m tests.realtraffic.produce",
        "versions": _versions(),
        "python": sys.version.split()[0],
        "resource": RESOURCE,
        "seconds": round(total, 2),
        "fields": FIELDS,
        "scenarios": scen,
        "files": files,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--only", nargs="*", choices=list(WORKERS))
    ap.add_argument("--jobs", type=int, default=3)
    a = ap.parse_args(argv)
    if a.worker:
        run_worker(a.worker, a.outdir)
        return
    m = produce(a.outdir, a.only, a.jobs)
    for f, e in m["files"].items():
        what = (
            f"{e['spans']} spans ({e['llm_spans']} LLM-looking, {e['non_llm_spans']} other)"
            if "spans" in e
            else f"{e['log_records']} log records"
            if "log_records" in e
            else f"{e['payloads']} payloads"
        )
        print(f"{f}: {e['llm_calls']} LLM calls, {what}, worker {e['worker_seconds']} s")
    print(f"total {m['seconds']} s")


if __name__ == "__main__":
    main()
