# SPDX-License-Identifier: Apache-2.0
"""What `critic compare` and `critic export` read: values per variant, and each interaction's verdicts."""

from __future__ import annotations

from typing import Any

import pandas as pd

from critic.store import Store, Window
from critic.store.views import latest_judgments, shown_judgments


def _column(store: Store, by: str) -> str:
    (column,) = store.columns("interactions", (by,))
    return column


def variants(store: Store, by: str) -> list[str]:
    """The values of column BY among the interactions, most frequent first (ties by value)."""
    column = _column(store, by)
    rows = store.con.execute(
        f"SELECT {column} FROM interactions WHERE {column} IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1"
    ).fetchall()
    return [str(v) for (v,) in rows]


def p_bad_by_variant(store: Store, by: str) -> pd.DataFrame:
    """(input, variant, value = P(bad)) per labelled interaction."""
    frame = store.con.execute(
        f"SELECT i.input, i.{_column(store, by)}, l.p_bad FROM labels l JOIN interactions i ON i.id = l.interaction_id"
    ).df()
    frame.columns = ["input", "variant", "value"]
    return frame


def scores_by_variant(store: Store, by: str, rubric: str, judge: str, version: str) -> pd.DataFrame:
    """(input, variant, value = expected score) of JUDGE's latest judgments of RUBRIC at VERSION."""
    judged = latest_judgments("rubric = ? AND judge = ? AND rubric_version = ?")
    frame = store.con.execute(
        f"SELECT i.input, i.{_column(store, by)}, j.expected FROM {judged} j "
        "JOIN interactions i ON i.id = j.interaction_id",
        [rubric, judge, version],
    ).df()
    frame.columns = ["input", "variant", "value"]
    return frame


def primary_judges(store: Store, judge: str | None = None) -> list[tuple[str, str, str]]:
    """(rubric, judge, rubric version it judged last) per rubric on logged traffic, sorted by rubric: the rubric's
    primary judge (critic.store.views), or JUDGE's judgments only when given."""
    only = "interaction_id IN (SELECT id FROM interactions) AND (? IS NULL OR judge = ?)"
    rows = store.con.execute(
        f"SELECT rubric, judge, arg_max(rubric_version, created_at) FROM {shown_judgments(only)} "
        "GROUP BY 1, 2 ORDER BY 1",
        [judge, judge],
    ).fetchall()
    return [(str(r), str(j), str(v)) for r, j, v in rows]


def verdict_rows(store: Store, window: Window) -> list[tuple[Any, ...]]:
    """(id, metadata.source JSON, ts, p_bad, [judgment dicts], labelled_at) for every interaction in WINDOW with a
    judgment (latest per judge) or a label, oldest first."""
    where, params = window.where("i.ts")
    return store.con.execute(
        f"""
        WITH j AS (
            SELECT interaction_id, list({{'rubric': rubric, 'rubric_version': rubric_version, 'judge': judge,
                                          'label': label, 'expected': round(expected, 4),
                                          'created_at': created_at}} ORDER BY rubric, judge) AS judgments
            FROM {latest_judgments()}
            GROUP BY 1
        )
        SELECT i.id, i.metadata->'source', i.ts, l.p_bad, coalesce(j.judgments, []), l.created_at
        FROM interactions i LEFT JOIN j ON j.interaction_id = i.id LEFT JOIN labels l ON l.interaction_id = i.id
        WHERE {where} AND (j.interaction_id IS NOT NULL OR l.interaction_id IS NOT NULL)
        ORDER BY i.ts NULLS LAST, i.id
    """,
        params,
    ).fetchall()
