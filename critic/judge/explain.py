"""A separate, explicit call that asks a judge to explain itself, for a person debugging a rubric."""

from __future__ import annotations

from critic.errors import CriticError, JudgeError
from critic.judge.backends.base import CannotExplain, Judge, PermanentError, TransientError
from critic.rubrics import Rubric
from critic.secrets import scrub
from critic.store import Store
from critic.store.judgments import interaction_fields, stored_judgments

ASK = (
    "\n\nDo not answer with a label yet. In at most five sentences, say which level of the scale fits the "
    "material best and why, quoting the parts that decide it. End with 'Label: N'."
)


async def explain(store: Store, interaction_id: str, rubric: Rubric, judge: Judge) -> str:
    """The stored judgments of one interaction for RUBRIC, then the judge's explanation."""
    fields = interaction_fields(store, interaction_id)
    if fields is None:
        raise CriticError(f"no interaction {interaction_id!r} in {store.path}; check the id (critic ingest first)")
    stored = stored_judgments(store, interaction_id, rubric.name)
    lines = [f"stored: {j} {v}: {s} label={lab} expected={e}" for j, v, s, lab, e in stored] or ["stored: none"]
    try:
        text = await judge.explain(rubric.render(fields) + ASK)
    except CannotExplain as exc:  # e.g. the embedded judge: the stored judgments still show
        text = f"no explanation: {exc}"
    except (PermanentError, TransientError) as exc:  # a failed call (a revoked key) is an error, not a text
        raise JudgeError(f"the explanation call to {judge.spec} failed: {scrub(str(exc))}") from exc
    finally:
        await judge.aclose()
    return "\n".join(lines + ["", text])
