# SPDX-License-Identifier: Apache-2.0
"""What `critic triage` reads and writes: a period's likely-bad interactions and figures, and cluster state.

Periods are [start, end) over the interactions' ts. "Likely bad" is critic.store.views.likely_bad (a verdict, else
P(bad) > LIKELY_BAD_ABOVE) and scores are the shown judgments (critic.store.views), as everywhere. A problem's
state across weeks lives in triage_clusters (key, status, note, centroid, profile) and triage_weeks (size per
week).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np

from critic.errors import CriticError
from critic.scale import BAD_AT_OR_BELOW
from critic.signals import BY_NAME
from critic.store import Store
from critic.store.signals import signals_sql
from critic.store.views import IN_PERIOD, LATEST_VERDICTS, likely_bad, shown_judgments

# Each interaction's lowest shown critic score (s.lowest): ties in P(bad) go to the worse-scored.
_LOWEST_SCORE = (
    f"LEFT JOIN (SELECT interaction_id, min(expected) AS lowest FROM {shown_judgments()} "
    "GROUP BY interaction_id) s ON s.interaction_id = i.id"
)
_LABELLED = (
    f"FROM labels l JOIN interactions i ON i.id = l.interaction_id LEFT JOIN {LATEST_VERDICTS} v "
    "ON v.interaction_id = l.interaction_id"
)
_LIKELY_BAD = f"i.ts >= ? AND i.ts < ? AND {likely_bad()}"  # a WHERE over _LABELLED; params: start, end
LATENCY_COLUMNS = ("feature", "model", "prompt_version", "input_decile")  # what latency_tail groups by


@dataclass(frozen=True)
class LikelyBad:
    """A likely-bad interaction of a period, as triage clusters it."""

    id: str
    p_bad: float
    severity: float  # its lowest shown critic score, 8 when unjudged
    output: str | None
    sources_bad: str | None  # JSON
    context: dict[str, Any]  # the interaction columns asked for


@dataclass(frozen=True)
class Example:
    """What the report shows of one interaction."""

    id: str
    input: str | None
    output: str | None
    feature: str | None
    model: str | None
    prompt_version: str | None
    latency_ms: float | None
    messages: str | None  # JSON


@dataclass(frozen=True)
class LatencyTail:
    """A period's latency: percentile rows per column, and the slowest 1% against the rest."""

    percentiles: dict[str, list[tuple[Any, int, float | None, float | None, float | None]]]  # value, n, p50, p90, p99
    slow: int  # interactions in the slowest 1%
    timed: int  # interactions with a latency
    shares: dict[str, list[tuple[Any, float, float]]]  # value, share of the slowest 1%, share of the rest


@dataclass(frozen=True)
class StoredCluster:
    """A triage cluster as the store keeps it."""

    key: str
    status: str
    note: str | None
    first_week: str
    last_week: str | None
    fixed_week: str | None
    centroid: np.ndarray  # float32, the text embedding's (empty when none is stored)
    profile: dict[str, float]


@dataclass(frozen=True)
class ClusterWeek:
    """One cluster as triaged in one week: what write_cluster_weeks records."""

    key: str
    name: str
    status: str
    note: str | None
    first_week: str
    centroid: np.ndarray
    profile: dict[str, float]
    size: int
    share_bad: float


def latest_ts(store: Store) -> datetime | None:
    """The ts of the newest interaction, or None when there is none."""
    row = store.con.execute("SELECT max(ts) FROM interactions").fetchone()
    return row[0] if row else None


