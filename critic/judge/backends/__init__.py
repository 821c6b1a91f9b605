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

from critic.config import listed_price
from critic.errors import ConfigError, JudgeError

if TYPE_CHECKING:
    from critic.config import Config
    from critic.judge.backends.base import Judge
    from critic.store import Store

# provider → ("module:class", how a user names it): the class states its own facts
# (critic.judge.backends.base.Judge: model optional, needs a store, priced, canonical name); adding a backend
# is its module and one line here. The usage is here, not on the class, so an unknown name is explained
# without importing every provider's SDK.
BACKENDS: dict[str, tuple[str, str]] = {
    "local": ("critic.judge.backends.local:LocalJudge", "'local'"),
    "openai": (
        "critic.judge.backends.openai:OpenAIJudge",
        "'openai:MODEL' (any OpenAI-compatible server with --base-url)",
    ),
    "anthropic": ("critic.judge.backends.anthropic:AnthropicJudge", "'anthropic:MODEL'"),
    "student": ("critic.judge.backends.student:StudentJudge", "'student:NAME'"),
}
DEFAULT_TIMEOUT_S = 60.0


def judge_spec(spec: str | None = None, config: Config | None = None) -> str:
    """The judge named by SPEC, else $CRITIC_JUDGE, else `[judge] default` in critic.toml, else 'local'."""
    return spec or os.environ.get("CRITIC_JUDGE") or (config.judge if config else None) or "local"


def backend_class(provider: str) -> type[Judge]:
    """The backend class registered for PROVIDER (its module is imported now, and its SDK with it)."""
    module, _, cls = BACKENDS[provider][0].partition(":")
    found: type[Judge] = getattr(importlib.import_module(module), cls)
    return found


def _backend(name: str) -> tuple[type[Judge], str | None]:
    """(the backend class, the model or None) for a judge NAME; an unknown name fails listing the known ones."""
    provider, _, model = name.partition(":")
    backend = backend_class(provider) if provider in BACKENDS else None
    if backend is None or (not model and not backend.model_optional):
        raise JudgeError(f"unknown judge {name!r}; use one of {', '.join(usage for _, usage in BACKENDS.values())}")
    return backend, model or None


def resolve_judge(
    spec: str | None = None,
    config: Config | None = None,
    *,
    base_url: str | None = None,
    timeout_s: float | None = None,
    store: Store | None = None,
) -> Judge:
    """The backend for SPEC ('local', 'openai:gpt-4.1-mini', ...), with its canonical spec.

    The per-call timeout is TIMEOUT_S, else $CRITIC_JUDGE_TIMEOUT, else 60 s.
    """
    backend, model = _backend(judge_spec(spec, config))
    extra = {"store": store} if backend.needs_store else {}
    return backend(model, base_url=base_url, timeout_s=timeout_s or judge_timeout(), **extra)  # type: ignore[call-arg]


def canonical_spec(spec: str | None = None, config: Config | None = None, store: Store | None = None) -> str:
    """The name judgments by SPEC are stored under, without building a client.

    'local' and 'local:gemma-3-270m' as given; 'student:NAME' → 'student:NAME@VERSION' of its latest version (needs
    STORE).
    A name no backend claims is returned as given: judgments may be stored under it (imported, or by a backend
    critic no longer has), and a filter by it finds them.
    """
    name = judge_spec(spec, config)
    provider, _, model = name.partition(":")
    if provider not in BACKENDS:
        return name
    backend = backend_class(provider)
    return backend.canonical(model or None, store) if model or backend.model_optional else name


def revision(spec: str, rubric: str) -> str:
    """The revision of what scores RUBRIC under the canonical judge SPEC ('' for a judge that cannot say)."""
    provider, _, model = spec.partition(":")
    if provider not in BACKENDS:
        return ""
    return backend_class(provider).revision(model or None, rubric)


def price(spec: str, config: Config) -> tuple[float, float] | None:
    """(input, output) USD per million tokens for a judge SPEC: 0 for a backend that runs here, else its list
    price (critic.config.PRICES, or [prices] in critic.toml), or None if unknown."""
    provider = spec.partition(":")[0]
    if provider in BACKENDS and not backend_class(provider).priced:
        return 0.0, 0.0
    return listed_price(spec, config)


def cost_usd(spec: str, config: Config, input_tokens: int, output_tokens: int) -> float:
    """Cost of one call; 0 for a model with no known price (the run warns once)."""
    known = price(spec, config)
    if known is None:
        return 0.0
    return (input_tokens * known[0] + output_tokens * known[1]) / 1e6


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
