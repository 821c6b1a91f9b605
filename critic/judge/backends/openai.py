"""`openai:MODEL`: OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, LiteLLM)."""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any

import openai

from critic.judge.backends.base import (
    Judge,
    MalformedReply,
    PermanentError,
    provider_failure,
    require_key,
)
from critic.judge.records import LABELS, JudgeReply, JudgeRequest

TOP_LOGPROBS = 20
_LABEL_TOKENS = {str(k) for k in LABELS}  # "1".."7" as written: not "²", not "٥"


class OpenAIJudge(Judge):
    """Asks for one token at temperature 0, with top log-probabilities where the model gives them."""

    provider = "openai"

    def __init__(self, model: str, *, base_url: str | None = None, timeout_s: float = 60.0) -> None:
        self.model = model
        self.spec = f"openai:{model}"
        base_url = base_url or os.environ.get("OPENAI_BASE_URL")
        # A self-hosted server often needs no key; the hosted API always does.
        key = os.environ.get("OPENAI_API_KEY") if base_url else require_key("OPENAI_API_KEY", "OpenAI")
        self.client = openai.AsyncOpenAI(
            api_key=key or "not-needed", base_url=base_url, timeout=timeout_s, max_retries=0
        )
        self.logprobs = True

    async def judge(self, request: JudgeRequest) -> JudgeReply:
        started = time.perf_counter()
        with_logprobs = self.logprobs
        try:
            response = await self._create(request.prompt, logprobs=with_logprobs)
        except openai.BadRequestError as exc:
            # A model without logprobs: from now on ask without them. Every call that was already in
            # flight with logprobs retries without them too, not only the first to hear the 400.
            if not (with_logprobs and "logprob" in str(exc).lower()):
                raise PermanentError(f"{exc.status_code}: {exc.message}") from exc
            self.logprobs = False
            try:
                response = await self._create(request.prompt, logprobs=False)
            except openai.BadRequestError as again:
                raise PermanentError(f"{again.status_code}: {again.message}") from again
        return self._reply(response, started)

    def _reply(self, response: object, started: float) -> JudgeReply:
        """A chat-completions body as a reply; MalformedReply, with the body, when it is not one."""
        try:
            choice = response["choices"][0]  # type: ignore[index]
            text = choice["message"]["content"]
            if text is not None and not isinstance(text, str):
                raise TypeError(f"content is {type(text).__name__}")
            usage = response.get("usage") or {}  # type: ignore[attr-defined]
            input_tokens, output_tokens = _tokens(usage, "prompt_tokens"), _tokens(usage, "completion_tokens")
            logprobs = choice.get("logprobs")
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            raise MalformedReply(f"malformed response body ({exc!s}): {_excerpt(response)}") from exc
        probs = _label_probs(logprobs) if self.logprobs else None
        return JudgeReply(
            text=text or "",
            probs=probs,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            latency_ms=(time.perf_counter() - started) * 1000,
            method="logprobs" if probs else "label",
        )

    def _body(self, prompt: str, *, logprobs: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": 1,
            "temperature": 0,
        }
        if logprobs:
            body.update(logprobs=True, top_logprobs=TOP_LOGPROBS)
        return body

    async def _create(self, prompt: str, *, logprobs: bool) -> object:
        """POST /chat/completions through the client, reading the JSON as a plain dict.

        The same client, auth, transport and error classes as `chat.completions.create`, without
        its per-call parameter transform and response models, which cost about half the CPU of a
        call here (bench/RESULTS.md).
        """
        try:
            return await self.client.post(
                "/chat/completions", body=self._body(prompt, logprobs=logprobs), cast_to=object
            )
        except openai.BadRequestError:
            raise  # judge() decides: a model without logprobs, or a permanent error
        except openai.APIError as exc:
            raise provider_failure(openai, exc) from exc
        except ValueError as exc:  # a 200 whose body is not JSON (the SDK's json.loads)
            raise MalformedReply(f"malformed response body (not JSON: {exc})") from exc

    async def submit_batch(self, prompts: dict[str, str]) -> str:
        """Upload {custom_id: prompt} as a Batch API input file and start the batch; its id."""
        lines = "".join(
            json.dumps(
                {
                    "custom_id": cid,
                    "method": "POST",
                    "url": "/v1/chat/completions",
                    "body": self._body(prompt, logprobs=self.logprobs),
                }
            )
            + "\n"
            for cid, prompt in prompts.items()
        )
        try:
            uploaded = await self.client.files.create(file=("critic-batch.jsonl", lines.encode()), purpose="batch")
            batch = await self.client.batches.create(
                input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
            )
        except openai.APIError as exc:
            raise provider_failure(openai, exc) from exc
        return batch.id

    async def batch_status(self, batch_id: str) -> str:
        """'running', 'ended' or 'failed' (failed, expired or cancelled)."""
        try:
            batch = await self.client.batches.retrieve(batch_id)
        except openai.APIError as exc:
            raise provider_failure(openai, exc) from exc
        if batch.status == "completed":
            return "ended"
        return "failed" if batch.status in ("failed", "expired", "cancelled") else "running"

    async def batch_results(self, batch_id: str) -> dict[str, JudgeReply | str]:
        """{custom_id: reply, or the error text} of an ended batch."""
        try:
            batch = await self.client.batches.retrieve(batch_id)
            contents = [await self.client.files.content(f) for f in (batch.output_file_id, batch.error_file_id) if f]
        except openai.APIError as exc:
            raise provider_failure(openai, exc) from exc
        found: dict[str, JudgeReply | str] = {}
        for content in contents:
            for line in content.text.splitlines():
                try:
                    entry = json.loads(line)
                    entry["custom_id"]
                except (ValueError, KeyError, TypeError):
                    continue  # its prompt is reported "missing from the batch's results" and retried
                response = entry.get("response") or {}
                if response.get("status_code") != 200:
                    found[entry["custom_id"]] = json.dumps(entry.get("error") or response)[:500]
                    continue
                try:
                    found[entry["custom_id"]] = self._reply(response.get("body"), time.perf_counter())
                except MalformedReply as exc:
                    found[entry["custom_id"]] = str(exc)
        return found

    async def explain(self, prompt: str) -> str:
        try:
            response = await self.client.chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": prompt}], max_tokens=400, temperature=0
            )
        except openai.APIError as exc:
            raise provider_failure(openai, exc) from exc
        return str(response.choices[0].message.content or "")

    async def aclose(self) -> None:
        await self.client.close()


