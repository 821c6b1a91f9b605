"""Judge backends, registered by name: `local`, `openai:MODEL`, `anthropic:MODEL`.

A backend is one small class with one async method, `judge(request) -> JudgeReply`. Provider
SDKs are imported only when that backend is used.
"""

from __future__ import annotations

from critic.errors import JudgeError
from critic.judge.backends.base import Judge


def get_judge(spec: str, *, base_url: str | None = None, timeout_s: float = 60.0) -> Judge:
    """The backend for SPEC ('local', 'openai:gpt-4.1-mini', 'anthropic:claude-haiku-4-5', ...)."""
    provider, _, model = spec.partition(":")
    if provider == "local":
        from critic.judge.backends.local import LocalJudge

        return LocalJudge(model or None)
    if provider == "openai" and model:
        from critic.judge.backends.openai import OpenAIJudge

        return OpenAIJudge(model, base_url=base_url, timeout_s=timeout_s)
    if provider == "anthropic" and model:
        from critic.judge.backends.anthropic import AnthropicJudge

        return AnthropicJudge(model, base_url=base_url, timeout_s=timeout_s)
    raise JudgeError(
        f"unknown judge {spec!r}; use 'local', 'openai:MODEL' (any OpenAI-compatible server with --base-url) "
        "or 'anthropic:MODEL'"
    )
