"""`critic triage`: the weekly terrible-experience report, built as data (the JSON contract) first."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import numpy as np

from critic.config import Config
from critic.embed import embed
from critic.errors import ConfigError
from critic.store import Store
from critic.store.views import LIKELY_BAD_ABOVE, shown_judgments
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
# Each interaction's lowest critic score (s.lowest): ties in P(bad) go to the worse-scored.
LOWEST_SCORE = (f"LEFT JOIN (SELECT interaction_id, min(expected) AS lowest FROM {shown_judgments()} "
                "GROUP BY interaction_id) s ON s.interaction_id = i.id")
TREND_SIMILARITY = 0.75  # a last-period bad interaction counts toward the cluster whose centroid is this close


def build_report(store: Store, config: Config, period: Period, *, top: int = 20,
                 max_clustered: int = MAX_CLUSTERED, redact_pii: bool = True) -> dict[str, Any]:
    """The report for PERIOD as a JSON-ready dict; records cluster state for `critic triage mark`."""
    if not (store.con.execute("SELECT count(*) FROM labels").fetchone() or [0])[0]:
        raise ConfigError("the store has no labels; run `critic label` before `critic triage`")
    previous = period.previous()
    members, bad_total = worst_members(store, period, max_clustered)
    clusters, unclustered, embedded = cluster_members(members)
    beyond = _beyond_sample(store, period, members, bad_total)
    _add_lift(store, period, clusters)
    states = assign_state(store, clusters, period.label, len(members))
    trend = _previous_counts(store, previous, clusters, max_clustered)
    text = redact if redact_pii else (lambda s: s)
    daily = sections.daily(store, period)
    report = {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label,
                   "previous": previous.label},
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "redacted": redact_pii,
        "headline": sections.with_change(sections.headline(store, period), sections.headline(store, previous)),
        "clustering": {"method": embedded.method, "note": embedded.note, "clustered": len(members),
                       "likely_bad": bad_total, "sampled": len(members) < bad_total, "unclustered": len(unclustered),
                       "grouping": "failure signature first, then topic"},
        "clusters": [_cluster_json(store, c, s, len(members), bad_total, before, beyond.get(c.signature, []))
                     for c, s, before in zip(clusters, states, trend)],
        "unclustered": [{"id": m.id, "p_bad": round(m.p_bad, 4), "signature": m.signature,
                         "sources": m.sources, "output": (text(m.output) or "")[:300]} for m in unclustered],
        "unassigned_ids": [i for sig, ids in beyond.items() for i in ids   # beyond the sample, in no problem
                           if is_weak(sig) or sig not in {c.signature for c in clusters}],
        "worst": _worst(worst_list(store, period, top), clusters, [s.key for s in states], text),
        "daily": daily,
        "scores": sections.score_histogram(store, period),
        "latency": sections.latency(store, period, daily),
        "cost": sections.cost(store, period, config),
        "sources": sections.sources(store),
    }
    # Strings cut short above were redacted before the cut (no half-redacted card number); this pass
    # redacts every string of the report once, ids, names, inputs, outputs and keys included.
    return redact_tree(report) if redact_pii else report


def worst_members(store: Store, period: Period, limit: int) -> tuple[list[Member], int]:
    """(the likely-bad interactions of PERIOD to cluster, worst first; how many are likely bad in all).

    Up to LIMIT, that is all of them; beyond, a seeded uniform sample of LIMIT, so each cluster's
    share of the sample estimates its share of the period's bad (taking the top LIMIT instead
    would keep only the strongest-signalled failure mode when thousands tie at P(bad) ≈ 1).
    """
    rows = store.con.execute(
        f"""
        WITH bad AS (
            SELECT i.id, l.p_bad, coalesce(s.lowest, 8) AS severity, i.output, l.sources_bad,
                   {", ".join(f"i.{f}" for f in CONTEXT_FIELDS)}
            FROM labels l JOIN interactions i ON i.id = l.interaction_id
            {LOWEST_SCORE}
            WHERE i.ts >= ? AND i.ts < ? AND l.p_bad > ?)
        SELECT *, (SELECT count(*) FROM bad) FROM bad ORDER BY hash(id), id LIMIT ?
        """, [period.start, period.end, LIKELY_BAD_ABOVE, limit]).fetchall()
    found = signatures(store, [r[0] for r in rows], period.start, period.end)
    members = [Member(r[0], float(r[1]), float(r[2]), r[3] or "", parse_sources(r[4]), dict(zip(CONTEXT_FIELDS, r[5:9])),
                      found[r[0]]) for r in rows]
    members.sort(key=lambda m: (-m.p_bad, m.severity, m.id))
    return members, rows[0][9] if rows else 0


def _beyond_sample(store: Store, period: Period, members: list[Member], bad_total: int) -> dict[str, list[str]]:
    """{signature: ids} of the period's likely-bad interactions that were not in the clustered sample."""
    if len(members) >= bad_total:
        return {}
    seen = {m.id for m in members}
    ids = [r[0] for r in store.con.execute(
        "SELECT l.interaction_id FROM labels l JOIN interactions i ON i.id = l.interaction_id "
        "WHERE i.ts >= ? AND i.ts < ? AND l.p_bad > ? ORDER BY 1", [period.start, period.end, LIKELY_BAD_ABOVE]).fetchall()
        if r[0] not in seen]
    out: dict[str, list[str]] = {}
    for iid, signature in signatures(store, ids, period.start, period.end).items():
        out.setdefault(signature, []).append(iid)
    return out


