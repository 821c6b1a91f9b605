"""Group the worst interactions into problems, each meant to be one root cause.

First by failure signature (critic.triage.signature: what the evidence says is wrong), then by
what the output talks about: a signature is one problem with its topics listed inside, except
"user signals" (nothing but thumbs and behaviour), whose topics become separate problems.
Where it happened (feature, model, prompt version) does not split problems; it shows in each
problem's over-represented rows. Topics come from average-linkage agglomerative clustering of
sentence embeddings on cosine distance with a fixed threshold: the number of clusters is free
and the result deterministic.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from critic.embed import Embeddings, embed
from critic.triage.signature import USER_ONLY, is_weak, label

CONTEXT_FIELDS = ("feature", "model", "prompt_version", "finish_reason")
DISTANCE = 0.5  # cosine distance at which two topics stop merging
# "User signals" problems have no evidence of what went wrong, so where it happened and which
# signals fired are all that ties a complaint to a cause: they join the text there, and only there.
CONTEXT_WEIGHT = 1.0
SOURCE_WEIGHT = 0.5
DOMINANT = 0.6  # a feature holding this share of a problem is named with it
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
    signature: str = USER_ONLY


@dataclass
class Cluster:
    """A group of members, with its name, centroid (text embedding only) and what it over-represents."""

    members: list[Member]
    centroid: np.ndarray
    name: str = ""
    lift: dict[str, dict[str, float]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    signature: str = USER_ONLY
    topics: list[dict[str, Any]] = field(default_factory=list)

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
    """(problems worst first, the unclustered rest, the embeddings used) for MEMBERS, by signature, then topic."""
    if not members:
        return [], [], Embeddings(np.zeros((0, 0), np.float32), "none")
    embedded = embed([m.output or "(empty output)" for m in members])
    by_signature: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        by_signature.setdefault(m.signature, []).append(i)
    clusters: list[Cluster] = []
    rest: list[Member] = []
    for signature, idx in by_signature.items():
        if is_weak(signature):
            groups = [
                [idx[j] for j in t] for t in _topics(_with_context([members[i] for i in idx], embedded.vectors[idx]))
            ]
        else:
            topics, groups = _topics(embedded.vectors[idx]), [idx]
        for group in groups:
            if len(group) < MIN_SIZE:
                rest.extend(members[i] for i in group)
                continue
            centroid = embedded.vectors[group].mean(axis=0)
            cluster = Cluster(
                [members[i] for i in group], centroid / max(float(np.linalg.norm(centroid)), 1e-9), signature=signature
            )
            if not is_weak(signature):
                cluster.topics = [{"members": [members[idx[j]] for j in t]} for t in topics]
            clusters.append(cluster)
    # a problem with a named root cause before a weak group (a low score, user signals only); then by expected count
    clusters.sort(key=lambda c: (is_weak(c.signature), -c.expected_bad, min(m.id for m in c.members)))
    for c in clusters:
        c.members.sort(key=lambda m: (-m.p_bad, m.severity, m.id))
        c.sources = dict(Counter(s for m in c.members for s in m.sources).most_common())
    _name(clusters, members)
    return clusters, rest, embedded


def _with_context(members: list[Member], text: np.ndarray) -> np.ndarray:
    """Text joined with one-hot feature, model, prompt version and the sources that flagged it."""
    context = np.hstack([_one_hot([m.context.get(f) for m in members]) for f in LIFT_FIELDS]) / np.sqrt(
        len(LIFT_FIELDS)
    )
    sources = _one_hot_sets([m.sources for m in members])
    sources /= np.maximum(np.linalg.norm(sources, axis=1, keepdims=True), 1e-9)
    return np.hstack([text, CONTEXT_WEIGHT * context, SOURCE_WEIGHT * sources])


def _one_hot(values: list[Any]) -> np.ndarray:
    keys = sorted({str(v) for v in values})
    return np.array([[1.0 if str(v) == k else 0.0 for k in keys] for v in values], dtype=np.float32)


def _one_hot_sets(sets: list[list[str]]) -> np.ndarray:
    keys = sorted({s for group in sets for s in group}) or ["-"]
    return np.array([[1.0 if k in group else 0.0 for k in keys] for group in sets], dtype=np.float32)


def _topics(vectors: np.ndarray) -> list[list[int]]:
    """Indices grouped by topic (text embedding only), largest first."""
    labels = _agglomerate(vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9))
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


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


def _agglomerate(features: np.ndarray) -> list[int]:
    if len(features) < 2:
        return [0] * len(features)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, distance_threshold=DISTANCE, metric="cosine", linkage="average")
    return [int(x) for x in model.fit_predict(features)]


def _name(clusters: list[Cluster], members: list[Member]) -> None:
    """Name each problem by its signature and where it happens, then its words; its topics by their words."""
    words = _distinctive([[m.output for m in c.members] for c in clusters])
    for c, top in zip(clusters, words):
        features = Counter(m.context.get("feature") for m in c.members).most_common(1)
        where = (
            [str(features[0][0])] if features and features[0][0] and features[0][1] >= DOMINANT * len(c.members) else []
        )
        if c.signature == USER_ONLY:
            flagged = [s.split(":", 1)[-1] for s in list(c.sources)[:2]]
            head = USER_ONLY + (f" ({', '.join(flagged)})" if flagged else "")
        else:
            head = label(c.signature)
        c.name = " · ".join([head, *where, " ".join(top)] if top else [head, *where])
        if c.topics:
            for topic, tw in zip(c.topics, _distinctive([[m.output for m in t["members"]] for t in c.topics])):
                topic["name"] = " · ".join(tw) or "(no distinctive words)"


def _distinctive(docs: list[list[str]], top: int = 3) -> list[list[str]]:
    """The most distinctive words of each group of texts: class-based TF-IDF against all the groups."""
    if not docs:
        return []
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{3,}\b", min_df=1)
    try:
        counts = vectorizer.fit_transform([" ".join(_words(t) for t in d) for d in docs]).toarray().astype(float)
    except ValueError:  # no words at all (empty or numeric outputs)
        return [[] for _ in docs]
    terms = vectorizer.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + counts.sum() / np.maximum(counts.sum(axis=0), 1))
    return [[str(terms[j]) for j in np.argsort(-row)[:top] if row[j] > 0] for row in tf * idf]


def _words(text: str) -> str:
    """TEXT lower-cased for naming, without the redactor's placeholders ([EMAIL], [PHONE] …): they name no topic."""
    return re.sub(r"\s+", " ", _PLACEHOLDER.sub(" ", text or "")).lower()


_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


def parse_sources(raw: str | None) -> list[str]:
    return json.loads(raw) if raw else []
