# SPDX-License-Identifier: Apache-2.0
"""What `critic review` reads and writes: people's verdicts, the review queue, and one interaction as a person sees it.

A verdict is keyed by (interaction, reviewer): a reviewer who changes their mind replaces their verdict, a
second reviewer adds one. The interaction's gold is its latest verdict. A verdict keeps the reason the queue
gave for showing the interaction (worst, informative, audit), so the audit sample stays a uniform sample.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from critic.store import Store
from critic.store.views import LATEST_VERDICTS, latest_judgments, shown_judgments

VERDICT_COLUMNS = ("interaction_id", "reviewer", "verdict", "mode", "note", "reason", "source", "created_at")
_GOLD = LATEST_VERDICTS


def unknown_interactions(store: Store, ids: list[str]) -> list[str]:
    """The IDS that are not logged interactions, in the order given."""
    rows = store.con.execute("SELECT id FROM interactions WHERE id IN (SELECT unnest(?))", [ids]).fetchall()
    known = {r[0] for r in rows}
    return [i for i in ids if i not in known]


def write_verdicts(store: Store, rows: list[dict[str, Any]]) -> None:
    """Keep ROWS (VERDICT_COLUMNS each; reason None takes the queue's), replacing a reviewer's earlier verdict."""
    columns = ", ".join(VERDICT_COLUMNS)
    with store.transaction() as con:
        for row in rows:
            values = [row.get(c) for c in VERDICT_COLUMNS]
            con.execute(
                f"INSERT OR REPLACE INTO verdicts ({columns}) VALUES (?, ?, ?, ?, ?, "
                "coalesce(?, (SELECT reason FROM review_queue WHERE interaction_id = ?)), ?, ?)",
                values[:5] + [values[5], row["interaction_id"]] + values[6:],
            )


# An annotation says yes or no: a boolean, a category labelled like one, or a number 0/1. A score whose name
# says what went wrong is bad on yes ("hallucination": true); any other (correct, helpful, quality) on no.
BAD_WHEN_YES = r"(?i)(hallucinat|toxic|harm|unsafe|bad|wrong|incorrect|error|fail|bias|irrelevant|off.?topic|rude)"
YES = r"(?i)^\s*(true|yes|correct|good|pass(ed)?|safe|fine|ok(ay)?|helpful|accurate|relevant)\s*$"
NO = r"(?i)^\s*(false|no|incorrect|wrong|bad|fail(ed)?|unsafe|not [a-z ]+|unhelpful|inaccurate|irrelevant)\s*$"


def verdicts_from_annotations(store: Store) -> int:
    """Turn people's yes/no annotation scores ingested from Langfuse (events `score:NAME` whose source is
    ANNOTATION) into verdicts by their author (else 'langfuse'), the score's name as the failure mode: one per
    author and interaction (bad if any of theirs says so); a reviewer's verdict already there is kept. Free text,
    corrections and ratings on a longer scale are left as events. How many verdicts were added."""
    before = store.count("verdicts")
    store.con.execute(
        """
        INSERT INTO verdicts (interaction_id, reviewer, verdict, mode, note, reason, source, created_at)
        SELECT interaction_id, reviewer, verdict, mode, note, NULL, 'langfuse', ts
        FROM (
            SELECT e.interaction_id, coalesce(nullif(e.value->>'author', ''), 'langfuse') AS reviewer, e.ts,
                   substr(e.kind, 7) AS mode, e.value->>'comment' AS note,
                   CASE WHEN regexp_matches(substr(e.kind, 7), ?) = (yes = 1) THEN 'bad' ELSE 'ok' END AS verdict
            FROM (SELECT *, CASE WHEN regexp_matches(coalesce(value->>'label', ''), ?) THEN 1
                                 WHEN regexp_matches(coalesce(value->>'label', ''), ?) THEN 0
                                 WHEN value->>'data_type' IN ('NUMERIC', 'BOOLEAN')
                                      THEN TRY_CAST(value->>'value' AS DOUBLE) END AS yes
                  FROM events WHERE starts_with(kind, 'score:') AND value->>'source' = 'ANNOTATION'
                    AND coalesce(value->>'data_type', '') IN ('BOOLEAN', 'CATEGORICAL', 'NUMERIC')) e
            JOIN interactions i ON i.id = e.interaction_id
            WHERE e.yes IN (0, 1))
        -- one verdict per reviewer and interaction: a failure they named wins, then their latest annotation
        QUALIFY row_number() OVER (PARTITION BY interaction_id, reviewer ORDER BY verdict = 'bad' DESC, ts DESC,
                                   mode) = 1
        ON CONFLICT DO NOTHING
        """,
        [BAD_WHEN_YES, YES, NO],
    )
    return store.count("verdicts") - before


def verdicts(store: Store, interaction_id: str | None = None) -> list[dict[str, Any]]:
    """Every verdict (VERDICT_COLUMNS), or INTERACTION_ID's, oldest first."""
    cursor = store.con.execute(
        f"SELECT {', '.join(VERDICT_COLUMNS)} FROM verdicts WHERE ? IS NULL OR interaction_id = ? "
        "ORDER BY created_at, interaction_id",
        [interaction_id, interaction_id],
    )
    return [dict(zip(VERDICT_COLUMNS, r)) for r in cursor.fetchall()]


