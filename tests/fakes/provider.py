"""A loopback server that answers like the OpenAI and Anthropic APIs, for the real SDK clients.

Speaks HTTP/1.1 with keep-alive on 127.0.0.1 from its own thread and event loop. It serves
`POST /v1/chat/completions` (with logprobs when asked) and `POST /v1/messages`, answers after
`latency_s`, and can inject faults: 429 with Retry-After, 500, a stall past the client's
timeout, garbage text, 4xx errors that echo the request's headers (as gateways do), 200 bodies
that are not what the API promises (`MALFORMED`), and replies that are no label but come with
log-probabilities on the digits (`NON_LABELS`). It counts calls and tokens (4 characters a token, stated).
Used by the tests and by bench/ (run as a script: `python -m tests.fakes.provider --port 8000`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Reply = Callable[[str], str]

# 200 replies that are not a chat completion, as broken proxies and servers send them.
MALFORMED: dict[str, bytes] = {
    "html": b"<html><body><h1>502 Bad Gateway</h1></body></html>",
    "empty": b"",
    "null": b"null",
    "list": b"[1, 2, 3]",
    "choices_str": b'{"choices": "x", "usage": {}}',
    "choices_empty": b'{"choices": [], "usage": {}}',
    "choices_null_item": b'{"choices": [null]}',
    "message_str": b'{"choices": [{"message": "7"}]}',
    "content_number": b'{"choices": [{"message": {"role": "assistant", "content": 7}}]}',
    "usage_str": b'{"choices": [{"message": {"content": "5"}}], "usage": "lots"}',
    "usage_negative": b'{"choices": [{"message": {"content": "5"}}], "usage": {"prompt_tokens": -3}}',
    "logprob_str": (
        b'{"choices": [{"message": {"content": "5"}, "logprobs": {"content": [{"token": "5", '
        b'"logprob": "high", "top_logprobs": [{"token": "5", "logprob": "high"}]}]}}]}'
    ),
    "truncated_json": b'{"choices": [{"message": {"content": "5"',
}
# Replies that are not a label, sent with top log-probabilities that still put mass on 1-7.
NON_LABELS = ("8", "0", "Seven", "I think", "", "7/7", "10")
ECHOES = ("echo_400", "echo_401", "echo_403", "echo_404")


def digit_reply(prompt: str) -> str:
    """A deterministic label from the judged output: rude or refusing text gets a low one."""
    body = prompt.rsplit("⟦output⟧", 1)[-1].lower()
    if any(w in body for w in ("obviously", "read it", "honestly", "can't help", "cannot help", "unable")):
        return "2"
    return str(3 + len(body) % 5)


@dataclass
class Stats:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    prompts: list[str] = field(default_factory=list)


class ProviderServer:
    """Start with `with ProviderServer() as server:`; `server.url` is the base URL (…/v1)."""

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        reply: Reply = digit_reply,
        logprobs: bool = True,
        fault_rate: float = 0.0,
        seed: int = 0,
        stall_s: float = 5.0,
        port: int = 0,
        keep_prompts: bool = True,
    ) -> None:
        self.latency_s, self.reply, self.logprobs = latency_s, reply, logprobs
        self.fault_rate, self.stall_s, self.keep_prompts = fault_rate, stall_s, keep_prompts
        self.rng = random.Random(seed)
        self.stats = Stats()
        self.clients: dict[str, Stats] = {}  # the same figures per API key: benchmarks give each tool its own
        self.batches = BatchAPI(self)
        self.faults_queue: list[str] = []  # forced faults for the next calls, in order
        self.port = port
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ProviderServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._server.close()
        self._loop.run_until_complete(self._server.wait_closed())
        for task in asyncio.all_tasks(self._loop):
            task.cancel()
        self._loop.run_until_complete(asyncio.sleep(0))
        self._loop.close()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {k.lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines[1:] if ":" in ln)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                status, extra, payload = await self._handle(method, path, headers, body)
                raw = isinstance(payload, bytes)  # a file's content (JSONL), sent as it is
                data = payload if raw else json.dumps(payload).encode()
                kind = "application/octet-stream" if raw else "application/json"
                kind = extra.pop("content-type", kind)
                hdrs = "".join(f"{k}: {v}\r\n" for k, v in extra.items())
                writer.write(
                    f"HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {len(data)}\r\n{hdrs}\r\n".encode()
                    + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def _fault(self) -> str | None:
        if self.faults_queue:
            return self.faults_queue.pop(0)
        if self.fault_rate and self.rng.random() < self.fault_rate:
            return self.rng.choice(["429", "500", "timeout", "garbage"])
        return None

    async def _handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], Any]:
        if "/batches" in path or path.startswith("/v1/files"):
            return self.batches.handle(method, path, headers, body)
        request = json.loads(body or b"{}")
        self.stats.calls += 1
        fault = self._fault()
        if fault:
            self.stats.faults[fault] = self.stats.faults.get(fault, 0) + 1
        if fault == "429":
            return 429, {"retry-after": "0.05"}, {"error": {"type": "rate_limit_error", "message": "slow down"}}
        if fault == "500":
            return 500, {}, {"error": {"type": "server_error", "message": "boom"}}
        if fault in ECHOES:  # a gateway that echoes the request's headers in its error body
            status = int(fault.split("_")[1])
            echoed = {k: v for k, v in headers.items() if k in ("authorization", "x-api-key", "user-agent")}
            return status, {}, {"error": {"message": f"request rejected; headers were {json.dumps(echoed)}"}}
        if fault in MALFORMED:
            kind = "text/html" if fault == "html" else "application/json"
            return 200, {"content-type": kind}, MALFORMED[fault]
        if fault == "timeout":
            await asyncio.sleep(self.stall_s)
        await asyncio.sleep(self.latency_s)
        if path == "/v1/chat/completions":
            nonlabel = fault.split(":", 1)[1] if fault and fault.startswith("nonlabel:") else None
            return self._openai(request, headers, garbage=fault == "garbage", fault_text=nonlabel, fault=fault)
        if path == "/v1/messages":
            return self._anthropic(request, headers, garbage=fault == "garbage")
        return 404, {}, {"error": {"message": f"no route {path}"}}

    def _prompt(self, request: dict[str, Any], headers: dict[str, str]) -> str:
        prompt = "".join(_text(m.get("content", "")) for m in request.get("messages", []))
        prompt = _text(request.get("system", "")) + prompt
        client = self.clients.setdefault(_key(headers), Stats())
        for stats in (self.stats, client):
            if self.keep_prompts:
                stats.prompts.append(prompt)
            stats.calls += stats is client
            stats.input_tokens += count_tokens(prompt)
        return prompt

    def _replied(self, headers: dict[str, str], text: str) -> int:
        tokens = count_tokens(text)
        self.stats.output_tokens += tokens
        self.clients.setdefault(_key(headers), Stats()).output_tokens += tokens
        return tokens

    def _openai(
        self,
        request: dict[str, Any],
        headers: dict[str, str],
        *,
        garbage: bool,
        fault_text: str | None = None,
        fault: str | None = None,
    ) -> tuple[int, dict[str, str], Any]:
        if not headers.get("authorization", "").startswith("Bearer "):
            return 401, {}, {"error": {"message": "no key"}}
        prompt = self._prompt(request, headers)
        text = "I think" if garbage else self.reply(prompt)
        if fault_text is not None:
            text = fault_text
        out_tokens = self._replied(headers, text)
        limit = request.get("max_tokens") or request.get("max_completion_tokens")
        finish = "length" if limit and out_tokens >= limit else "stop"
        choice: dict[str, Any] = {
            "index": 0,
            "finish_reason": finish,
            "message": {"role": "assistant", "content": text},
            "logprobs": None,
        }
        if request.get("logprobs"):
            if not self.logprobs:
                return (
                    400,
                    {},
                    {"error": {"message": "This model does not support logprobs", "type": "invalid_request_error"}},
                )
            tops = _tops(text) if fault_text is None else _tops("7") + [{"token": text, "logprob": -0.01}]
            if fault == "odd_tokens":  # digits that are no label as written: superscript, Arabic-Indic, padded
                tops = [{"token": "²", "logprob": -0.5}, {"token": "٥", "logprob": -0.7}, *_tops(text)]
            choice["logprobs"] = {"content": [{"token": text, "logprob": -0.1, "bytes": None, "top_logprobs": tops}]}
        return (
            200,
            {},
            {
                "id": "chatcmpl-x",
                "object": "chat.completion",
                "created": 0,
                "model": request.get("model"),
                "choices": [choice],
                "usage": {"prompt_tokens": count_tokens(prompt), "completion_tokens": out_tokens, "total_tokens": 0},
            },
        )

    def _anthropic(
        self, request: dict[str, Any], headers: dict[str, str], *, garbage: bool
    ) -> tuple[int, dict[str, str], Any]:
        if not (headers.get("x-api-key") or headers.get("authorization")):
            return 401, {}, {"type": "error", "error": {"type": "authentication_error", "message": "no key"}}
        prompt = self._prompt(request, headers)
        text = "Well" if garbage else self.reply(prompt)
        out_tokens = self._replied(headers, text)
        return (
            200,
            {},
            {
                "id": "msg_x",
                "type": "message",
                "role": "assistant",
                "model": request.get("model"),
                "content": [{"type": "text", "text": text}],
                "stop_reason": "max_tokens",
                "stop_sequence": None,
                "usage": {"input_tokens": count_tokens(prompt), "output_tokens": out_tokens},
            },
        )


class BatchAPI:
    """OpenAI's Files + Batches and Anthropic's Message Batches, answered from the same replies.

    A batch is computed when created and reports itself running for `polls_until_done`
    retrievals, then ended, as a real one does some hours later.
    """

    def __init__(self, server: ProviderServer, polls_until_done: int = 1) -> None:
        self.server, self.polls_until_done = server, polls_until_done
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.created = 0

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        parts = path.strip("/").split("/")
        if path == "/v1/files" and method == "POST":
            return self._upload(headers, body)
        if len(parts) == 4 and parts[1] == "files" and parts[3] == "content":
            return 200, {}, self.files[parts[2]]
        if path == "/v1/batches" and method == "POST":
            return self._openai_create(headers, json.loads(body))
        if len(parts) == 3 and parts[1] == "batches":
            return 200, {}, self._poll(parts[2])["object"]
        if path == "/v1/messages/batches" and method == "POST":
            return self._anthropic_create(headers, json.loads(body))
        if len(parts) == 4 and parts[2] == "batches":
            return 200, {}, self._poll(parts[3])["object"]
        if len(parts) == 5 and parts[4] == "results":
            return 200, {}, self.batches[parts[3]]["results"]
        return 404, {}, {"error": {"message": f"no route {method} {path}"}}

    def _upload(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        boundary = headers["content-type"].split("boundary=", 1)[1].encode()
        for part in body.split(b"--" + boundary):
            head, _, content = part.partition(b"\r\n\r\n")
            if b'name="file"' in head:
                file_id = f"file-{len(self.files) + 1}"
                self.files[file_id] = content.rstrip(b"\r\n")
                return (
                    200,
                    {},
                    {
                        "id": file_id,
                        "object": "file",
                        "bytes": len(content),
                        "created_at": 0,
                        "filename": "batch.jsonl",
                        "purpose": "batch",
                        "status": "processed",
                    },
                )
        return 400, {}, {"error": {"message": "no file part"}}

    def _openai_create(self, headers: dict[str, str], request: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        lines = [json.loads(line) for line in self.files[request["input_file_id"]].decode().splitlines() if line]
        out = []
        for line in lines:
            self.server.stats.calls += 1  # each request in a batch is one call
            status, _, payload = self.server._openai(line["body"], headers, garbage=False)
            out.append(
                {
                    "id": f"req-{line['custom_id']}",
                    "custom_id": line["custom_id"],
                    "error": None,
                    "response": {"status_code": status, "request_id": "r", "body": payload},
                }
            )
        file_id = f"file-out-{len(self.files) + 1}"
        self.files[file_id] = "".join(json.dumps(o) + "\n" for o in out).encode()
        batch_id = self._new("batch")
        counts = {"total": len(lines), "completed": len(lines), "failed": 0}
        running = {
            "id": batch_id,
            "object": "batch",
            "endpoint": request["endpoint"],
            "errors": None,
            "input_file_id": request["input_file_id"],
            "completion_window": request["completion_window"],
            "status": "in_progress",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": 0,
            "request_counts": counts,
        }
        self.batches[batch_id] = {
            "object": running,
            "ended": {**running, "status": "completed", "output_file_id": file_id},
            "polls": 0,
        }
        return 200, {}, running

    def _anthropic_create(self, headers: dict[str, str], request: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        results = []
        for entry in request["requests"]:
            self.server.stats.calls += 1
            _, _, message = self.server._anthropic(entry["params"], headers, garbage=False)
            results.append({"custom_id": entry["custom_id"], "result": {"type": "succeeded", "message": message}})
        batch_id = self._new("msgbatch")
        counts = {"processing": len(results), "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        running = {
            "id": batch_id,
            "type": "message_batch",
            "processing_status": "in_progress",
            "request_counts": counts,
            "created_at": "2026-11-28T00:00:00Z",
            "expires_at": "2026-11-29T00:00:00Z",
            "ended_at": None,
            "cancel_initiated_at": None,
            "archived_at": None,
            "results_url": None,
        }
        ended = {
            **running,
            "processing_status": "ended",
            "ended_at": "2026-11-28T01:00:00Z",
            "request_counts": {**counts, "processing": 0, "succeeded": len(results)},
            "results_url": f"{self.server.root}/v1/messages/batches/{batch_id}/results",
        }
        self.batches[batch_id] = {
            "object": running,
            "ended": ended,
            "polls": 0,
            "results": "".join(json.dumps(r) + "\n" for r in results).encode(),
        }
        return 200, {}, running

    def _poll(self, batch_id: str) -> dict[str, Any]:
        batch = self.batches[batch_id]
        batch["polls"] += 1
        if batch["polls"] > self.polls_until_done:
            batch["object"] = batch["ended"]
        return batch

    def _new(self, prefix: str) -> str:
        self.created += 1
        return f"{prefix}_{self.created}"


def count_tokens(text: str) -> int:
    """The server's own token count: words, numbers and punctuation marks (tiktoken's files need a download)."""
    return max(1, len(re.findall(r"\w+|[^\w\s]", text)))


def _text(content: Any) -> str:
    """Message content as text: a string, or the text parts of a list of content blocks."""
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def _key(headers: dict[str, str]) -> str:
    return headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ") or "(none)"


def _tops(text: str) -> list[dict[str, Any]]:
    """Top log-probabilities: most mass on TEXT's digit, some on its neighbours, a little on junk."""
    if not re.fullmatch(r"[1-7]", text):
        return [{"token": text, "logprob": -0.1, "bytes": None}]
    k = int(text)
    probs = {str(k): 0.7, str(min(7, k + 1)): 0.2, " " + str(max(1, k - 1)): 0.05, "The": 0.05}
    return [{"token": t, "logprob": math.log(p), "bytes": None} for t, p in probs.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description="Loopback OpenAI/Anthropic-compatible server")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args()
    server = ProviderServer(latency_s=args.latency, fault_rate=args.fault_rate, port=args.port, keep_prompts=False)
    with server:
        print(f"serving on {server.url}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
