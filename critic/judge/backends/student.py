"""`student:NAME`: a student critic distilled by `critic distill`, read from the store; milliseconds per item.

Its canonical spec carries the version (`student:NAME@VERSION`), so retraining a student never
mixes its judgments with the previous version's; `student:NAME` means the latest version.
"""

from __future__ import annotations

import time

from critic.distill.features import FeatureCache
from critic.distill.train import load_student
from critic.errors import JudgeError
from critic.judge.backends.base import Judge, PermanentError
from critic.judge.records import JudgeReply, JudgeRequest
from critic.rubrics import Rubric
from critic.store import Store


class StudentJudge(Judge):
    """Judges with a stored student: features of the interaction → an expected label and its spread."""

    def __init__(self, model: str | None, *, base_url: str | None = None, timeout_s: float = 60.0,
                 store: Store | None = None) -> None:
        if store is None:
            raise JudgeError(f"student:{model} lives in a store: give the --db it was trained in")
        name, _, version = (model or "").partition("@")
        self.student = load_student(store, name, version or None)
        self.spec = self.student.spec
        self.model = name
        self.features = FeatureCache()

    def prepare(self, requests: list[JudgeRequest]) -> None:
        self.features.prepare([r.fields for r in requests if not self.unsupported(r.rubric)])

    def unsupported(self, rubric: Rubric) -> str | None:
        if rubric.name == self.student.rubric:
            return None
        return f"student {self.model} was trained for rubric {self.student.rubric!r}, not {rubric.name!r}"

    async def judge(self, request: JudgeRequest) -> JudgeReply:
        started = time.perf_counter()
        why = self.unsupported(request.rubric)
        if why:
            raise PermanentError(why)
        probs = self.student.distribution(self.features.get(request.fields))
        label = max(probs, key=lambda k: probs[k])
        return JudgeReply(text=str(label), probs=probs, input_tokens=0, output_tokens=0,
                          latency_ms=(time.perf_counter() - started) * 1000, method="student")
