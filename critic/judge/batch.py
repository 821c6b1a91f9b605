"""`critic eval --batch`: judge through the provider's batch API (half price, results within 24 h).

A run first collects the batches this judge has in flight: ended ones are read and their
judgments written (through the same recording as a live run, so identical prompts, costs and
statuses are handled alike), running ones are left. Work whose prompt is in none of them is
submitted as one new batch, keyed by prompt hash, and recorded in the store before the run
returns — so a run that is killed, or one that does not wait, resumes next time and never
submits the same prompt twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from critic.errors import JudgeError
from critic.judge.backends import cost_usd
from critic.judge.backends.base import PermanentError, TransientError
from critic.judge.records import JudgeReply, verdict
from critic.judge.run import Runner, RunResult, WorkItem, estimate_tokens
from critic.store.judgments import batches_in_flight, close_batch, record_batch

BATCH_DISCOUNT = 0.5  # OpenAI Batch and Anthropic Message Batches cost half the list price


@dataclass
class BatchRun:
    """What a --batch run did, beside the usual run figures."""

    result: RunResult
    submitted: list[str] = field(default_factory=list)
    collected: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.result.as_dict(),
            "batches_submitted": self.submitted,
            "batches_collected": self.collected,
            "batches_running": self.running,
            "batches_failed": self.failed,
        }


class BatchRunner(Runner):
    """A Runner whose calls go through the provider's batch API."""

    async def run_batch(self, work: list[WorkItem], *, wait: bool, poll_s: float = 30.0) -> BatchRun:
        self.price_factor = BATCH_DISCOUNT
        self.result.planned = len(work)
        run = BatchRun(self.result)
        self._start_run(work)
        try:
            fresh = {item.prompt_hash: item for item in self._reuse_cached(work)}
            pending = await self._collect(fresh, run)
            todo = self._within_budget({h: item for h, item in fresh.items() if h not in pending})
            if todo:
                try:
                    batch_id = await self.judge.submit_batch({h: item.request.prompt for h, item in todo.items()})
                except (TransientError, PermanentError) as exc:
                    raise JudgeError(
                        f"{self.judge.spec}: could not submit a batch ({exc}); nothing was submitted, "
                        "run again to retry"
                    ) from exc
                self._remember(batch_id, list(todo))
                run.submitted.append(batch_id)
            while wait and (run.submitted or run.running):
                await asyncio.sleep(poll_s)
                run.running = []
                await self._collect(fresh, run)
                if not run.running:
                    break
        finally:
            self.writer.close()
            if (run.running or (run.submitted and not wait)) and self.result.stopped != "budget":
                self.result.stopped = "batch running"  # batches_running / batches_submitted say which either way
            self._finish_run()
            await self.judge.aclose()
        return run

    async def _collect(self, fresh: dict[str, WorkItem], run: BatchRun) -> set[str]:
        """Write the judgments of every ended batch of this judge; the prompt hashes still in flight."""
        in_flight: set[str] = set()
        for batch_id, hashes in batches_in_flight(self.store, self.judge.spec):
            try:
                status = await self.judge.batch_status(batch_id)
            except (TransientError, PermanentError):
                status = "running"  # cannot tell now: try again next run
            if status == "running":
                in_flight.update(hashes)
                run.running.append(batch_id)
                continue
            results = await self.judge.batch_results(batch_id) if status == "ended" else {}
            self._record_results(fresh, results, hashes)
            self._close(batch_id, status)
            (run.collected if status == "ended" else run.failed).append(batch_id)
        return in_flight

    def _within_budget(self, todo: dict[str, WorkItem]) -> dict[str, WorkItem]:
        """The first items of TODO whose estimated cost (at the batch price) fits --budget-usd; marks a stop."""
        if self.budget_usd is None:
            return todo
        kept, spent = {}, self.result.cost_usd  # results collected in this run count against the budget
        for prompt_hash, item in todo.items():
            estimate = cost_usd(self.judge.spec, self.config, estimate_tokens(item.request.prompt), 1) * BATCH_DISCOUNT
            if spent + estimate > self.budget_usd:
                self.result.stopped = "budget"
                break
            kept[prompt_hash] = item
            spent += estimate
        return kept

    def _record_results(
        self, fresh: dict[str, WorkItem], results: dict[str, JudgeReply | str], hashes: list[str]
    ) -> None:
        for prompt_hash in hashes:
            item = fresh.pop(prompt_hash, None)
            if item is None:  # judged meanwhile (another run, or live)
                continue
            reply = results.get(prompt_hash)
            twins = self._followers.pop(prompt_hash, [])
            if isinstance(reply, JudgeReply):
                # a garbled reply is that item's alone: the others with its prompt wait for a run that asks again
                self._record(item, reply, None, [] if verdict(reply).status == "unparseable" else twins)
            else:
                self._record(item, None, reply or "missing from the batch's results", twins)
            self.progress(1)

    def _remember(self, batch_id: str, hashes: list[str]) -> None:
        record_batch(self.store, batch_id, self.judge.spec, hashes)

    def _close(self, batch_id: str, status: str) -> None:
        close_batch(self.store, batch_id, status)