def likely_bad_sample(
    store: Store, start: datetime, end: datetime, limit: int, context: tuple[str, ...]
) -> tuple[list[LikelyBad], int]:
    """(up to LIMIT likely-bad interactions of [START, END), a seeded sample in hash(id) order; how many in all).

    CONTEXT: the interaction columns each one carries.
    """
    columns = store.columns("interactions", context)
    rows = store.con.execute(
        f"""
        WITH bad AS (
            SELECT i.id, l.p_bad, coalesce(s.lowest, 8) AS severity, i.output, l.sources_bad,
                   {", ".join(f"i.{c}" for c in columns)}
            {_LABELLED} {_LOWEST_SCORE}
            WHERE {_LIKELY_BAD})
        SELECT *, (SELECT count(*) FROM bad) FROM bad ORDER BY hash(id), id LIMIT ?
        """,
        [start, end, limit],
    ).fetchall()
    found = [
        LikelyBad(r[0], float(r[1]), float(r[2]), r[3], r[4], dict(zip(columns, r[5:-1], strict=True))) for r in rows
    ]
    return found, rows[0][-1] if rows else 0


def likely_bad_ids(store: Store, start: datetime, end: datetime) -> list[str]:
    """The ids of the likely-bad interactions of [START, END), sorted."""
    return [
        r[0]
        for r in store.con.execute(
            f"SELECT l.interaction_id {_LABELLED} WHERE {_LIKELY_BAD} ORDER BY 1", [start, end]
        ).fetchall()
    ]


def worst_interactions(
    store: Store, start: datetime, end: datetime, top: int
) -> list[tuple[str, float, str, str | None, str | None, str]]:
    """The TOP worst likely-bad interactions of [START, END): (id, P(bad), sources_bad, feature, model, output).

    Worst: highest P(bad), then lowest shown score, then id.
    """
    return store.con.execute(
        f"""
        SELECT i.id, l.p_bad, l.sources_bad, i.feature, i.model, i.output
        {_LABELLED} {_LOWEST_SCORE}
        WHERE {_LIKELY_BAD}
        ORDER BY l.p_bad DESC, coalesce(s.lowest, 8), i.id LIMIT ?
        """,
        [start, end, top],
    ).fetchall()


@dataclass(frozen=True)
class SteeringAttempt:
    """An interaction of a period whose output tries to steer the judge (critic.signals, `manipulation`)."""

    id: str
    p_bad: float | None  # None when unlabelled
    verdict: str | None  # a reviewer's latest verdict
    feature: str | None
    model: str | None
    output: str


def steering_attempts(store: Store, start: datetime, end: datetime, limit: int) -> tuple[list[SteeringAttempt], int]:
    """(up to LIMIT interactions of [START, END) whose output tries to steer the judge, newest first; how many in
    all), whatever their P(bad): a security event, not a quality estimate."""
    manipulation = BY_NAME["manipulation"].sql
    rows = store.con.execute(
        f"""
        WITH hits AS MATERIALIZED (  -- the detector runs once per row, not once per use of the CTE
            SELECT i.id, i.ts, i.feature, i.model, i.output FROM interactions i
            WHERE i.ts >= ? AND i.ts < ? AND i.output IS NOT NULL AND {manipulation} > 0)
        SELECT h.id, l.p_bad, v.verdict, h.feature, h.model, h.output, (SELECT count(*) FROM hits)
        FROM hits h LEFT JOIN labels l ON l.interaction_id = h.id
        LEFT JOIN {LATEST_VERDICTS} v ON v.interaction_id = h.id
        ORDER BY h.ts DESC, h.id LIMIT ?
        """,
        [start, end, limit],
    ).fetchall()
    found = [SteeringAttempt(*r[:6]) for r in rows]
    return found, rows[0][-1] if rows else 0


def interaction_counts(store: Store, start: datetime, end: datetime, column: str) -> dict[str, int]:
    """{value of COLUMN ('(none)' for NULL): interactions} over the interactions of [START, END)."""
    (name,) = store.columns("interactions", (column,))
    return dict(
        store.con.execute(
            f"SELECT coalesce({name}, '(none)'), count(*) FROM interactions WHERE ts >= ? AND ts < ? GROUP BY 1",
            [start, end],
        ).fetchall()
    )


