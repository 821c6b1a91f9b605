# SPDX-License-Identifier: Apache-2.0
"""Ingest throughput of the log formats against the same traffic as critic records, side by side.

Takes the first N interactions of the traffic bench_ingest.py generates
(bench/out/traffic-1000000/interactions.jsonl; made here if missing), writes them as critic JSONL,
as OTLP JSON (GenAI spans, 100 per export request, each with a retriever span beside it, as an
instrumented app emits them), as Langfuse observation pages and as LiteLLM payloads, then
ingests each into a fresh store in its own process and prints wall seconds, the process's peak
resident memory, and both ratios to critic records. Run: python bench/bench_formats.py [--n 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
TRAFFIC = OUT / "traffic-1000000" / "interactions.jsonl"


def _attr(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def _span(r: dict[str, Any], n: int) -> list[dict[str, Any]]:
    start = int(datetime.fromisoformat(r["ts"]).timestamp() * 1e9)
    trace, span = f"{n:032x}", f"{n:016x}"
    messages = json.dumps([{"role": "user", "parts": [{"type": "text", "content": r["input"]}]}])
    output = json.dumps(
        [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": r["output"]}],
                "finish_reason": r.get("finish_reason") or "stop",
            }
        ]
    )
    llm = {
        "traceId": trace,
        "spanId": span,
        "name": f"chat {r['model']}",
        "kind": "SPAN_KIND_CLIENT",
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + int((r.get("latency_ms") or 0) * 1e6)),
        "attributes": [
            _attr("gen_ai.operation.name", "chat"),
            _attr("gen_ai.request.model", r["model"]),
            _attr("gen_ai.conversation.id", r["session_id"]),
            _attr("gen_ai.input.messages", messages),
            _attr("gen_ai.output.messages", output),
            _attr("gen_ai.usage.input_tokens", int(r.get("input_tokens") or 0)),
            _attr("gen_ai.usage.output_tokens", int(r.get("output_tokens") or 0)),
        ],
        "status": {},
    }
    retriever = {
        "traceId": trace,
        "spanId": f"{n + 10**9:016x}",
        "name": "retrieve",
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + 1000),
        "attributes": [],
        "status": {},
    }
    return [llm, retriever]


def write_formats(rows: list[dict[str, Any]], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.jsonl" for name in ("critic", "otel", "langfuse", "litellm")}
    with paths["critic"].open("w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    with paths["otel"].open("w") as f:
        for i in range(0, len(rows), 100):
            spans = [s for n, r in enumerate(rows[i : i + 100], start=i) for s in _span(r, n)]
            f.write(
                json.dumps(
                    {
                        "resourceSpans": [
                            {
                                "resource": {"attributes": [_attr("service.name", rows[i]["feature"])]},
                                "scopeSpans": [{"scope": {"name": "app"}, "spans": spans}],
                            }
                        ]
                    }
                )
                + "\n"
            )
    with paths["langfuse"].open("w") as f:
        for i in range(0, len(rows), 100):
            data = []
            for r in rows[i : i + 100]:
                start = datetime.fromisoformat(r["ts"])
                data.append(
                    {
                        "id": r["id"],
                        "traceId": f"t-{r['id']}",
                        "type": "GENERATION",
                        "name": "answer",
                        "startTime": r["ts"],
                        "endTime": (start + timedelta(milliseconds=r.get("latency_ms") or 0)).isoformat(),
                        "model": r["model"],
                        "input": [{"role": "user", "content": r["input"]}],
                        "output": {"role": "assistant", "content": r["output"]},
                        "usageDetails": {"input": r.get("input_tokens"), "output": r.get("output_tokens")},
                        "metadata": r.get("metadata") or {},
                    }
                )
            f.write(json.dumps({"data": data, "meta": {"page": i // 100 + 1, "limit": 100}}) + "\n")
    with paths["litellm"].open("w") as f:
        for r in rows:
            start = datetime.fromisoformat(r["ts"]).timestamp()
            f.write(
                json.dumps(
                    {
                        "id": r["id"],
                        "call_type": "acompletion",
                        "status": "success",
                        "model": r["model"],
                        "startTime": start,
                        "endTime": start + (r.get("latency_ms") or 0) / 1000,
                        "messages": [{"role": "user", "content": r["input"]}],
                        "response": {
                            "choices": [{"message": {"content": r["output"]}, "finish_reason": r.get("finish_reason")}]
                        },
                        "prompt_tokens": r.get("input_tokens"),
                        "completion_tokens": r.get("output_tokens"),
                        "response_cost": r.get("cost_usd"),
                        "model_group": r["model"],
                        "metadata": {"session_id": r["session_id"], "feature": r["feature"]},
                    }
                )
                + "\n"
            )
    return paths


def ingest(path: Path, db: Path) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, printed result) of `critic ingest PATH` in its own process."""
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "critic.cli", "ingest", str(path), "--db", str(db), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "CRITIC_CONFIG": "/dev/null"},
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"ingest of {path} failed: {out}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, " ".join(out.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    args = parser.parse_args()
    if not TRAFFIC.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from datasets.generate_sample import write

        write(TRAFFIC.parent, 1_000_000, seed=11)  # the traffic bench_ingest.py makes
    with TRAFFIC.open() as f:
        rows = [json.loads(next(f)) for _ in range(args.n)]
    folder = OUT / f"formats-{args.n}"
    paths = write_formats(rows, folder)
    base: tuple[float, float] | None = None
    for name, path in paths.items():
        seconds, peak_mb, result = ingest(path, folder / f"{name}.duckdb")
        base = base or (seconds, peak_mb)
        size = path.stat().st_size / 1e6
        print(
            f"format={name} interactions={args.n} file_mb={size:.0f} seconds={seconds:.1f} peak_mb={peak_mb:.0f} "
            f"time_ratio={seconds / base[0]:.2f} memory_ratio={peak_mb / base[1]:.2f} result={result}",
            flush=True,
        )


if __name__ == "__main__":
    main()
