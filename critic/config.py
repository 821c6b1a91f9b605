"""critic.toml: project settings read from the current folder (or CRITIC_CONFIG).

[events]
custom_kinds = ["flag", "share"]      # event kinds beyond the built-in ones

[judge]
default = "local"                     # or "openai:gpt-4.1-mini", "anthropic:claude-..."

[prices."openai:gpt-4.1-mini"]        # USD per million tokens, overrides the built-in table
input = 0.40
output = 1.60

[rubrics]
paths = ["rubrics"]                   # folders of your own rubrics, relative to critic.toml
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from critic.errors import ConfigError

BUILTIN_EVENT_KINDS = (
    "thumb_up",
    "thumb_down",
    "regenerate",
    "abandon",
    "edit",
    "copy",
    "escalate",
)


@dataclass(frozen=True)
class Config:
    """Settings from critic.toml, with defaults for everything."""

    path: str | None = None
    custom_event_kinds: tuple[str, ...] = ()
    judge: str = "local"
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    rubric_paths: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def event_kinds(self) -> tuple[str, ...]:
        return BUILTIN_EVENT_KINDS + self.custom_event_kinds


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read critic.toml from PATH, CRITIC_CONFIG or the current folder; defaults if there is none."""
    explicit = path or os.environ.get("CRITIC_CONFIG")
    candidate = Path(explicit) if explicit else Path("critic.toml")
    if not candidate.exists():
        if explicit:
            raise ConfigError(f"{candidate}: no such config file; fix the path or unset CRITIC_CONFIG")
        return Config()
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{candidate}: not valid TOML ({exc})") from exc
    kinds = data.get("events", {}).get("custom_kinds", [])
    if not isinstance(kinds, list) or not all(isinstance(k, str) and k for k in kinds):
        raise ConfigError(f"{candidate}: [events] custom_kinds must be a list of non-empty strings")
    judge = data.get("judge", {}).get("default", "local")
    if not isinstance(judge, str):
        raise ConfigError(f'{candidate}: [judge] default must be a string such as "openai:gpt-4.1-mini"')
    paths = data.get("rubrics", {}).get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise ConfigError(f'{candidate}: [rubrics] paths must be a list of folders, such as ["rubrics"]')
    return Config(
        path=str(candidate),
        rubric_paths=tuple(str(candidate.parent / p) for p in paths),
        custom_event_kinds=tuple(kinds),
        judge=judge,
        prices=data.get("prices", {}),
        raw=data,
    )


# (input, output) USD per million tokens, list prices as of 2026; override under [prices."SPEC"].
PRICES: dict[str, tuple[float, float]] = {
    "local": (0.0, 0.0),
    "openai:gpt-4.1": (2.00, 8.00),
    "openai:gpt-4.1-mini": (0.40, 1.60),
    "openai:gpt-4.1-nano": (0.10, 0.40),
    "openai:gpt-4o": (2.50, 10.00),
    "openai:gpt-4o-mini": (0.15, 0.60),
    "anthropic:claude-haiku-4-5": (1.00, 5.00),
    "anthropic:claude-sonnet-4-5": (3.00, 15.00),
}


def listed_price(spec: str, config: Config) -> tuple[float, float] | None:
    """(input, output) USD per million tokens for a model SPEC from [prices] or PRICES, or None if unknown.

    A judge's price: critic.judge.backends.price (a backend that runs here is free)."""
    override = config.prices.get(spec)
    if override:
        return float(override.get("input", 0.0)), float(override.get("output", 0.0))
    return PRICES.get(spec)