def verdict_modes(store: Store) -> list[str]:
    """Every failure mode a reviewer has named, sorted."""
    rows = store.con.execute("SELECT DISTINCT mode FROM verdicts WHERE mode IS NOT NULL ORDER BY 1").fetchall()
    return [str(m) for (m,) in rows]


def gold(store: Store) -> dict[str, str]:
    """{interaction id: 'bad' or 'ok'}: each reviewed interaction's latest verdict."""
    return dict(store.con.execute(f"SELECT interaction_id, verdict FROM {_GOLD}").fetchall())


def chosen_gold(store: Store) -> list[str | None]:
    """The latest verdict ('bad'/'ok') of each interaction chosen for labelling (critic.store.labels), in id order."""
    rows = store.con.execute(
        f"SELECT v.verdict FROM label_ids LEFT JOIN {_GOLD} v ON v.interaction_id = id ORDER BY id"
    )
    return [v for (v,) in rows.fetchall()]


def audit_verdicts(store: Store, start: datetime | None = None, end: datetime | None = None) -> list[str | None]:
    """The latest verdict (None where not reviewed yet) of each interaction drawn for the uniform audit sample,
    logged in [START, END) when given."""
    rows = store.con.execute(
        f"""SELECT g.verdict FROM review_queue q JOIN interactions i ON i.id = q.interaction_id
            LEFT JOIN {_GOLD} g ON g.interaction_id = q.interaction_id
            WHERE q.reason = 'audit'
              AND (CAST(? AS TIMESTAMPTZ) IS NULL OR i.ts >= ?) AND (CAST(? AS TIMESTAMPTZ) IS NULL OR i.ts < ?)""",
        [start, start, end, end],
    )
    return [v for (v,) in rows.fetchall()]


def reviewed_claims(store: Store, start: datetime, end: datetime) -> list[tuple[float | None, str]]:
    """(P(bad) when the interaction was queued, or None; its latest verdict) of each interaction logged in
    [START, END) that a person reviewed: what critic claimed, and what the person said."""
    rows = store.con.execute(
        f"""SELECT q.p_bad, g.verdict FROM {_GOLD} g JOIN interactions i ON i.id = g.interaction_id
            LEFT JOIN review_queue q ON q.interaction_id = g.interaction_id WHERE i.ts >= ? AND i.ts < ?""",
        [start, end],
    )
    return [(p, str(v)) for p, v in rows.fetchall()]


def judged_verdicts(store: Store) -> list[tuple[str, str, float, str]]:
    """(rubric, judge, expected score, latest verdict) for each judge's latest judgment of a reviewed interaction."""
    rows = store.con.execute(
        f"""SELECT j.rubric, j.judge, j.expected, g.verdict FROM {latest_judgments()} j
            JOIN {_GOLD} g ON g.interaction_id = j.interaction_id ORDER BY 1, 2"""
    )
    return [(str(r), str(j), float(e), str(v)) for r, j, e, v in rows.fetchall()]


def chosen_audit(store: Store) -> list[str]:
    """The latest verdicts of the audited interactions among those chosen for labelling."""
    rows = store.con.execute(
        f"""SELECT g.verdict FROM review_queue q JOIN label_ids l ON l.id = q.interaction_id
            JOIN {_GOLD} g ON g.interaction_id = q.interaction_id WHERE q.reason = 'audit'"""
    )
    return [v for (v,) in rows.fetchall()]


def period_ids(store: Store, start: datetime, end: datetime) -> list[str]:
    """Every interaction with content logged in [START, END), by id."""
    rows = store.con.execute(
        "SELECT id FROM interactions WHERE ts >= ? AND ts < ? AND has_content ORDER BY id", [start, end]
    )
    return [r[0] for r in rows.fetchall()]


