"""`student:NAME`: a student critic distilled by `critic distill`, read from the store; milliseconds per item.

Its canonical spec carries the version (`student:NAME@VERSION`), so retraining a student never
mixes its judgments with the previous version's; `student:NAME` means the latest version.
"""

from __future__ import annotations

import time

from critic.errors import CriticError, JudgeError
from critic.judge.backends.base import Judge, PermanentError
from critic.judge.backends.student.features import FeatureCache
from critic.judge.backends.student.model import Student
from critic.judge.records import JudgeReply, JudgeRequest
from critic.rubrics import Rubric
from critic.store import Store
from critic.store.kept import student_model, student_names


class StudentJudge(Judge):
    """Judges with a stored student: features of the interaction → an expected label and its spread."""

    provider = "student"
    needs_store = True
    priced = False

    @classmethod
    def canonical(cls, model: str | None, store: Store | None = None) -> str:
        """student:NAME@VERSION of its latest version (or the one named)."""
        if store is None:
            raise JudgeError(f"student:{model} lives in a store: give the --db it was trained in")
        name, _, version = (model or "").partition("@")
        return load_student(store, name, version or None).spec

    def __init__(
        self, model: str | None, *, base_url: str | None = None, timeout_s: float = 60.0, store: Store | None = None
    ) -> None:
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
        return JudgeReply(
            text=str(label),
            probs=probs,
            input_tokens=0,
            output_tokens=0,
            latency_ms=(time.perf_counter() - started) * 1000,
            method="student",
        )


def load_student(store: Store, name: str, version: str | None = None) -> Student:
    """The student NAME (its latest version unless VERSION) from the store."""
    model = student_model(store, name, version)
    if model is None:
        known = student_names(store)
        raise CriticError(
            f"no student {name!r}{' version ' + version if version else ''} in {store.path} "
            f"(students: {', '.join(known) or 'none'}); train one with `critic distill --name {name}`"
        )
    return Student.from_json(model)
