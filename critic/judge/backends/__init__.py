"""Judge backends, registered by name: `local`, `openai:MODEL`, `anthropic:MODEL`, `student:NAME`.

A backend is one small class with one async method, `judge(request) -> JudgeReply`, and a
row in BACKENDS; provider SDKs are imported only when that backend is used. `resolve_judge`
is the one way to get a judge: it turns --judge / CRITIC_JUDGE / critic.toml into a backend
whose `spec` is canonical, and that spec is the only name stored and queried.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from critic.errors import ConfigError, JudgeError

if TYPE_CHECKING:
    from critic.config import Config
    from critic.judge.backends.base import Judge
    from critic.store import Store

# provider → "module:class"; the class takes (model or None, *, base_url, timeout_s) and sets `spec`.
BACKENDS: dict[str, str] = {
    "local": "critic.judge.backends.local:LocalJudge",
    "openai": "critic.judge.backends.openai:OpenAIJudge",
    "anthropic": "critic.judge.backends.anthropic:AnthropicJudge",
    "student": "critic.judge.backends.student:StudentJudge",
}
MODEL_OPTIONAL = {"local"}
NEEDS_STORE = {"student"}  # backends whose model lives in the store
DEFAULT_TIMEOUT_S = 60.0


def judge_spec(spec: str | None = None, config: Config | None = None) -> str:
    """The judge named by SPEC, else $CRITIC_JUDGE, else `[judge] default` in critic.toml, else 'local'."""
    return spec or os.environ.get("CRITIC_JUDGE") or (config.judge if config else None) or "local"


def resolve_judge(spec: str | None = None, config: Config | None = None, *, base_url: str | None = None,
                  timeout_s: float | None = None, store: Store | None = None) -> Judge:
    """The backend for SPEC ('local', 'openai:gpt-4.1-mini', ...), with its canonical spec.

    The per-call timeout is TIMEOUT_S, else $CRITIC_JUDGE_TIMEOUT, else 60 s.
    """
    name = judge_spec(spec, config)
    provider, _, model = name.partition(":")
    if provider not in BACKENDS or (not model and provider not in MODEL_OPTIONAL):
        raise JudgeError(f"unknown judge {name!r}; use one of 'local', 'openai:MODEL' (any OpenAI-compatible "
                         "server with --base-url), 'anthropic:MODEL' or 'student:NAME'")
    module, _, cls = BACKENDS[provider].partition(":")
    backend = getattr(importlib.import_module(module), cls)
    extra = {"store": store} if provider in NEEDS_STORE else {}
    return backend(model or None, base_url=base_url, timeout_s=timeout_s or judge_timeout(), **extra)  # type: ignore[no-any-return]


def canonical_spec(spec: str | None = None, config: Config | None = None, store: Store | None = None) -> str:
    """The name judgments by SPEC are stored under, without building a client.

    'local:gemma-3-270m' → 'local'; 'student:NAME' → 'student:NAME@VERSION' of its latest version (needs STORE).
    """
    name = judge_spec(spec, config)
    provider, _, model = name.partition(":")
    if provider == "local":
        from critic.judge.backends.local import canonical

        return canonical(model or None)
    if provider == "student":
        if store is None:
            raise JudgeError(f"{name} lives in a store: give the --db it was trained in")
        from critic.distill.train import load_student

        student_name, _, version = model.partition("@")
        return load_student(store, student_name, version or None).spec
    return name


def judge_timeout() -> float:
    """Seconds per judge call from $CRITIC_JUDGE_TIMEOUT (default 60)."""
    raw = os.environ.get("CRITIC_JUDGE_TIMEOUT")
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"CRITIC_JUDGE_TIMEOUT={raw!r} is not a positive number of seconds; set it to e.g. 60")
    return value