def examples(store: Store, ids: list[str]) -> dict[str, Example]:
    """{id: Example} for the interactions IDS that exist."""
    rows = store.con.execute(
        "SELECT id, input, output, feature, model, prompt_version, latency_ms, messages FROM interactions "
        "WHERE id IN (SELECT unnest(?))",
        [ids],
    ).fetchall()
    return {r[0]: Example(*r) for r in rows}


def shown_scores(store: Store, ids: list[str]) -> dict[str, dict[str, float]]:
    """{id: {rubric: expected score}} of the shown judgments of the interactions IDS."""
    scores: dict[str, dict[str, float]] = {}
    for iid, rubric, expected in store.con.execute(
        f"SELECT interaction_id, rubric, expected FROM {shown_judgments()} WHERE interaction_id IN (SELECT unnest(?))",
        [ids],
    ).fetchall():
        scores.setdefault(iid, {})[rubric] = float(expected)
    return scores


def signals_of(store: Store, ids: list[str]) -> dict[str, dict[str, int]]:
    """{id: {signal name: value}} of critic.signals for the interactions IDS."""
    if not ids:
        return {}
    con = store.con
    con.execute("CREATE OR REPLACE TEMP TABLE triage_ids AS SELECT unnest(?) AS id", [ids])
    try:
        cursor = con.execute(f"SELECT * FROM ({signals_sql('triage_ids')})")
        names = [d[0] for d in cursor.description or []]
        return {r[0]: dict(zip(names[1:], r[1:], strict=True)) for r in cursor.fetchall()}
    finally:
        con.execute("DROP TABLE IF EXISTS temp.triage_ids")


def low_score_rubrics(store: Store, ids: list[str], start: datetime, end: datetime, low_rank: float) -> dict[str, str]:
    """{id: the rubric it ranks lowest on} for IDS with a shown score in their rubric's bottom LOW_RANK or at most
    critic.scale.BAD_AT_OR_BELOW.

    Ranks (percent_rank per rubric) are among the shown judgments of interactions in [START, END).
    """
    if not ids:
        return {}
    return dict(
        store.con.execute(
            f"""
        WITH j AS (
            SELECT interaction_id, rubric, expected, percent_rank() OVER (PARTITION BY rubric ORDER BY expected) AS r
            FROM {shown_judgments(IN_PERIOD)})
        SELECT interaction_id, arg_min(rubric, r) FROM j JOIN (SELECT unnest(?) AS id) s ON s.id = j.interaction_id
        WHERE r <= ? OR expected <= ? GROUP BY 1""",
            [start, end, ids, low_rank, BAD_AT_OR_BELOW],
        ).fetchall()
    )


def headline_counts(store: Store, start: datetime, end: datetime) -> tuple[int, int, int, float]:
    """(interactions, likely bad, judged with an ok judgment, judge cost in USD) of [START, END)."""
    row = store.con.execute(
        f"""
        WITH w AS (SELECT id FROM interactions WHERE ts >= ? AND ts < ?)
        SELECT (SELECT count(*) FROM w),
               (SELECT count(*) FROM labels l LEFT JOIN {LATEST_VERDICTS} v USING (interaction_id)
                 WHERE l.interaction_id IN (SELECT id FROM w) AND {likely_bad()}),
               (SELECT count(DISTINCT interaction_id) FROM judgments
                 WHERE status = 'ok' AND interaction_id IN (SELECT id FROM w)),
               (SELECT coalesce(sum(cost_usd), 0) FROM judgments WHERE interaction_id IN (SELECT id FROM w))
        """,
        [start, end],
    ).fetchone()
    n, bad, judged, cost = row or (0, 0, 0, 0)
    return int(n), int(bad), int(judged), float(cost)


