"""`critic triage`: the weekly terrible-experience report, built as data (the JSON contract) first."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from critic.config import Config
from critic.embed import embed
from critic.errors import ConfigError
from critic.store import Store
from critic.store.labels import labelled_count
from critic.store.review import gold
from critic.store.triage import (
    Example,
    examples,
    interaction_counts,
    likely_bad_ids,
    likely_bad_sample,
    shown_scores,
    worst_interactions,
)
from critic.triage import MAX_CLUSTERED, sections
from critic.triage.cluster import (
    CONTEXT_FIELDS,
    LIFT_FIELDS,
    Cluster,
    Member,
    cluster_members,
    lift,
    parse_sources,
)
from critic.triage.period import Period
from critic.triage.redact import redact, redact_tree
from critic.triage.signature import is_weak, signatures
from critic.triage.state import assign_state

EXAMPLES = 5
TREND_SIMILARITY = 0.75  # a last-period bad interaction counts toward the cluster whose centroid is this close


def build_report(
    store: Store,
    config: Config,
    period: Period,
    *,
    top: int = 20,
    max_clustered: int = MAX_CLUSTERED,
    redact_pii: bool = True,
) -> dict[str, Any]:
    """The report for PERIOD as a JSON-ready dict; records cluster state for `critic triage mark`."""
    if not labelled_count(store):
        raise ConfigError("the store has no labels; run `critic label` before `critic triage`")
    previous = period.previous()
    text = redact if redact_pii else (lambda s: s)
    members, bad_total = worst_members(store, period, max_clustered, text)
    clusters, unclustered, embedded = cluster_members(members)
    beyond = _beyond_sample(store, period, members, bad_total)
    _add_lift(store, period, clusters)
    states = assign_state(store, clusters, period.label, len(members))
    trend = _previous_counts(store, previous, clusters, max_clustered, text)
    daily = sections.daily(store, period)
    report = {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
            "previous": previous.label,
        },
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "redacted": redact_pii,
        "headline": sections.with_change(sections.headline(store, period), sections.headline(store, previous)),
        "clustering": {
            "method": embedded.method,
            "note": embedded.note,
            "clustered": len(members),
            "likely_bad": bad_total,
            "sampled": len(members) < bad_total,
            "unclustered": len(unclustered),
            "grouping": "failure signature first, then topic",
        },
        "clusters": [
            _cluster_json(store, c, s, len(members), bad_total, before, beyond.get(c.signature, []))
            for c, s, before in zip(clusters, states, trend, strict=True)
        ],
        "unclustered": [
            {
                "id": m.id,
                "p_bad": round(m.p_bad, 4),
                "signature": m.signature,
                "sources": m.sources,
                "output": m.output[:300],  # redacted already (worst_members)
            }
            for m in unclustered
        ],
        "unassigned_ids": [
            i
            for sig, ids in beyond.items()
            for i in ids  # beyond the sample, in no problem
            if is_weak(sig) or sig not in {c.signature for c in clusters}
        ],
        "worst": _worst(
            worst_interactions(store, period.start, period.end, top), clusters, [s.key for s in states], text
        ),
        "daily": daily,
        "judges": sections.judges(store, period),
        "scores": sections.score_histogram(store, period),
        "latency": sections.latency(store, period, daily),
        "cost": sections.cost(store, period, config),
        "sources": sections.sources(store),
        "review": sections.review(store, period),
        "security": sections.security(store, period, text),
    }
    _mark_reviewed(report, gold(store))
    # Strings cut short above were redacted before the cut (no half-redacted card number); this pass
    # redacts every string of the report once, ids, names, inputs, outputs and keys included.
    return redact_tree(report) if redact_pii else report


def worst_members(
    store: Store, period: Period, limit: int, text: Callable[[str], str | None] = lambda s: s
) -> tuple[list[Member], int]:
    """(the likely-bad interactions of PERIOD to cluster, worst first; how many are likely bad in all).

    Up to LIMIT, that is all of them; beyond, a seeded uniform sample of LIMIT, so each cluster's
    share of the sample estimates its share of the period's bad (taking the top LIMIT instead
    would keep only the strongest-signalled failure mode when thousands tie at P(bad) ≈ 1).
    Outputs pass through TEXT (the redactor) first: problems are clustered and named from what the report may show.
    """
    rows, total = likely_bad_sample(store, period.start, period.end, limit, CONTEXT_FIELDS)
    found = signatures(store, [r.id for r in rows], period.start, period.end)
    members = [
        Member(
            r.id, r.p_bad, r.severity, text(r.output or "") or "", parse_sources(r.sources_bad), r.context, found[r.id]
        )
        for r in rows
    ]
    members.sort(key=lambda m: (-m.p_bad, m.severity, m.id))
    return members, total


def _beyond_sample(store: Store, period: Period, members: list[Member], bad_total: int) -> dict[str, list[str]]:
    """{signature: ids} of the period's likely-bad interactions that were not in the clustered sample."""
    if len(members) >= bad_total:
        return {}
    seen = {m.id for m in members}
    ids = [i for i in likely_bad_ids(store, period.start, period.end) if i not in seen]
    out: dict[str, list[str]] = {}
    for iid, signature in signatures(store, ids, period.start, period.end).items():
        out.setdefault(signature, []).append(iid)
    return out


