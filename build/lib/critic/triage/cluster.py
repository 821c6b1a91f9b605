"""Group the worst interactions into problems, each meant to be one root cause.

An interaction is placed by what its output says (a sentence embedding), where it happened
(feature, model, prompt version, finish reason) and which labeling sources called it bad — a
root cause shows in all three. Average-linkage agglomerative clustering on cosine distance
with a fixed threshold keeps the number of clusters free and the result deterministic.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from critic.triage.embed import Embeddings, embed

CONTEXT_FIELDS = ("feature", "model", "prompt_version", "finish_reason")
CONTEXT_WEIGHT = 1.0  # how far apart two outputs in different places are pushed
SOURCE_WEIGHT = 0.5  # how far apart outputs flagged by different sources are pushed
DISTANCE = 0.5  # cosine distance at which two groups stop merging
MIN_SIZE = 2  # smaller groups go to 'unclustered'
LIFT_FIELDS = ("feature", "model", "prompt_version")


@dataclass
class Member:
    """One bad interaction as the clustering sees it."""

    id: str
    p_bad: float
    severity: float  # lowest critic score, 8 when unjudged: ties in P(bad) go to the worse score
    output: str
    sources: list[str]
    context: dict[str, str | None]


@dataclass
class Cluster:
    """A group of members, with its name, centroid (text embedding only) and what it over-represents."""

    members: list[Member]
    centroid: np.ndarray
    name: str = ""
    lift: dict[str, dict[str, float]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)

    @property
    def expected_bad(self) -> float:
        return float(sum(m.p_bad for m in self.members))

    @cached_property
    def profile(self) -> dict[str, float]:
        """Where the cluster lives and what flagged it, as unit-length weights over 'field=value' and sources."""
        counts = Counter(f"{k}={v}" for m in self.members for k, v in m.context.items())
        counts.update(f"source={s}" for m in self.members for s in m.sources)
        norm = float(np.sqrt(sum(n * n for n in counts.values()))) or 1.0
        return {k: n / norm for k, n in sorted(counts.items())}


def cluster_members(members: list[Member]) -> tuple[list[Cluster], list[Member], Embeddings]:
    """(clusters worst first, the unclustered rest, the embeddings used) for MEMBERS."""
    if not members:
        return [], [], Embeddings(np.zeros((0, 0), np.float32), "none")
    embedded = embed([m.output or "(empty output)" for m in members])
    labels = _agglomerate(_features(members, embedded.vectors))
    clusters, rest = [], []
    for label, count in Counter(labels).items():
        idx = [i for i, lab in enumerate(labels) if lab == label]
        group = [members[i] for i in idx]
        if count < MIN_SIZE:
            rest.extend(group)
            continue
        centroid = embedded.vectors[idx].mean(axis=0)
        clusters.append(Cluster(group, centroid / max(float(np.linalg.norm(centroid)), 1e-9)))
    clusters.sort(key=lambda c: (-c.expected_bad, min(m.id for m in c.members)))
    for c in clusters:
        c.members.sort(key=lambda m: (-m.p_bad, m.severity, m.id))
        c.sources = dict(Counter(s for m in c.members for s in m.sources).most_common())
    _name(clusters, members)
    return clusters, rest, embedded


def lift(cluster_counts: Counter[str], base_counts: Counter[str], min_members: int = 2) -> dict[str, float]:
    """Values over-represented in a cluster: share in the cluster / share in the base, ≥ 1.5, worst first."""
    size, base = sum(cluster_counts.values()), sum(base_counts.values())
    found = {}
    for value, n in cluster_counts.items():
        if n < min_members or not base_counts.get(value):
            continue
        ratio = (n / size) / (base_counts[value] / base)
        if ratio >= 1.5:
            found[value] = round(ratio, 2)
    return dict(sorted(found.items(), key=lambda kv: -kv[1]))


def _features(members: list[Member], text: np.ndarray) -> np.ndarray:
    context = np.hstack([_one_hot([m.context.get(f) for m in members]) for f in CONTEXT_FIELDS])
    context /= np.sqrt(len(CONTEXT_FIELDS))
    sources = _multi_hot([m.sources for m in members])
    sources /= np.maximum(np.linalg.norm(sources, axis=1, keepdims=True), 1e-9)
    joined = np.hstack([text, CONTEXT_WEIGHT * context, SOURCE_WEIGHT * sources])
    return joined / np.linalg.norm(joined, axis=1, keepdims=True)


def _agglomerate(features: np.ndarray) -> list[int]:
    if len(features) < 2:
        return [0] * len(features)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, distance_threshold=DISTANCE, metric="cosine", linkage="average")
    return [int(x) for x in model.fit_predict(features)]


def _one_hot(values: list[Any]) -> np.ndarray:
    keys = sorted({str(v) for v in values})
    return np.array([[1.0 if str(v) == k else 0.0 for k in keys] for v in values], dtype=np.float32)


def _multi_hot(sets: list[list[str]]) -> np.ndarray:
    keys = sorted({s for group in sets for s in group}) or ["-"]
    return np.array([[1.0 if k in group else 0.0 for k in keys] for group in sets], dtype=np.float32)


def _name(clusters: list[Cluster], members: list[Member]) -> None:
    """Name each cluster by its most distinctive words: class-based TF-IDF against all the worst outputs."""
    if not clusters:
        return
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [" ".join(_words(m.output) for m in c.members) for c in clusters]
    vectorizer = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b", min_df=1)
    try:
        counts = vectorizer.fit_transform(docs).toarray().astype(float)
    except ValueError:  # no words at all (empty or numeric outputs)
        for c in clusters:
            c.name = _fallback_name(c)
        return
    terms = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + counts.sum() / np.maximum(counts.sum(axis=0), 1))
    scores = tf * idf
    for c, row in zip(clusters, scores):
        top = [terms[j] for j in np.argsort(-row)[:3] if row[j] > 0]
        c.name = " · ".join(top) if top else _fallback_name(c)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").lower()


def _fallback_name(c: Cluster) -> str:
    return next(iter(c.sources), "unnamed")


def parse_sources(raw: str | None) -> list[str]:
    return json.loads(raw) if raw else []
