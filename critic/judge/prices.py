"""What a judge call costs: USD per million input and output tokens, overridable in critic.toml."""

from __future__ import annotations

from critic.config import Config

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


def price(spec: str, config: Config) -> tuple[float, float] | None:
    """(input, output) USD per million tokens for a judge SPEC, or None if unknown."""
    override = config.prices.get(spec)
    if override:
        return float(override.get("input", 0.0)), float(override.get("output", 0.0))
    return PRICES.get(spec)


def cost_usd(spec: str, config: Config, input_tokens: int, output_tokens: int) -> float:
    """Cost of one call; 0 for a model with no known price (the run warns once)."""
    known = price(spec, config)
    if known is None:
        return 0.0
    return (input_tokens * known[0] + output_tokens * known[1]) / 1e6