def _label_probs(logprobs: object) -> dict[int, float] | None:
    """Probability of each label 1–7 from the first token's top log-probabilities; None if there are none.

    Entries that are not a label token or carry no finite number (a string, NaN) are skipped.
    """
    try:
        tops = logprobs["content"][0]["top_logprobs"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
    probs: dict[int, float] = {}
    for top in tops if isinstance(tops, list) else []:
        if not isinstance(top, dict):
            continue
        token, logprob = str(top.get("token", "")).strip(), top.get("logprob")
        if (
            token not in _LABEL_TOKENS
            or isinstance(logprob, bool)
            or not isinstance(logprob, (int, float))
            or not math.isfinite(logprob)
        ):
            continue
        probs[int(token)] = probs.get(int(token), 0.0) + math.exp(min(0.0, float(logprob)))
    return probs or None


def _tokens(usage: object, name: str) -> int:
    """A token count from a usage object; 0 when the server left it out."""
    if not isinstance(usage, dict):
        raise TypeError(f"usage is {type(usage).__name__}")
    value = usage.get(name) or 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"usage.{name} is {value!r}")
    return int(value)


def _excerpt(body: object, limit: int = 300) -> str:
    """The start of a reply body, for the stored judgment and the person reading it."""
    text = body if isinstance(body, str) else json.dumps(body, default=str)
    return text[:limit] + ("…" if len(text) > limit else "")