def worst_list(store: Store, period: Period, top: int) -> list[tuple[str, float, str, str | None, str | None, str]]:
    """The TOP worst interactions of PERIOD: (id, P(bad), sources_bad, feature, model, output)."""
    return store.con.execute(
        f"""
        SELECT i.id, l.p_bad, l.sources_bad, i.feature, i.model, i.output
        FROM labels l JOIN interactions i ON i.id = l.interaction_id
        {LOWEST_SCORE}
        WHERE i.ts >= ? AND i.ts < ? AND l.p_bad > ?
        ORDER BY l.p_bad DESC, coalesce(s.lowest, 8), i.id LIMIT ?
        """, [period.start, period.end, LIKELY_BAD_ABOVE, top]).fetchall()


def _add_lift(store: Store, period: Period, clusters: list[Cluster]) -> None:
    for dim in LIFT_FIELDS:
        base = Counter({v: n for v, n in store.con.execute(
            f"SELECT coalesce({dim}, '(none)'), count(*) FROM interactions WHERE ts >= ? AND ts < ? GROUP BY 1",
            [period.start, period.end]).fetchall()})
        for c in clusters:
            c.lift[dim] = lift(Counter(m.context.get(dim) or "(none)" for m in c.members), base)


def _previous_counts(store: Store, previous: Period, clusters: list[Cluster], limit: int) -> list[int]:
    """For each cluster, how many of last period's likely-bad interactions resemble it (nearest centroid)."""
    counts = [0] * len(clusters)
    members, _ = worst_members(store, previous, limit)
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


def _cluster_json(store: Store, cluster: Cluster, state: Any, clustered: int, bad_total: int, previous: int,
                  beyond: list[str]) -> dict[str, Any]:
    """One problem; with a sampled period, size counts the sample and estimated_size scales it up.

    A signature problem also lists the likely-bad interactions beyond the sample with its signature.
    """
    size = len(cluster.members)
    extra = beyond if not is_weak(cluster.signature) else []
    return {
        "key": state.key, "name": cluster.name, "signature": cluster.signature, "size": size,
        "topics": [{"name": t["name"], "size": len(t["members"]),
                    "features": dict(Counter(m.context.get("feature") or "(none)" for m in t["members"]).most_common(3))}
                   for t in cluster.topics],
        "estimated_size": round(size * bad_total / max(clustered, 1)),
        "share_bad": round(size / max(clustered, 1), 4), "expected_bad": round(cluster.expected_bad, 2),
        "mean_p_bad": round(cluster.expected_bad / size, 4),
        "status": state.status, "note": state.note, "first_week": state.first_week, "regression": state.regression,
        "trend": {"previous": previous, "current": size, "change": size - previous},
        "lift": cluster.lift, "sources": cluster.sources,
        "interaction_ids": [m.id for m in cluster.members] + list(extra),
        "examples": _examples(store, cluster.members[:EXAMPLES]),
    }


def _examples(store: Store, members: list[Member]) -> list[dict[str, Any]]:
    ids = [m.id for m in members]
    rows = {r[0]: r for r in store.con.execute(
        "SELECT id, input, output, feature, model, prompt_version, latency_ms, messages FROM interactions WHERE id IN "
        "(SELECT unnest(?))", [ids]).fetchall()}
    scores: dict[str, dict[str, float]] = {}
    for iid, rubric, expected in store.con.execute(
            f"SELECT interaction_id, rubric, expected FROM {shown_judgments()} WHERE interaction_id IN (SELECT unnest(?))",
            [ids]).fetchall():
        scores.setdefault(iid, {})[rubric] = round(float(expected), 2)
    turns = {m.id: user_turns(rows[m.id][7]) for m in members}
    return [{"id": m.id, "p_bad": round(m.p_bad, 4), "input": turns[m.id][-1] if turns[m.id] else rows[m.id][1],
             "turns": len(turns[m.id]), "output": rows[m.id][2],
             "feature": rows[m.id][3], "model": rows[m.id][4], "prompt_version": rows[m.id][5],
             "latency_ms": rows[m.id][6], "scores": scores.get(m.id, {}), "sources": m.sources} for m in members]


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
                content = " ".join(p.get("text", "") if p.get("type") == "text" else f"[{p.get('type', 'part')}]"
                                   for p in content if isinstance(p, dict))
            turns.append(str(content or ""))
    return turns


def _worst(rows: list[tuple[Any, ...]], clusters: list[Cluster], keys: list[str], text: Any) -> list[dict[str, Any]]:
    where = {m.id: key for c, key in zip(clusters, keys) for m in c.members}
    return [{"id": iid, "p_bad": round(float(p), 4), "cluster": where.get(iid), "sources": parse_sources(src),
             "feature": feature, "model": model, "output": (text(output) or "")[:300]}
            for iid, p, src, feature, model, output in rows]


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
