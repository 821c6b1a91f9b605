"""Triage state across weeks: stable cluster keys (matched by centroid), statuses, regressions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from critic.errors import ConfigError
from critic.store import Store
from critic.store.triage import (
    ClusterWeek,
    cluster_keys,
    known_clusters,
    set_cluster_status,
    stored_cluster,
    write_cluster_weeks,
)
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
    known = known_clusters(store)
    matches = _match(clusters, [(k.centroid, k.profile) for k in known])
    states = []
    for i, cluster in enumerate(clusters):
        if i in matches:
            k = known[matches[i]]
            regression = k.status == "fixed" and (k.fixed_week is None or week > k.fixed_week)
            states.append(ClusterState(k.key, k.status, k.note, k.first_week, regression))
        else:
            states.append(ClusterState(_new_key(cluster, week), "open", None, week, False))
    write_cluster_weeks(
        store,
        week,
        [
            ClusterWeek(
                s.key,
                c.name,
                s.status,
                s.note,
                s.first_week,
                c.centroid,
                c.profile,
                len(c.members),
                len(c.members) / max(clustered, 1),
            )
            for c, s in zip(clusters, states, strict=True)
        ],
    )
    return states


def mark(store: Store, key: str, status: str, note: str | None, week: str | None) -> ClusterState:
    """Set a cluster's triage STATUS (and NOTE); a 'fixed' mark remembers the week it was fixed in."""
    if status not in STATUSES:
        raise ConfigError(f"status {status!r}: use one of {', '.join(STATUSES)}")
    found = stored_cluster(store, key)
    if found is None:
        known = cluster_keys(store)
        hint = f"known keys: {', '.join(known[:10])}" if known else "run `critic triage` first"
        raise ConfigError(f"no triage cluster {key!r}; {hint}")
    new_note = note if note is not None else found.note
    fixed_week = (week or found.last_week) if status == "fixed" else None
    set_cluster_status(store, key, status, new_note, fixed_week)
    return ClusterState(key, status, new_note, found.first_week, False)


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
