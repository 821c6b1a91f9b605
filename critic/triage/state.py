"""Triage state across weeks: stable cluster keys (matched by centroid), statuses, regressions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from critic.errors import ConfigError
from critic.store import Store
from critic.triage import STATUSES
from critic.triage.cluster import Cluster

MATCH = 0.8  # similarity (text centroid and profile, averaged) at which a cluster is a known problem


@dataclass(frozen=True)
class ClusterState:
    """What the store knows about a cluster: its key, status, note, and whether a fixed problem came back."""

    key: str
    status: str
    note: str | None
    first_week: str
    regression: bool


def assign_state(store: Store, clusters: list[Cluster], week: str, clustered: int) -> list[ClusterState]:
    """Match CLUSTERS to known ones (greedy, most similar first), create the rest, record this week."""
    known = store.con.execute(
        "SELECT key, status, note, centroid, first_week, fixed_week, profile FROM triage_clusters "
        "WHERE centroid IS NOT NULL ORDER BY key").fetchall()
    matches = _match(clusters, [(np.array(k[3], dtype=np.float32), json.loads(k[6] or "{}")) for k in known])
    states = []
    with store.transaction() as con:
        for i, cluster in enumerate(clusters):
            if i in matches:
                key, status, note, _, first, fixed_week, _ = known[matches[i]]
                regression = status == "fixed" and (fixed_week is None or week > fixed_week)
                state = ClusterState(key, status, note, first, regression)
            else:
                state = ClusterState(_new_key(cluster, week), "open", None, week, False)
            con.execute(
                "INSERT OR REPLACE INTO triage_clusters (key, name, status, note, centroid, first_week, last_week, "
                "updated_at, fixed_week, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                "(SELECT fixed_week FROM triage_clusters WHERE key = ?), ?)",
                [state.key, cluster.name, state.status, state.note, cluster.centroid.tolist(), state.first_week,
                 week, datetime.now(UTC), state.key, json.dumps(cluster.profile)])
            con.execute("INSERT OR REPLACE INTO triage_weeks VALUES (?, ?, ?, ?)",
                        [state.key, week, len(cluster.members), len(cluster.members) / max(clustered, 1)])
            states.append(state)
    return states


def mark(store: Store, key: str, status: str, note: str | None, week: str | None) -> ClusterState:
    """Set a cluster's triage STATUS (and NOTE); a 'fixed' mark remembers the week it was fixed in."""
    if status not in STATUSES:
        raise ConfigError(f"status {status!r}: use one of {', '.join(STATUSES)}")
    row = store.con.execute("SELECT key, note, first_week, last_week FROM triage_clusters WHERE key = ?",
                            [key]).fetchone()
    if row is None:
        known = [r[0] for r in store.con.execute("SELECT key FROM triage_clusters ORDER BY key").fetchall()]
        hint = f"known keys: {', '.join(known[:10])}" if known else "run `critic triage` first"
        raise ConfigError(f"no triage cluster {key!r}; {hint}")
    new_note = note if note is not None else row[1]
    fixed_week = (week or row[3]) if status == "fixed" else None
    with store.transaction() as con:
        con.execute("UPDATE triage_clusters SET status = ?, note = ?, fixed_week = ?, updated_at = ? WHERE key = ?",
                    [status, new_note, fixed_week, datetime.now(UTC), key])
    return ClusterState(key, status, new_note, row[2], False)


def similarity(cluster: Cluster, centroid: np.ndarray, profile: dict[str, float]) -> float:
    """How alike a cluster and a known problem are: the mean of text-centroid and profile cosines."""
    text = float(cluster.centroid @ centroid) if cluster.centroid.shape == centroid.shape else 0.0
    where = sum(w * profile.get(k, 0.0) for k, w in cluster.profile.items())
    return (text + where) / 2


def _match(new: list[Cluster], old: list[tuple[np.ndarray, dict[str, float]]]) -> dict[int, int]:
    """{new index: old index} for pairs at similarity ≥ MATCH, each side used once, most similar first."""
    scored = ((similarity(c, *o), i, j) for i, c in enumerate(new) for j, o in enumerate(old))
    pairs = sorted((p for p in scored if p[0] >= MATCH), reverse=True)
    taken_new, taken_old, found = set(), set(), {}
    for _, i, j in pairs:
        if i not in taken_new and j not in taken_old:
            found[i] = j
            taken_new.add(i)
            taken_old.add(j)
    return found


def _new_key(cluster: Cluster, week: str) -> str:
    digest = hashlib.sha256((week + "|" + ",".join(sorted(m.id for m in cluster.members))).encode()).hexdigest()
    return "C" + digest[:7]