def _add_lift(store: Store, period: Period, clusters: list[Cluster]) -> None:
    for dim in LIFT_FIELDS:
        base = Counter(interaction_counts(store, period.start, period.end, dim))
        for c in clusters:
            c.lift[dim] = lift(Counter(m.context.get(dim) or "(none)" for m in c.members), base)


def _previous_counts(
    store: Store, previous: Period, clusters: list[Cluster], limit: int, text: Callable[[str], str | None]
) -> list[int]:
    """For each cluster, how many of last period's likely-bad interactions resemble it (nearest centroid)."""
    counts = [0] * len(clusters)
    members, _ = worst_members(store, previous, limit, text)
    if not clusters or not members:
        return counts
    vectors = embed([m.output or "(empty output)" for m in members]).vectors
    if vectors.shape[1] != clusters[0].centroid.shape[0]:  # TF-IDF vocabularies differ between periods
        return counts
    sims = vectors @ np.stack([c.centroid for c in clusters]).T
    for row in sims:
        best = int(np.argmax(row))
        if row[best] >= TREND_SIMILARITY:
            counts[best] += 1
    return counts


def _cluster_json(
    store: Store, cluster: Cluster, state: Any, clustered: int, bad_total: int, previous: int, beyond: list[str]
) -> dict[str, Any]:
    """One problem; with a sampled period, size counts the sample and estimated_size scales it up.

    A signature problem also lists the likely-bad interactions beyond the sample with its signature.
    """
    size = len(cluster.members)
    extra = beyond if not is_weak(cluster.signature) else []
    return {
        "key": state.key,
        "name": cluster.name,
        "signature": cluster.signature,
        "size": size,
        "topics": [_topic_json(t) for t in cluster.topics],
        "estimated_size": round(size * bad_total / max(clustered, 1)),
        "share_bad": round(size / max(clustered, 1), 4),
        "expected_bad": round(cluster.expected_bad, 2),
        "mean_p_bad": round(cluster.expected_bad / size, 4),
        "status": state.status,
        "note": state.note,
        "first_week": state.first_week,
        "regression": state.regression,
        "trend": {"previous": previous, "current": size, "change": size - previous},
        "lift": cluster.lift,
        "sources": cluster.sources,
        "interaction_ids": [m.id for m in cluster.members] + list(extra),
        "examples": _examples(store, cluster.members[:EXAMPLES]),
    }


def _topic_json(topic: dict[str, Any]) -> dict[str, Any]:
    """A topic of a problem: its name, size and its three commonest features."""
    features = Counter(m.context.get("feature") or "(none)" for m in topic["members"])
    return {"name": topic["name"], "size": len(topic["members"]), "features": dict(features.most_common(3))}


def _examples(store: Store, members: list[Member]) -> list[dict[str, Any]]:
    ids = [m.id for m in members]
    rows, scores = examples(store, ids), shown_scores(store, ids)
    return [_example(m, rows[m.id], scores.get(m.id, {})) for m in members]


def _example(member: Member, row: Example, scores: dict[str, float]) -> dict[str, Any]:
    """One example: its last user turn (else its input), output, context and shown scores."""
    turns = user_turns(row.messages)
    return {
        "id": member.id,
        "p_bad": round(member.p_bad, 4),
        "input": turns[-1] if turns else row.input,
        "turns": len(turns),
        "output": row.output,
        "feature": row.feature,
        "model": row.model,
        "prompt_version": row.prompt_version,
        "latency_ms": row.latency_ms,
        "scores": {rubric: round(v, 2) for rubric, v in scores.items()},
        "sources": member.sources,
    }


def user_turns(messages: str | None) -> list[str]:
    """The user's turns of a logged chat (messages JSON), oldest first; text parts only, others as [image] etc."""
    try:
        parsed = json.loads(messages) if messages else []
    except json.JSONDecodeError:
        return []
    turns = []
    for m in parsed if isinstance(parsed, list) else []:
        if isinstance(m, dict) and m.get("role") == "user":
            content = m.get("content")
            if isinstance(content, list):
                content = " ".join(
                    p.get("text", "") if p.get("type") == "text" else f"[{p.get('type', 'part')}]"
                    for p in content
                    if isinstance(p, dict)
                )
            turns.append(str(content or ""))
    return turns


def _worst(rows: list[tuple[Any, ...]], clusters: list[Cluster], keys: list[str], text: Any) -> list[dict[str, Any]]:
    where = {m.id: key for c, key in zip(clusters, keys, strict=True) for m in c.members}
    return [
        {
            "id": iid,
            "p_bad": round(float(p), 4),
            "cluster": where.get(iid),
            "sources": parse_sources(src),
            "feature": feature,
            "model": model,
            "output": (text(output) or "")[:300],
        }
        for iid, p, src, feature, model, output in rows
    ]


def _mark_reviewed(report: dict[str, Any], verdicts: dict[str, str]) -> None:
    """Each listed interaction carries its reviewer's verdict ('bad', 'ok', or None when nobody reviewed it)."""
    listed = report["worst"] + report["unclustered"] + [e for c in report["clusters"] for e in c["examples"]]
    for entry in listed:
        entry["verdict"] = verdicts.get(entry["id"])


def dumps(report: dict[str, Any]) -> str:
    """The report as JSON; a number that is not finite is written as null, never as a bare NaN."""
    return json.dumps(_finite(report), indent=2, default=str, ensure_ascii=False, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
