# SPDX-License-Identifier: Apache-2.0
"""What `critic label` reads and writes: the interactions being labelled, their votes and features, labels.

A label run works on one set of interactions, chosen by `choose_for_label`: their ids and text
signals are kept in the connection's temp tables label_ids and label_signals, which the readers
below use, so each is computed once per run. The votes follow plain rules passed in (VoteRules):
what they mean is critic.combine.sources's business, how DuckDB computes them is the store's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from critic.scale import BAD_AT_OR_BELOW, LOW
from critic.signals import SUSPECT
from critic.sql import literal as _literal
from critic.store import Store, Window
from critic.store.signals import signals_sql
from critic.store.views import latest_judgments

LABEL_COLUMNS = (
    "interaction_id",
    "p_bad",
    "label_model",
    "model_version",
    "sources_bad",
    "sources_good",
    "created_at",
    "p_bad_votes",
    "drivers",
)


@dataclass(frozen=True)
class Thresholds:
    """One rubric's vote thresholds: bad at or below, good at or above; shares of a judge's ranks (or None)."""

    bad: float
    good: float | None
    q_bad: float
    q_good: float | None


@dataclass(frozen=True)
class VoteRules:
    """How the built-in sources vote (1 bad, 0 good): critic.combine.sources fills it in."""

    thresholds: dict[str, Thresholds]  # per judged rubric
    relative_judges: tuple[str, ...]  # judges that vote by rank only (the embedded judge)
    min_ranked: int  # fewest scores of a judge on a rubric for a rank vote
    event_votes: dict[str, int]  # event kind → vote
    heuristics: dict[str, str]  # heuristic source → the signal column it votes with
    no_vote: tuple[str, ...]  # heuristic sources that do not vote


def judged_rubric_names(store: Store) -> list[str]:
    """Every rubric any judgment in the store is for, sorted."""
    return [r[0] for r in store.con.execute("SELECT DISTINCT rubric FROM judgments ORDER BY 1").fetchall()]


def choose_for_label(store: Store, window: Window) -> list[str]:
    """The ids of the interactions in WINDOW, sorted; also computes their text signals once for the readers below."""
    where, params = window.where()
    con = store.con
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE label_ids AS SELECT id FROM interactions WHERE {where} ORDER BY id", params
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE label_signals AS {signals_sql('label_ids')}")
    return [r[0] for r in con.execute("SELECT id FROM label_ids").fetchall()]


def vote_matrix(store: Store, rules: VoteRules, abstain: int) -> tuple[list[str], np.ndarray]:
    """(source names, one row per chosen interaction and one column per source that voted; ABSTAIN elsewhere)."""
    con = store.con
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE label_votes AS SELECT * FROM ({_votes_sql(rules)}) "
        "WHERE vote IS NOT NULL AND interaction_id IN (SELECT id FROM label_ids)"
    )
    names = [r[0] for r in con.execute("SELECT DISTINCT source FROM label_votes ORDER BY source").fetchall()]
    n = (con.execute("SELECT count(*) FROM label_ids").fetchone() or (0,))[0]
    if not names or not n:
        return names, np.full((n, len(names)), abstain, dtype=int)
    columns = ", ".join(f"coalesce(max(v.vote) FILTER (WHERE v.source = ?), {int(abstain)})" for _ in names)
    rows = con.execute(
        f"SELECT {columns} FROM label_ids i LEFT JOIN label_votes v ON v.interaction_id = i.id "
        "GROUP BY i.id ORDER BY i.id",
        names,
    ).fetchnumpy()
    return names, np.column_stack([np.asarray(rows[k], dtype=int) for k in rows])


def all_votes(store: Store, rules: VoteRules) -> list[tuple[str, str, int]]:
    """(interaction_id, source, vote) of every built-in vote in the store, abstentions left out. Judgments vote
    whether or not their interaction is stored. Leaves a label run's chosen interactions alone (its own tables)."""
    con = store.con
    con.execute("CREATE OR REPLACE TEMP TABLE all_vote_ids AS SELECT id FROM interactions")
    con.execute(f"CREATE OR REPLACE TEMP TABLE all_vote_signals AS {signals_sql('all_vote_ids')}")
    try:
        rows = con.execute(
            f"SELECT interaction_id, source, vote FROM ({_votes_sql(rules, 'all_vote_signals')}) "
            "WHERE vote IS NOT NULL ORDER BY ALL"
        ).fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS temp.all_vote_ids; DROP TABLE IF EXISTS temp.all_vote_signals")
    return [(str(i), str(source), int(vote)) for i, source, vote in rows]