def exchanges(store: Store, ids: list[str]) -> dict[str, str]:
    """{id: a digest of its input and output}: two ids with one digest are the same exchange logged twice."""
    rows = store.con.execute(
        "SELECT id, md5(coalesce(input, '') || chr(31) || output) FROM interactions WHERE list_contains(?, id)", [ids]
    )
    return dict(rows.fetchall())


def reviewed(store: Store) -> set[str]:
    """The ids of every interaction somebody reviewed."""
    return {r[0] for r in store.con.execute("SELECT DISTINCT interaction_id FROM verdicts").fetchall()}


def queue_candidates(store: Store, start: datetime, end: datetime) -> list[tuple[str, float, float, int, int]]:
    """(id, P(bad), P(bad) from the votes alone, sources voting bad, sources voting good) of each labelled interaction
    logged in [START, END) that nobody has reviewed, by id."""
    return [
        (str(i), float(p), float(v if v is not None else p), int(b), int(g))
        for i, p, v, b, g in store.con.execute(
            """SELECT l.interaction_id, l.p_bad, l.p_bad_votes, json_array_length(coalesce(l.sources_bad, '[]')),
                      json_array_length(coalesce(l.sources_good, '[]'))
               FROM labels l JOIN interactions i ON i.id = l.interaction_id
               WHERE i.ts >= ? AND i.ts < ? AND l.interaction_id NOT IN (SELECT interaction_id FROM verdicts)
               ORDER BY 1""",
            [start, end],
        ).fetchall()
    ]


def write_queue(store: Store, items: list[tuple[str, str, float | None]], period: str, at: datetime) -> None:
    """Queue ITEMS (id, reason, P(bad)) for PERIOD, replacing what was queued for it and is not reviewed yet
    (a reviewed interaction keeps its row: an audit draw stays one)."""
    with store.transaction() as con:
        con.execute(
            "DELETE FROM review_queue WHERE period = ? AND interaction_id NOT IN (SELECT interaction_id FROM verdicts)",
            [period],
        )
        for interaction_id, reason, p_bad in items:
            con.execute(
                "INSERT OR REPLACE INTO review_queue (interaction_id, reason, p_bad, period, queued_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [interaction_id, reason, p_bad, period, at],
            )


def pending(store: Store) -> list[tuple[str, str, float | None]]:
    """(id, reason, P(bad)) of every queued interaction nobody has reviewed, in queue order."""
    rows = store.con.execute(
        "SELECT interaction_id, reason, p_bad FROM review_queue "
        "WHERE interaction_id NOT IN (SELECT interaction_id FROM verdicts) ORDER BY queued_at, rowid"
    )
    return [(str(i), str(r), p) for i, r, p in rows.fetchall()]


def review_item(store: Store, interaction_id: str) -> dict[str, Any] | None:
    """One interaction as a reviewer sees it: its fields, label, shown scores, events and verdicts; None if unknown."""
    con = store.con
    row = con.execute(
        "SELECT id, ts, feature, model, prompt_version, input, output, context, reference, messages, system, "
        "latency_ms, finish_reason FROM interactions WHERE id = ?",
        [interaction_id],
    ).fetchone()
    if row is None:
        return None
    keys = ("id", "ts", "feature", "model", "prompt_version", "input", "output", "context", "reference", "messages")
    item: dict[str, Any] = dict(zip(keys + ("system", "latency_ms", "finish_reason"), row))
    label = con.execute(
        "SELECT p_bad, drivers, sources_bad, sources_good FROM labels WHERE interaction_id = ?", [interaction_id]
    ).fetchone()
    item["label"] = dict(zip(("p_bad", "drivers", "sources_bad", "sources_good"), label)) if label else None
    item["scores"] = [
        dict(zip(("rubric", "judge", "label", "expected"), r))
        for r in con.execute(
            f"SELECT rubric, judge, label, round(expected, 2) FROM {shown_judgments('interaction_id = ?')} "
            "ORDER BY rubric",
            [interaction_id],
        ).fetchall()
    ]
    item["events"] = [
        dict(zip(("kind", "ts", "value"), r))
        for r in con.execute(
            "SELECT kind, ts, value FROM events WHERE interaction_id = ? ORDER BY ts NULLS LAST, kind", [interaction_id]
        ).fetchall()
    ]
    item["verdicts"] = verdicts(store, interaction_id)
    return item
