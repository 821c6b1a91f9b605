"""`anthropic:MODEL`: Claude models through the real `anthropic` client; no log-probabilities."""

from __future__ import annotations

import os
import time
from typing import Any

import anthropic

from critic.judge.backends.base import Judge, provider_failure, require_key
from critic.judge.records import JudgeReply, JudgeRequest


class AnthropicJudge(Judge):
    """Asks for one token; the score is the label alone."""

    def __init__(self, model: str, *, base_url: str | None = None, timeout_s: float = 60.0) -> None:
        self.model = model
        self.spec = f"anthropic:{model}"
        key = require_key("ANTHROPIC_API_KEY", "Anthropic")
        self.client = anthropic.AsyncAnthropic(api_key=key, base_url=base_url or os.environ.get("ANTHROPIC_BASE_URL"),
                                               timeout=timeout_s, max_retries=0)

    async def judge(self, request: JudgeRequest) -> JudgeReply:
        started = time.perf_counter()
        try:
            message = await self.client.messages.create(
                model=self.model, max_tokens=1,  # this SDK takes no temperature; one token leaves no room to sample
                messages=[{"role": "user", "content": request.prompt}],
            )
        except anthropic.APIError as exc:
            raise provider_failure(anthropic, exc) from exc
        return _reply(message, started)

    def _params(self, prompt: str) -> dict[str, Any]:
        return {"model": self.model, "max_tokens": 1, "messages": [{"role": "user", "content": prompt}]}

    async def submit_batch(self, prompts: dict[str, str]) -> str:
        """Start a Message Batch of {custom_id: prompt}; its id."""
        try:
            batch = await self.client.messages.batches.create(
                requests=[{"custom_id": cid, "params": self._params(p)} for cid, p in prompts.items()])  # type: ignore[typeddict-item]
        except anthropic.APIError as exc:
            raise provider_failure(anthropic, exc) from exc
        return batch.id

    async def batch_status(self, batch_id: str) -> str:
        """'running' or 'ended' (Anthropic reports per-request errors in the results)."""
        batch = await self.client.messages.batches.retrieve(batch_id)
        return "ended" if batch.processing_status == "ended" else "running"

    async def batch_results(self, batch_id: str) -> dict[str, JudgeReply | str]:
        """{custom_id: reply, or the error text} of an ended batch."""
        found: dict[str, JudgeReply | str] = {}
        async for entry in await self.client.messages.batches.results(batch_id):
            if entry.result.type == "succeeded":
                found[entry.custom_id] = _reply(entry.result.message, time.perf_counter())
            else:
                found[entry.custom_id] = f"{entry.result.type}: {getattr(entry.result, 'error', '')}"[:500]
        return found

    async def explain(self, prompt: str) -> str:
        message = await self.client.messages.create(
            model=self.model, max_tokens=400, messages=[{"role": "user", "content": prompt}])
        return "".join(getattr(block, "text", "") for block in message.content)

    async def aclose(self) -> None:
        await self.client.close()


def _reply(message: Any, started: float) -> JudgeReply:
    text = "".join(getattr(block, "text", "") for block in message.content)
    return JudgeReply(text=text, input_tokens=message.usage.input_tokens, output_tokens=message.usage.output_tokens,
                      latency_ms=(time.perf_counter() - started) * 1000, method="label")