def daily_figures(store: Store, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """Per day of [START, END), by day: (day, interactions, share likely bad, mean P(bad), latency p50, p90, p99)."""
    return store.con.execute(
        f"""
        SELECT CAST(i.ts AS DATE) AS day, count(*), avg(CASE WHEN {likely_bad()} THEN 1 ELSE 0 END), avg(l.p_bad),
               quantile_cont(i.latency_ms, 0.5), quantile_cont(i.latency_ms, 0.9), quantile_cont(i.latency_ms, 0.99)
        FROM interactions i LEFT JOIN labels l ON l.interaction_id = i.id LEFT JOIN {LATEST_VERDICTS} v
             ON v.interaction_id = i.id
        WHERE i.ts >= ? AND i.ts < ? GROUP BY day ORDER BY day
        """,
        [start, end],
    ).fetchall()


def shown_judges(store: Store, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """(rubric, judge, interactions) of the shown judgments of [START, END): each rubric's primary judge."""
    return store.con.execute(
        f"SELECT rubric, judge, count(*) FROM {shown_judgments(IN_PERIOD)} GROUP BY ALL ORDER BY 1",
        [start, end],
    ).fetchall()


def label_counts(store: Store, start: datetime, end: datetime) -> list[tuple[str, int | None, int]]:
    """(rubric, label, judged interactions) of the shown judgments of [START, END), sorted."""
    return store.con.execute(
        f"SELECT rubric, label, count(*) FROM {shown_judgments(IN_PERIOD)} GROUP BY ALL ORDER BY ALL", [start, end]
    ).fetchall()


def latency_tail(
    store: Store, start: datetime, end: datetime, percentiles_by: tuple[str, ...], shares_by: tuple[str, ...]
) -> LatencyTail:
    """Latency percentiles per value of each PERCENTILES_BY column, and the slowest 1%'s shares by SHARES_BY.

    Over the interactions of [START, END) with a latency; columns: feature, model, prompt_version and
    input_decile (the input's length decile).
    """
    unknown = set(percentiles_by + shares_by) - set(LATENCY_COLUMNS)
    if unknown:
        raise CriticError(f"latency_tail: no column {', '.join(sorted(unknown))}; use {', '.join(LATENCY_COLUMNS)}")
    con = store.con
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE triage_latency AS
        SELECT feature, model, prompt_version, latency_ms, ntile(10) OVER (ORDER BY length(coalesce(input, '')), id) AS
               input_decile, latency_ms >= quantile_cont(latency_ms, 0.99) OVER () AS slow
        FROM interactions WHERE ts >= ? AND ts < ? AND latency_ms IS NOT NULL
        """,
        [start, end],
    )
    try:
        percentiles = {
            c: con.execute(
                f"""SELECT coalesce({c}, '(none)'), count(*), quantile_cont(latency_ms, 0.5),
                       quantile_cont(latency_ms, 0.9), quantile_cont(latency_ms, 0.99)
                FROM triage_latency GROUP BY 1 ORDER BY 5 DESC"""
            ).fetchall()
            for c in percentiles_by
        }
        row = con.execute("SELECT count(*) FILTER (WHERE slow), count(*) FROM triage_latency").fetchone()
        slow, timed = row or (0, 0)
        shares = {
            c: con.execute(
                f"""SELECT CAST({c} AS VARCHAR) AS value,
                       count(*) FILTER (WHERE slow)
                           / greatest((SELECT count(*) FROM triage_latency WHERE slow), 1),
                       count(*) FILTER (WHERE NOT slow)
                           / greatest((SELECT count(*) FROM triage_latency WHERE NOT slow), 1)
                FROM triage_latency GROUP BY value"""
            ).fetchall()
            for c in shares_by
        }
    finally:
        con.execute("DROP TABLE IF EXISTS temp.triage_latency")
    return LatencyTail(percentiles, slow, timed, shares)


def spend(
    store: Store, start: datetime, end: datetime, prices: list[tuple[str, float, float]], by: tuple[str, ...]
) -> dict[str, list[tuple[str, int, float | None, int]]]:
    """{column: [(value, interactions, USD, priced interactions)]} per column BY over [START, END), costliest first.

    An interaction's spend is its logged cost, else its tokens × PRICES' (model, input, output USD per million
    tokens) for its model.
    """
    columns = store.columns("interactions", by)
    con = store.con
    con.execute("CREATE OR REPLACE TEMP TABLE triage_prices (model VARCHAR, p_in DOUBLE, p_out DOUBLE)")
    try:
        if prices:
            con.executemany("INSERT INTO triage_prices (model, p_in, p_out) VALUES (?, ?, ?)", prices)
        usd = "coalesce(i.cost_usd, (i.input_tokens * p.p_in + i.output_tokens * p.p_out) / 1e6)"
        return {
            c: con.execute(
                f"""SELECT coalesce(i.{c}, '(none)') AS value, count(*), sum({usd}), count({usd})
                FROM interactions i LEFT JOIN triage_prices p ON p.model = i.model
                WHERE i.ts >= ? AND i.ts < ? GROUP BY value ORDER BY 3 DESC NULLS LAST, value""",
                [start, end],
            ).fetchall()
            for c in columns
        }
    finally:
        con.execute("DROP TABLE IF EXISTS temp.triage_prices")


def latest_label_run(store: Store) -> tuple[datetime, str, str, str | None, Any] | None:
    """(created_at, label_model, model_version, note, sources parsed from JSON) of the latest label fit, or None."""
    row = store.con.execute(
        "SELECT created_at, label_model, model_version, note, sources FROM label_runs ORDER BY created_at DESC LIMIT 1"
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3], json.loads(row[4]))


def known_clusters(store: Store) -> list[StoredCluster]:
    """The stored clusters that have a centroid, by key."""
    return [
        _cluster(r)
        for r in store.con.execute(
            f"SELECT {_CLUSTER_COLUMNS} FROM triage_clusters WHERE centroid IS NOT NULL ORDER BY key"
        ).fetchall()
    ]


def stored_cluster(store: Store, key: str) -> StoredCluster | None:
    """The stored cluster KEY, or None."""
    row = store.con.execute(f"SELECT {_CLUSTER_COLUMNS} FROM triage_clusters WHERE key = ?", [key]).fetchone()
    return None if row is None else _cluster(row)


def cluster_keys(store: Store) -> list[str]:
    """The keys of every stored cluster, sorted."""
    return [r[0] for r in store.con.execute("SELECT key FROM triage_clusters ORDER BY key").fetchall()]


def write_cluster_weeks(store: Store, week: str, clusters: list[ClusterWeek]) -> None:
    """Record CLUSTERS as triaged in WEEK (last seen then; a cluster's fixed_week is kept), in one transaction."""
    with store.transaction() as con:
        for c in clusters:
            con.execute(
                "INSERT OR REPLACE INTO triage_clusters (key, name, status, note, centroid, first_week, last_week, "
                "updated_at, fixed_week, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                "(SELECT fixed_week FROM triage_clusters WHERE key = ?), ?)",
                [
                    c.key,
                    c.name,
                    c.status,
                    c.note,
                    c.centroid.tolist(),
                    c.first_week,
                    week,
                    datetime.now(UTC),
                    c.key,
                    json.dumps(c.profile),
                ],
            )
            con.execute(
                "INSERT OR REPLACE INTO triage_weeks (key, week, size, share_bad) VALUES (?, ?, ?, ?)",
                [c.key, week, c.size, c.share_bad],
            )


def set_cluster_status(store: Store, key: str, status: str, note: str | None, fixed_week: str | None) -> None:
    """Set cluster KEY's status, note and fixed_week, dated now."""
    with store.transaction() as con:
        con.execute(
            "UPDATE triage_clusters SET status = ?, note = ?, fixed_week = ?, updated_at = ? WHERE key = ?",
            [status, note, fixed_week, datetime.now(UTC), key],
        )


_CLUSTER_COLUMNS = "key, status, note, first_week, last_week, fixed_week, centroid, profile"


def _cluster(row: tuple[Any, ...]) -> StoredCluster:
    key, status, note, first, last, fixed, centroid, profile = row
    vector = np.array(centroid or [], dtype=np.float32)
    return StoredCluster(key, status, note, first, last, fixed, vector, json.loads(profile or "{}"))