def chosen_interactions(store: Store) -> list[dict[str, Any]]:
    """Every column of the chosen interactions, one dict each, in id order (what user sources read)."""
    frame = store.con.execute("SELECT * FROM interactions i JOIN label_ids USING (id) ORDER BY id").df()
    return [{str(k): v for k, v in record.items()} for record in frame.to_dict("records")]


def failed_or_empty(store: Store) -> list[tuple[bool, bool]]:
    """(the call failed, the reply is empty) per chosen interaction, in id order."""
    rows = store.con.execute(
        "SELECT s.failed = 1, coalesce(i.has_content AND s.failed = 0 AND trim(i.output) = '', false) "
        "FROM label_signals s JOIN interactions i USING (id) ORDER BY id"
    ).fetchall()
    return [(bool(f), bool(e)) for f, e in rows]


def gold_marks(store: Store) -> list[str | None]:
    """metadata.gold of each chosen interaction (lower-cased; None where absent), in id order."""
    rows = store.con.execute(
        "SELECT lower(metadata->>'gold') FROM label_ids LEFT JOIN interactions USING (id) ORDER BY id"
    ).fetchall()
    return [g for (g,) in rows]


def base_features(store: Store) -> pd.DataFrame:
    """Per chosen interaction (id order): its signals, output length, latency against its feature's median and p99."""
    return store.con.execute("""
        WITH p AS (SELECT feature, median(latency_ms) AS p50, quantile_cont(latency_ms, 0.99) AS p99
              FROM interactions WHERE latency_ms > 0 GROUP BY feature)
        SELECT i.id, s.* EXCLUDE (id),
               ln(1 + length(i.output)) AS log_output_chars,
               CASE WHEN i.latency_ms > 0 AND p.p50 > 0 THEN ln(i.latency_ms / p.p50) ELSE 0 END AS log_latency_rel,
               coalesce(i.latency_ms > p.p99, false)::INTEGER AS latency_over_p99,
               (i.latency_ms IS NULL)::INTEGER AS latency_missing
        FROM interactions i JOIN label_ids USING (id) JOIN label_signals s USING (id)
        LEFT JOIN p ON p.feature IS NOT DISTINCT FROM i.feature  -- interactions without a feature are one group
        ORDER BY i.id""").df()


def event_counts(store: Store, kinds: list[str]) -> pd.DataFrame:
    """(id, name = 'events:KIND', value = count) for the chosen interactions' events of KINDS."""
    return store.con.execute(
        """
        SELECT interaction_id AS id, 'events:' || kind AS name, count(*)::DOUBLE AS value FROM events
        WHERE list_contains(?, kind) AND interaction_id IN (SELECT id FROM label_ids) GROUP BY ALL""",
        [kinds],
    ).df()


def judge_scores(store: Store) -> pd.DataFrame:
    """(id, key = RUBRIC@JUDGE, expected, low = P(label ≤ 2)) of the latest judgments of the chosen interactions."""
    return store.con.execute(f"""
        SELECT interaction_id AS id, rubric || '@' || judge AS key, expected,
               {" + ".join(f"coalesce((probs->>'{k}')::DOUBLE, 0)" for k in range(LOW, BAD_AT_OR_BELOW + 1))} AS low
        FROM {latest_judgments("interaction_id IN (SELECT id FROM label_ids)")}""").df()


def write_labels(store: Store, rows: list[dict[str, Any]], run: dict[str, Any]) -> None:
    """Replace the labels of ROWS' interactions (LABEL_COLUMNS each) and record the run, in one transaction.

    RUN: created_at, model_version, label_model, note, interactions, sources and end_model (JSON-able).
    """
    with store.transaction() as con:
        con.register("new_labels", pa.Table.from_pylist(rows))
        con.execute("DELETE FROM labels WHERE interaction_id IN (SELECT interaction_id FROM new_labels)")
        columns = ", ".join(LABEL_COLUMNS)
        con.execute(f"INSERT INTO labels ({columns}) SELECT {columns} FROM new_labels")
        con.unregister("new_labels")
        con.execute(
            "INSERT INTO label_runs (created_at, model_version, label_model, note, interactions, sources, "
            "end_model) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                run["created_at"],
                run["model_version"],
                run["label_model"],
                run["note"],
                run["interactions"],
                json.dumps(run["sources"]),
                json.dumps(run["end_model"]),
            ],
        )


def label_of(store: Store, interaction_id: str) -> dict[str, Any] | None:
    """One interaction's stored label (p_bad, p_bad_votes, sources_bad, sources_good, drivers), or None."""
    row = store.con.execute(
        "SELECT p_bad, p_bad_votes, sources_bad, sources_good, drivers FROM labels WHERE interaction_id = ?",
        [interaction_id],
    ).fetchone()
    keys = ("p_bad", "p_bad_votes", "sources_bad", "sources_good", "drivers")
    return None if row is None else dict(zip(keys, row))


