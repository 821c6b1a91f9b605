"""Write the sample traffic in other tools' log formats, for the round-trip tests of critic.ingest.formats.

- OpenTelemetry: spans made by the real opentelemetry-sdk with GenAI attributes set as an
  instrumented app sets them (semantic conventions v1.37+: `gen_ai.input.messages` etc.),
  encoded by the real OTLP exporter's encoder and written as OTLP JSON (hex ids, as the
  Collector's file exporter writes them).
- Langfuse: traces, GENERATION observations and scores as its public API returns them
  (API reference: https://api.reference.langfuse.com, v3, 2025).
- LiteLLM: the StandardLoggingPayload its callbacks receive
  (https://docs.litellm.ai/docs/proxy/logging_spec, LiteLLM 1.7x).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def _ns(ts: str) -> int:
    return int(datetime.fromisoformat(ts).timestamp() * 1_000_000_000)


def _hex_ids(value: Any) -> Any:
    """Protobuf's JSON mapping writes bytes as base64; OTLP JSON requires hex trace and span ids."""
    if isinstance(value, dict):
        return {
            k: base64.b64decode(v).hex() if k in ("traceId", "spanId", "parentSpanId") and v else _hex_ids(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_hex_ids(v) for v in value]
    return value


def to_otlp(rows: list[dict[str, Any]], path: Path, *, per_request: int = 50, hex_ids: bool = True) -> Path:
    """One OTLP JSON export request per line, each with the spans of PER_REQUEST interactions of one feature."""
    lines = []
    features = sorted({r["feature"] for r in rows})
    for feature in features:
        exporter = InMemorySpanExporter()
        provider = TracerProvider(resource=Resource.create({"service.name": feature}))
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        tracer = provider.get_tracer("app.llm")
        for r in (r for r in rows if r["feature"] == feature):
            start = _ns(r["ts"])
            span = tracer.start_span(f"chat {r['model']}", start_time=start)
            span.set_attribute("gen_ai.operation.name", "chat")
            span.set_attribute("gen_ai.request.model", r["model"])
            span.set_attribute("gen_ai.conversation.id", r["session_id"])
            span.set_attribute(
                "gen_ai.input.messages",
                json.dumps([{"role": "user", "parts": [{"type": "text", "content": r["input"]}]}]),
            )
            span.set_attribute(
                "gen_ai.output.messages",
                json.dumps(
                    [
                        {
                            "role": "assistant",
                            "parts": [{"type": "text", "content": r["output"]}],
                            "finish_reason": r["finish_reason"],
                        }
                    ]
                ),
            )
            span.set_attribute("gen_ai.response.finish_reasons", [r["finish_reason"]])
            span.set_attribute("gen_ai.usage.input_tokens", r["input_tokens"])
            span.set_attribute("gen_ai.usage.output_tokens", r["output_tokens"])
            span.end(end_time=start + round(r["latency_ms"] * 1_000_000))
            retriever = tracer.start_span("retrieve documents", start_time=start)  # no LLM call: skipped
            retriever.end(end_time=start + 1000)
        spans = exporter.get_finished_spans()
        for i in range(0, len(spans), per_request * 2):
            request = MessageToDict(encode_spans(spans[i : i + per_request * 2]))
            lines.append(json.dumps(_hex_ids(request) if hex_ids else request))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def to_langfuse(rows: list[dict[str, Any]], events: list[dict[str, Any]], path: Path) -> Path:
    """API pages of traces, observations and scores (thumbs → a boolean `user-feedback` score)."""
    traces = [
        {
            "id": f"trace-{r['id']}",
            "timestamp": r["ts"],
            "name": r["feature"],
            "sessionId": r["session_id"],
            "userId": r["user_id"],
            "tags": [],
            "htmlPath": f"/project/p/traces/trace-{r['id']}",
        }
        for r in rows
    ]
    observations = []
    for r in rows:
        start = datetime.fromisoformat(r["ts"])
        end = start + timedelta(milliseconds=r["latency_ms"])
        observations.append(
            {
                "id": r["id"],
                "traceId": f"trace-{r['id']}",
                "type": "GENERATION",
                "name": "answer",
                "startTime": start.isoformat().replace("+00:00", "Z"),
                "endTime": end.isoformat().replace("+00:00", "Z"),
                "model": r["model"],
                "input": [{"role": "user", "content": r["input"]}],
                "output": {"role": "assistant", "content": r["output"]},
                "usageDetails": {
                    "input": r["input_tokens"],
                    "output": r["output_tokens"],
                    "total": r["input_tokens"] + r["output_tokens"],
                },
                "calculatedTotalCost": r["cost_usd"],
                "promptName": "support",
                "promptVersion": 3,
                "metadata": r["metadata"],
                "level": "DEFAULT",
            }
        )
        observations.append(
            {
                "id": f"span-{r['id']}",
                "traceId": f"trace-{r['id']}",
                "type": "SPAN",
                "name": "retrieve",
                "startTime": r["ts"],
            }
        )  # no generation: skipped
    scores = [
        {
            "id": f"score-{n}",
            "traceId": f"trace-{e['interaction_id']}",
            "observationId": e["interaction_id"],
            "name": "user-feedback",
            "value": 1 if e["kind"] == "thumb_up" else 0,
            "dataType": "BOOLEAN",
            "source": "API",
            "timestamp": e["ts"],
            "comment": None,
        }
        for n, e in enumerate(events)
        if e["kind"] in ("thumb_up", "thumb_down")
    ]
    pages = [
        {"data": chunk, "meta": {"page": 1, "limit": 500, "totalItems": len(chunk), "totalPages": 1}}
        for chunk in (traces, observations[: len(observations) // 2], observations[len(observations) // 2 :])
    ]
    lines = [json.dumps(p) for p in pages] + [json.dumps(s) for s in scores]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def to_litellm(rows: list[dict[str, Any]], path: Path) -> Path:
    """One StandardLoggingPayload per line."""
    lines = []
    for r in rows:
        start = datetime.fromisoformat(r["ts"]).timestamp()
        lines.append(
            json.dumps(
                {
                    "id": r["id"],
                    "trace_id": f"trace-{r['id']}",
                    "call_type": "acompletion",
                    "status": "success",
                    "response_cost": r["cost_usd"],
                    "total_tokens": r["input_tokens"] + r["output_tokens"],
                    "prompt_tokens": r["input_tokens"],
                    "completion_tokens": r["output_tokens"],
                    "startTime": start,
                    "endTime": start + r["latency_ms"] / 1000,
                    "completionStartTime": start,
                    "model": r["model"],
                    "model_id": "m-1",
                    "model_group": r["model"],
                    "api_base": "https://api.openai.com/v1",
                    "metadata": {
                        "user_api_key_user_id": r["user_id"],
                        "session_id": r["session_id"],
                        "feature": r["feature"],
                        "user_api_key_team_alias": "support",
                        "spend_logs_metadata": None,
                    },
                    "cache_hit": False,
                    "cache_key": None,
                    "saved_cache_cost": 0.0,
                    "request_tags": [],
                    "end_user": r["user_id"],
                    "requester_ip_address": "",
                    "messages": [{"role": "user", "content": r["input"]}],
                    "response": {
                        "id": "chatcmpl-1",
                        "object": "chat.completion",
                        "model": r["model"],
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": r["finish_reason"],
                                "message": {"role": "assistant", "content": r["output"]},
                            }
                        ],
                    },
                    "model_parameters": {"temperature": 0.2},
                    "hidden_params": {},
                    "error_str": None,
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
