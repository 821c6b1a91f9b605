"""`openai:MODEL`: OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LiteLLM)."""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any

import openai

from critic.judge.backends.base import Judge, PermanentError, provider_failure, require_key
from critic.judge.records import LABELS, JudgeReply, JudgeRequest

TOP_LOGPROBS = 20


class OpenAIJudge(Judge):
    """Asks for one token at temperature 0, with top log-probabilities where the model gives them."""

    def __init__(self, model: str, *, base_url: str | None = None, timeout_s: float = 60.0) -> None:
        self.model = model
        self.spec = f"openai:{model}"
        base_url = base_url or os.environ.get("OPENAI_BASE_URL")
        # A self-hosted server often needs no key; the hosted API always does.
        key = os.environ.get("OPENAI_API_KEY") if base_url else require_key("OPENAI_API_KEY", "OpenAI")
        self.client = openai.AsyncOpenAI(api_key=key or "not-needed", base_url=base_url,
                                         timeout=timeout_s, max_retries=0)
        self.logprobs = True

    async def judge(self, request: JudgeRequest) -> JudgeReply:
        started = time.perf_counter()
        try:
            response = await self._create(request.prompt)
        except openai.BadRequestError as exc:
            if self.logprobs and "logprob" in str(exc).lower():
                self.logprobs = False  # this model has none: fall back to the label alone, from now on
                response = await self._create(request.prompt)
            else:
                raise PermanentError(f"{exc.status_code}: {exc.message}") from exc
        return self._reply(response, started)

    def _reply(self, response: dict[str, Any], started: float) -> JudgeReply:
        choice = (response.get("choices") or [{}])[0]
        usage = response.get("usage") or {}
        logprobs = choice.get("logprobs") if self.logprobs else None
        return JudgeReply(
            text=(choice.get("message") or {}).get("content") or "",
            probs=_label_probs(logprobs),
            input_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
            latency_ms=(time.perf_counter() - started) * 1000,
            method="logprobs" if logprobs else "label",
        )

    def _body(self, prompt: str) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": [{"role": "user", "content": prompt}],
                                "max_tokens": 1, "temperature": 0}
        if self.logprobs:
            body.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
        return body

    async def _create(self, prompt: str) -> dict[str, Any]:
        """POST /chat/completions through the client, reading the JSON as a plain dict.

        The same client, auth, transport and error classes as `chat.completions.create`, without
        its per-call parameter transform and response models, which cost about half the CPU of a
        call here (bench/RESULTS.md).
        """
        try:
            return await self.client.post("/chat/completions", body=self._body(prompt), cast_to=dict)
        except openai.BadRequestError:
            raise  # judge() decides: a model without logprobs, or a permanent error
        except openai.APIError as exc:
            raise provider_failure(openai, exc) from exc

    async def submit_batch(self, prompts: dict[str, str]) -> str:
        """Upload {custom_id: prompt} as a Batch API input file and start the batch; its id."""
        lines = "".join(json.dumps({"custom_id": cid, "method": "POST", "url": "/v1/chat/completions",
                                    "body": self._body(prompt)}) + "\n" for cid, prompt in prompts.items())
        try:
            uploaded = await self.client.files.create(file=("critic-batch.jsonl", lines.encode()), purpose="batch")
            batch = await self.client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions",
                                                     completion_window="24h")
        except openai.APIError as exc:
            raise provider_failure(openai, exc) from exc
        return batch.id

    async def batch_status(self, batch_id: str) -> str:
        """'running', 'ended' or 'failed' (failed, expired or cancelled)."""
        batch = await self.client.batches.retrieve(batch_id)
        if batch.status == "completed":
            return "ended"
        return "failed" if batch.status in ("failed", "expired", "cancelled") else "running"

    async def batch_results(self, batch_id: str) -> dict[str, JudgeReply | str]:
        """{custom_id: reply, or the error text} of an ended batch."""
        batch = await self.client.batches.retrieve(batch_id)
        found: dict[str, JudgeReply | str] = {}
        for file_id in (batch.output_file_id, batch.error_file_id):
            if not file_id:
                continue
            content = await self.client.files.content(file_id)
            for line in content.text.splitlines():
                entry = json.loads(line)
                response = entry.get("response") or {}
                if response.get("status_code") == 200:
                    found[entry["custom_id"]] = self._reply(response["body"], time.perf_counter())
                else:
                    found[entry["custom_id"]] = json.dumps(entry.get("error") or response)[:500]
        return found

    async def explain(self, prompt: str) -> str:
        response = await self.client.chat.completions.create(
            model=self.model, messages=[{"role": "user", "content": prompt}], max_tokens=400, temperature=0)
        return response.choices[0].message.content or ""

    async def aclose(self) -> None:
        await self.client.close()


def _label_probs(logprobs: dict[str, Any] | None) -> dict[int, float] | None:
    """Probability of each label 1–7 from the first token's top log-probabilities."""
    content = (logprobs or {}).get("content")
    if not content:
        return None
    probs: dict[int, float] = {}
    for top in content[0].get("top_logprobs") or []:
        token = str(top.get("token", "")).strip()
        if token.isdigit() and int(token) in LABELS:
            probs[int(token)] = probs.get(int(token), 0.0) + math.exp(float(top["logprob"]))
    return probs or None
