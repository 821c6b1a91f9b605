"""`critic eval`: judge every selected interaction × rubric that the store does not already hold.

Cached by (interaction, rubric version, judge) and, across interactions, by the hash of the
rendered prompt, so re-running costs zero provider calls. Calls run concurrently under an
adaptive limit that halves on 429 and climbs back one step per window of successes. Results
are written in small batches as they complete, so a killed run loses at most the calls in
flight and the last half-second of results, and the next run resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from critic.config import Config
from critic.errors import JudgeError
from critic.judge.backends import cost_usd, price, revision
from critic.judge.backends.base import Judge, PermanentError, TransientError
from critic.judge.records import JudgeReply, JudgeRequest, verdict
from critic.rubrics import Rubric
from critic.secrets import known_secrets, scrub
from critic.store import Store, Window
from critic.store.judgments import (
    finish_run,
    finished_judgments,
    items_to_judge,
    judged_prompts,
    start_run,
    write_judgments,
)

MAX_ATTEMPTS = 6
FLUSH_ROWS, FLUSH_SECONDS = 256, 0.5
SAMPLING = {"temperature": 0, "max_tokens": 1}  # part of the cache key: changing them re-judges


@dataclass(frozen=True)
class Selection:
    """Which interactions to judge."""

    since: str | None = None
    until: str | None = None
    limit: int | None = None
    sample: int | None = None
    seed: int = 0
    ids: tuple[str, ...] = ()
    table: str = "interactions"  # or "eval_items": outputs of check, calibrate, audit (critic.judge.items)


@dataclass
class RunResult:
    """What a run did; `--format json` prints it."""

    run_id: str
    judged: int = 0
    cached: int = 0
    errors: int = 0
    unparseable: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    stopped: str | None = None  # "budget" when --budget-usd stopped it
    planned: int = 0
    warnings: list[str] = field(default_factory=list)
    first_error: str | None = None  # the first failed call's error, keys scrubbed

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def raise_if_all_failed(self) -> None:
        """Fail (JudgeError, exit 1) when every call of the run failed: a revoked key is no empty result."""
        if self.errors and not (self.judged or self.cached or self.unparseable):
            raise JudgeError(
                f"every one of {self.errors} judge calls failed; the first: {self.first_error}. Fix the judge "
                "(key, model, --base-url) and re-run: failed calls are retried, nothing else is paid twice"
            )


@dataclass(frozen=True)
class WorkItem:
    interaction_id: str
    rubric: Rubric
    request: JudgeRequest
    prompt_hash: str


class Work(list[WorkItem]):
    """The work items of a selection, and how many of its (interaction, rubric) pairs were already judged."""

    already_judged: int = 0


def select_work(
    store: Store, rubrics: list[Rubric], judge_spec: str, selection: Selection, *, finished: bool = False
) -> Work:
    """Every selected interaction × rubric without a finished judgment by this judge and rubric version, made by
    what scores the rubric now where the judge ships it (a retrained student re-judges; FINISHED: all)."""
    rows = items_to_judge(
        store,
        selection.table,
        Window(selection.since, selection.until),
        ids=selection.ids,
        limit=selection.sample or selection.limit,
        seed=selection.seed if selection.sample else None,
    )
    done = {} if finished else finished_judgments(store, judge_spec, [r.version for r in rubrics])
    revisions = {r.name: revision(judge_spec, r.name) for r in rubrics}
    work = Work()
    for iid, fields in rows:
        for rubric in rubrics:
            current, judged = revisions[rubric.name], (iid, rubric.name, rubric.version)
            if judged in done and (not current or done[judged] in (None, current)):  # unparseable: no method
                work.already_judged += 1
                continue
            prompt = rubric.render(fields)
            key = hashlib.sha256(json.dumps([judge_spec, SAMPLING, prompt, *([current] if current else [])]).encode())
            work.append(WorkItem(iid, rubric, JudgeRequest(prompt, rubric, fields), key.hexdigest()))
    return work


class AdaptiveLimit:
    """A concurrency limit that halves on rate limiting and climbs back as calls succeed.

    A burst of 429s from calls that were all in flight together is one signal, so the limit
    halves at most once per `cooldown_s`; it grows by one per quarter-limit of successes.
    """

    def __init__(self, maximum: int, *, cooldown_s: float = 1.0) -> None:
        self.maximum = self.limit = max(1, maximum)
        self.active = self._streak = 0
        self.cooldown_s = cooldown_s
        self._last_cut = float("-inf")
        self._cond = asyncio.Condition()

    async def acquire(self) -> None:
        async with self._cond:
            await self._cond.wait_for(lambda: self.active < self.limit)
            self.active += 1

    async def release(self, *, rate_limited: bool) -> None:
        async with self._cond:
            self.active -= 1
            now = time.monotonic()
            if rate_limited:
                if now - self._last_cut >= self.cooldown_s:
                    self.limit, self._streak, self._last_cut = max(1, self.limit // 2), 0, now
            else:
                self._streak += 1
                if self._streak >= self.limit // 4 + 1 and self.limit < self.maximum:
                    self.limit, self._streak = self.limit + 1, 0
            self._cond.notify_all()


class Writer:
    """Buffers finished judgments and writes them in batches on one background thread.

    Single-row inserts manage only hundreds of rows a second, and a batch insert on the event
    loop would stall every call in flight; one thread keeps the store's writes in order.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[dict[str, Any]] = []
        self.last = time.monotonic()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="critic-writer")
        self._pending: list[Future[None]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= FLUSH_ROWS or time.monotonic() - self.last >= FLUSH_SECONDS:
            self._submit()

    def close(self) -> None:
        """Write what is buffered and wait for every batch; raise the first write error."""
        self._submit()
        self._thread.shutdown(wait=True)
        for future in self._pending:
            future.result()

    def _submit(self) -> None:
        self.last = time.monotonic()
        self._pending = [f for f in self._pending if not f.done() or f.exception() is not None]
        if self.rows:
            self._pending.append(self._thread.submit(self._insert, self.rows))
            self.rows = []

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        secrets = known_secrets()  # read the environment once per batch, not once per row
        for row in rows:  # a provider's error body may echo the request's key: nothing unscrubbed is stored
            row["raw"] = scrub(row["raw"], secrets)
        write_judgments(self.store, rows)


class Runner:
    """Runs a list of work items against one judge, writing each judgment as it completes."""

    def __init__(
        self,
        store: Store,
        judge: Judge,
        config: Config,
        *,
        concurrency: int,
        budget_usd: float | None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.store, self.judge, self.config = store, judge, config
        self.limit = AdaptiveLimit(min(concurrency, judge.max_concurrency))
        self.budget_usd = budget_usd
        self.progress = progress or (lambda _n: None)
        self.result = RunResult(run_id=uuid.uuid4().hex[:12])
        self.writer = Writer(store)
        self._reserved = 0.0
        self._followers: dict[str, list[WorkItem]] = {}
        self.price_factor = 1.0  # batch APIs charge half

    async def run(self, work: list[WorkItem]) -> RunResult:
        self.result.planned = len(work)
        if price(self.judge.spec, self.config) is None:
            self.result.warnings.append(
                f"no price known for {self.judge.spec}; cost is counted as 0 "
                f'(set [prices."{self.judge.spec}"] in critic.toml)'
            )
        self._start_run(work)
        fresh = self._reuse_cached(work)
        self.judge.prepare([item.request for item in fresh])
        queue: asyncio.Queue[WorkItem] = asyncio.Queue()
        for item in fresh:
            queue.put_nowait(item)
        workers = [asyncio.create_task(self._worker(queue)) for _ in range(min(self.limit.maximum, len(fresh)) or 1)]
        try:
            await asyncio.gather(*workers)
        except (asyncio.CancelledError, KeyboardInterrupt):
            self.result.stopped = "interrupted"  # Ctrl-C: what finished is written, a re-run resumes
            raise
        finally:
            self.writer.close()
            self._finish_run()
            await self.judge.aclose()
        return self.result

    def _reuse_cached(self, work: list[WorkItem]) -> list[WorkItem]:
        """Copy judgments whose exact prompt was judged before (another interaction, same text); return the rest."""
        cached = judged_prompts(self.store, self.judge.spec, list({w.prompt_hash for w in work}))
        fresh = []
        for item in work:
            hit = cached.get(item.prompt_hash)
            if hit is None:
                if item.prompt_hash in self._followers:  # the same prompt is already queued: judge it once
                    self._followers[item.prompt_hash].append(item)
                else:
                    self._followers[item.prompt_hash] = []
                    fresh.append(item)
                continue
            self._write_copy(item, hit)
        return fresh

    async def _worker(self, queue: asyncio.Queue[WorkItem]) -> None:
        while not queue.empty():
            item = queue.get_nowait()
            reserved = self._reserve(item)
            if reserved is None:
                self.result.stopped = "budget"
                return
            await self._judge_one(item)
            self._reserved -= reserved
            self.progress(1)

    def _reserve(self, item: WorkItem) -> float | None:
        """Hold the estimated cost of ITEM against the budget; None when it would exceed it."""
        if self.budget_usd is None:
            return 0.0
        estimate = cost_usd(self.judge.spec, self.config, estimate_tokens(item.request.prompt), 1)
        if self.result.cost_usd + self._reserved + estimate > self.budget_usd:
            return None
        self._reserved += estimate
        return estimate

    async def _judge_one(self, item: WorkItem) -> None:
        """Judge ITEM (and the items waiting on its prompt). A garbled reply is asked again once; one still
        garbled is ITEM's alone: each waiting item then gets its own call."""
        reply, error = await self._call(item)
        if reply is not None and verdict(reply).status == "unparseable":
            self._charge(reply)  # paid for, though not kept
            reply, error = await self._call(item)
        twins = self._followers.pop(item.prompt_hash, [])
        if reply is not None and verdict(reply).status == "unparseable":
            self._record(item, reply, error, [])
            for twin in twins:
                await self._judge_one(twin)
            return
        self._record(item, reply, error, twins)

    async def _call(self, item: WorkItem) -> tuple[JudgeReply | None, str | None]:
        """One judge call for ITEM, retried on transient failures; (the reply, or None and the error)."""
        reply, error = None, None
        for attempt in range(MAX_ATTEMPTS):
            await self.limit.acquire()
            rate_limited = False
            try:
                reply = await self.judge.judge(item.request)
                break
            except TransientError as exc:
                rate_limited, error = exc.rate_limited, str(exc)
                wait = exc.retry_after if exc.retry_after is not None else min(30.0, 0.25 * 2**attempt)
            except PermanentError as exc:
                error = str(exc)
                break
            except Exception as exc:  # noqa: BLE001 - a reply no backend check foresaw: that item's error, the run goes on
                error = f"unexpected {type(exc).__name__}: {exc}"
                break
            finally:
                await self.limit.release(rate_limited=rate_limited)
            if attempt < MAX_ATTEMPTS - 1:
                await asyncio.sleep(wait * random.uniform(0.8, 1.2))
        return reply, error

    def _charge(self, reply: JudgeReply) -> float:
        """Count REPLY's tokens and cost against the run; its cost."""
        cost = cost_usd(self.judge.spec, self.config, reply.input_tokens, reply.output_tokens) * self.price_factor
        self.result.input_tokens += reply.input_tokens
        self.result.output_tokens += reply.output_tokens
        self.result.cost_usd += cost
        return cost

    def _record(self, item: WorkItem, reply: JudgeReply | None, error: str | None, twins: list[WorkItem]) -> None:
        if reply is None:  # every item waiting on this prompt gets its own error row; a re-run retries them
            if self.result.first_error is None:
                self.result.first_error = scrub(error or "unknown error")
            for failed in [item, *twins]:
                self.result.errors += 1
                self._write(failed, label=None, probs=None, expected=None, method=None, raw=error, status="error")
            return
        v = verdict(reply)
        stored: dict[str, Any] = {
            "label": v.label,
            "probs": json.dumps(v.probs) if v.probs else None,
            "expected": v.expected,
            "method": reply.method if v.status == "ok" else None,
            "raw": reply.text,
            "status": v.status,
        }
        for twin in twins:
            self._write_copy(twin, stored)
        cost = self._charge(reply)
        self.result.judged += 1
        self.result.unparseable += v.status == "unparseable"
        self._write(
            item,
            **stored,
            input_tokens=reply.input_tokens,
            output_tokens=reply.output_tokens,
            cost=cost,
            latency_ms=reply.latency_ms,
        )

    def _write_copy(self, item: WorkItem, stored: dict[str, Any]) -> None:
        """Record an earlier verdict for the same prompt under ITEM's key, at no cost."""
        self.result.cached += 1
        self.result.unparseable += stored["status"] == "unparseable"
        self._write(item, **stored)
        self.progress(1)

    def _write(
        self,
        item: WorkItem,
        *,
        label: int | None,
        probs: str | None,
        expected: float | None,
        method: str | None,
        raw: str | None,
        status: str,
        input_tokens: int = 0,
        output_tokens: int = 0,
        cost: float = 0.0,
        latency_ms: float = 0.0,
    ) -> None:
        self.writer.add(
            {
                "interaction_id": item.interaction_id,
                "rubric": item.rubric.name,
                "rubric_version": item.rubric.version,
                "judge": self.judge.spec,
                "label": label,
                "probs": probs,
                "expected": expected,
                "method": method,
                "raw": raw,
                "status": status,
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cost_usd": cost,
                "latency_ms": latency_ms,
                "run_id": self.result.run_id,
                "created_at": datetime.now(UTC),
                "prompt_hash": item.prompt_hash,
            }
        )

    def _start_run(self, work: list[WorkItem]) -> None:
        rubrics = sorted({f"{w.rubric.name}@{w.rubric.version}" for w in work})
        start_run(self.store, self.result.run_id, self.judge.spec, rubrics)

    def _finish_run(self) -> None:
        finish_run(self.store, self.result.run_id, self.result.stopped or "done", self.result.as_dict())


def estimate_tokens(text: str) -> int:
    """A rough token count (4 characters a token) for --dry-run and budgets, before a provider counts."""
    return max(1, len(text) // 4)


@dataclass(frozen=True)
class DryRun:
    """What a run would spend."""

    calls: int
    cached: int
    input_tokens: int
    output_tokens: int
    cost_usd: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def dry_run(store: Store, work: list[WorkItem], judge_spec: str, config: Config) -> DryRun:
    """Calls, tokens (estimated at 4 characters a token) and cost a run would spend; calls nothing."""
    cached = judged_prompts(store, judge_spec, list({w.prompt_hash for w in work}))
    fresh = {w.prompt_hash: w for w in work if w.prompt_hash not in cached}  # identical prompts: one call
    tokens = sum(estimate_tokens(w.request.prompt) for w in fresh.values())
    return DryRun(
        len(fresh), len(work) - len(fresh), tokens, len(fresh), cost_usd(judge_spec, config, tokens, len(fresh))
    )