def labelled_count(store: Store) -> int:
    """How many interactions have a label."""
    return int((store.con.execute("SELECT count(*) FROM labels").fetchone() or (0,))[0])


def _case(values: dict[str, float | None]) -> str:
    """CASE rubric arms; a CASE needs one arm, so a dummy if none (rubric names are quoted as SQL literals)."""
    return (
        " ".join(f"WHEN {_literal(r)} THEN {'NULL' if v is None else float(v)}" for r, v in values.items())
        or "WHEN '' THEN NULL"
    )


def _list(values: tuple[str, ...] | list[str]) -> str:
    """A VARCHAR[] literal (empty included), for list_contains."""
    return "[" + ", ".join(_literal(v) for v in values) + "]::VARCHAR[]"


def _critic_votes(rules: VoteRules) -> str:
    """SQL for critic votes: by rank among the same judge's scores on that rubric, and by absolute score.

    A score in the judge's lowest share votes bad, in its highest share good if configured (mid-rank
    of ties, over at least min_ranked scores; for a calibrated judge only when its absolute votes
    reach less than that share); a calibrated judge's score at or below `bad` votes bad whatever its
    rank, and at or above `good` (if set) votes good.
    """
    t = rules.thresholds
    absolute = f"NOT list_contains({_list(rules.relative_judges)}, judge)"
    t_bad = f"CASE rubric {_case({r: x.bad for r, x in t.items()})} END"
    # by rank: the embedded judge always; a calibrated judge where its absolute votes reach less than the share
    ranked = (
        f"n >= {int(rules.min_ranked)} AND (list_contains({_list(rules.relative_judges)}, judge) OR share_low < q_bad)"
    )
    return f"""
        SELECT interaction_id, 'critic:' || rubric || '@' || judge AS source,
               CASE WHEN {absolute} AND expected <= t_bad THEN 1
                    WHEN {ranked} AND rank_q <= q_bad THEN 1
                    WHEN {absolute} AND expected >= t_good THEN 0
                    WHEN {ranked} AND rank_q >= q_good THEN 0 END AS vote
        FROM (
            SELECT interaction_id, rubric, judge, expected, count(*) OVER w AS n,
                   avg(CASE WHEN expected <= {t_bad} THEN 1 ELSE 0 END) OVER w AS share_low,
                   -- mid-rank of ties, as a share: (scores below + scores at or below) / 2n
                   ((rank() OVER o - 1) + cume_dist() OVER o * count(*) OVER w) / (2 * count(*) OVER w) AS rank_q,
                   {t_bad} AS t_bad,
                   CASE rubric {_case({r: x.good for r, x in t.items()})} END AS t_good,
                   CASE rubric {_case({r: x.q_bad for r, x in t.items()})} END AS q_bad,
                   CASE rubric {_case({r: x.q_good for r, x in t.items()})} END AS q_good
            FROM {latest_judgments()}
            WINDOW w AS (PARTITION BY rubric, judge), o AS (PARTITION BY rubric, judge ORDER BY expected))
    """


def _votes_sql(rules: VoteRules, signals: str = "label_signals") -> str:
    """SQL for the long table (interaction_id, source, vote) of every built-in vote (vote NULL: abstains)."""
    event_case = " ".join(f"WHEN {_literal(k)} THEN {int(v)}" for k, v in rules.event_votes.items())
    fired = ", ".join(f"({column} > 0)::INTEGER AS {name}" for name, column in rules.heuristics.items())
    suspect = " OR ".join(f"{name} > 0" for name in SUSPECT) or "false"
    return f"""
        SELECT * FROM ({_critic_votes(rules)})  -- a judge an output tried to steer does not vote on it
        WHERE interaction_id NOT IN (SELECT id FROM {signals} WHERE {suspect})
        UNION ALL
        SELECT DISTINCT interaction_id, 'event:' || kind, CASE kind {event_case} END
        FROM events WHERE list_contains({_list(list(rules.event_votes))}, kind)
        UNION ALL
        SELECT id, 'heuristic:' || signal, 1 FROM (
            UNPIVOT (SELECT id, {fired} FROM {signals}) ON {", ".join(rules.heuristics)}
            INTO NAME signal VALUE fired)
        WHERE fired = 1 AND NOT list_contains({_list(rules.no_vote)}, signal)
        UNION ALL
        SELECT id, 'heuristic:latency_over_p99', 1 FROM (
            SELECT id, latency_ms, quantile_cont(latency_ms, 0.99) OVER (PARTITION BY feature) AS p99
            FROM interactions WHERE latency_ms IS NOT NULL)
        WHERE latency_ms > p99
    """
