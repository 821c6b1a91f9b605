"""The Judge interface and the failures a runner may retry."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

from critic.errors import JudgeError
from critic.judge.records import JudgeReply, JudgeRequest
from critic.rubrics import Rubric

if TYPE_CHECKING:
    from critic.store import Store


class TransientError(Exception):
    """A failure worth retrying (429, 5xx, timeout, connection); retry_after in seconds if the server said."""

    def __init__(self, message: str, *, retry_after: float | None = None, rate_limited: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class PermanentError(Exception):
    """A failure that retrying will not fix (400, 401, 404): stored as an error judgment."""


class CannotExplain(PermanentError):
    """The backend has no free-text mode (a likelihood or a student): not a failed call."""


class MalformedReply(PermanentError):
    """A 200 reply whose body is not what the API promises (HTML, null, a list, wrong types)."""


class Judge(ABC):
    """A judge backend: one async call per interaction × rubric."""

    spec: str
    model: str
    max_concurrency: int = 64  # a local model runs one call at a time
    # The backend's facts, read by critic.judge.backends (resolve_judge, canonical_spec, price):
    provider: ClassVar[str]  # the name before the colon: `openai` in openai:MODEL
    model_optional: ClassVar[bool] = False  # the provider alone names a judge (`local`)
    needs_store: ClassVar[bool] = False  # its model lives in the store: the constructor takes store=
    priced: ClassVar[bool] = True  # its calls cost money per token (critic.config.PRICES); else free

    @classmethod
    def canonical(cls, model: str | None, store: Store | None = None) -> str:
        """The one name judgments by this backend and MODEL are stored under (no client is built)."""
        return f"{cls.provider}:{model}"

    @classmethod
    def revision(cls, model: str | None, rubric: str) -> str:
        """What scores RUBRIC under this backend and MODEL, where the backend ships it ('' where it cannot say):
        a judgment stored with another revision (its `method`) is stale, and a re-run judges it again."""
        return ""

    @abstractmethod
    async def judge(self, request: JudgeRequest) -> JudgeReply:
        """Ask the judge for one label; raise TransientError or PermanentError on failure."""

    def prepare(self, requests: list[JudgeRequest]) -> None:  # noqa: B027 - an optional hook, empty by default
        """Called once with every request a run is about to make, so a backend can batch work up front."""

    def unsupported(self, rubric: Rubric) -> str | None:
        """Why this judge cannot score RUBRIC (a student is trained for one), or None."""
        return None

    async def submit_batch(self, prompts: dict[str, str]) -> str:
        """Submit {custom_id: prompt} to the provider's batch API; the batch id."""
        raise PermanentError(f"{self.spec} has no batch API; --batch needs an openai: or anthropic: judge")

    async def batch_status(self, batch_id: str) -> str:
        """'running', 'ended' or 'failed'."""
        raise PermanentError(f"{self.spec} has no batch API")

    async def batch_results(self, batch_id: str) -> dict[str, JudgeReply | str]:
        """{custom_id: the reply, or the error text} of an ended batch."""
        raise PermanentError(f"{self.spec} has no batch API")

    async def explain(self, prompt: str) -> str:
        """A free-text explanation, for a person debugging a rubric; never used for scoring."""
        raise CannotExplain(f"{self.spec} cannot explain itself; use an openai: or anthropic: judge")

    async def aclose(self) -> None:  # noqa: B027 - an optional hook: only clients hold connections
        """Release connections."""


def require_key(variable: str, provider: str) -> str:
    """The API key from the environment, or a JudgeError that says how to set it."""
    key = os.environ.get(variable)
    if not key:
        raise JudgeError(
            f"no API key for {provider}: set the {variable} environment variable "
            "(critic reads keys only from the environment and never stores them)"
        )
    return key


def provider_failure(sdk: Any, exc: Exception) -> Exception:
    """Translate an openai/anthropic SDK exception (same class names in both) into Transient/PermanentError."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if isinstance(exc, sdk.RateLimitError):
        return TransientError("429 rate limited", retry_after=retry_after_seconds(headers), rate_limited=True)
    if isinstance(exc, (sdk.APITimeoutError, sdk.APIConnectionError)):
        return TransientError(type(exc).__name__)
    status = getattr(exc, "status_code", 0)
    if isinstance(exc, sdk.InternalServerError) or status in (500, 502, 503, 504, 529):
        return TransientError(f"{status} server error", retry_after=retry_after_seconds(headers))
    return PermanentError(f"{status}: {getattr(exc, 'message', exc)}")


def retry_after_seconds(headers: object) -> float | None:
    """Seconds from a Retry-After (or retry-after-ms) header, if present."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = get(name)
        if value:
            try:
                return float(value) * scale
            except ValueError:
                return None
    return None
