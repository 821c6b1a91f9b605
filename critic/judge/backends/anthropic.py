"""`anthropic:MODEL`: Claude models through the real `anthropic` client; no log-probabilities."""

from __future__ import annotations

import os
import time
from typing import Any

import anthropic

from critic.judge.backends.base import (
    Judge,
    MalformedReply,
    provider_failure,
    require_key,
)
from critic.judge.records import JudgeReply, JudgeRequest


class AnthropicJudge(Judge):
    """Asks for one token; the score is the label alone."""

    provider = "anthropic"

    def __init__(self, model: str, *, base_url: str | None = None, timeout_s: float = 60.0) -> None:
        self.model = model
        self.spec = f"anthropic:{model}"
        key = require_key("ANTHROPIC_API_KEY", "Anthropic")
        self.client = anthropic.AsyncAnthropic(
            api_key=key, base_url=base_url or os.environ.get("ANTHROPIC_BASE_URL"), timeout=timeout_s, max_retries=0
        )

    async def judge(self, request: JudgeRequest) -> JudgeReply:
        started = time.perf_counter()
        try:
            message = await self.client.messages.create(
                model=self.model,
                max_tokens=1,  # this SDK takes no temperature; one token leaves no room to sample
                messages=[{"role": "user", "content": request.prompt}],
            )
        except anthropic.APIError as exc:
            raise provider_failure(anthropic, exc) from exc
        except ValueError as exc:  # a 200 whose body is not JSON (the SDK's json.loads)
            raise MalformedReply(f"malformed response body (not JSON: {exc})") from exc
        return _reply(message, started)

    def _params(self, prompt: str) -> dict[str, Any]:
        return {"model": self.model, "max_tokens": 1, "messages": [{"role": "user", "content": prompt}]}

    async def submit_batch(self, prompts: dict[str, str]) -> str:
        """Start a Message Batch of {custom_id: prompt}; its id."""
        try:
            requests = [{"custom_id": cid, "params": self._params(p)} for cid, p in prompts.items()]
            batch = await self.client.messages.batches.create(requests=requests)  # type: ignore[arg-type]
        except anthropic.APIError as exc:
            raise provider_failure(anthropic, exc) from exc
        return batch.id

    async def batch_status(self, batch_id: str) -> str:
        """'running' or 'ended' (Anthropic reports per-request errors in the results)."""
        try:
            batch = await self.client.messages.batches.retrieve(batch_id)
        except anthropic.APIError as exc:
            raise provider_failure(anthropic, exc) from exc
        return "ended" if batch.processing_status == "ended" else "running"

    async def batch_results(self, batch_id: str) -> dict[str, JudgeReply | str]:
        """{custom_id: reply, or the error text} of an ended batch."""
        found: dict[str, JudgeReply | str] = {}
        try:
            entries = [entry async for entry in await self.client.messages.batches.results(batch_id)]
        except anthropic.APIError as exc:
            raise provider_failure(anthropic, exc) from exc
        except ValueError:  # a results line that is not JSON: its prompts count as missing and are retried
            entries = []
        for entry in entries:
            if entry.result.type == "succeeded":
                try:
                    found[entry.custom_id] = _reply(entry.result.message, time.perf_counter())
                except MalformedReply as exc:
                    found[entry.custom_id] = str(exc)
            else:
                found[entry.custom_id] = f"{entry.result.type}: {getattr(entry.result, 'error', '')}"[:500]
        return found

    async def explain(self, prompt: str) -> str:
        try:
            message = await self.client.messages.create(
                model=self.model, max_tokens=400, messages=[{"role": "user", "content": prompt}]
            )
        except anthropic.APIError as exc:
            raise provider_failure(anthropic, exc) from exc
        return "".join(getattr(block, "text", "") for block in message.content)

    async def aclose(self) -> None:
        await self.client.close()


def _reply(message: Any, started: float) -> JudgeReply:
    """A Messages reply as a JudgeReply; MalformedReply, with the body, when it is not one.

    The SDK builds its response objects without validating them, so a broken body arrives as an
    object with the wrong types (or a str, or None) rather than as an error.
    """
    try:
        blocks = message.content
        if not isinstance(blocks, list):
            raise TypeError(f"content is {type(blocks).__name__}")
        texts = [getattr(block, "text", "") for block in blocks]
        if not all(isinstance(t, str) for t in texts):
            raise TypeError("a content block's text is not a string")
        usage = getattr(message, "usage", None)
        tokens = [getattr(usage, name, None) or 0 for name in ("input_tokens", "output_tokens")]  # absent: 0
        if not all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in tokens):
            raise TypeError(f"usage is {usage!r}")
    except (AttributeError, TypeError) as exc:
        body = message.model_dump_json(warnings=False) if hasattr(message, "model_dump_json") else repr(message)
        raise MalformedReply(f"malformed response body ({exc}): {body[:300]}") from exc
    return JudgeReply(
        text="".join(texts),
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        latency_ms=(time.perf_counter() - started) * 1000,
        method="label",
    )
