# SPDX-License-Identifier: Apache-2.0
"""What critic keeps for later runs: students (`critic distill`), check runs (`critic check`) and calibrations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from critic.store import Store
from critic.store.views import LATEST_VERDICTS

# what a student reads of an interaction, then its group for cross-validation (session, else the interaction)
_TRAINING_FIELDS = "i.input, i.output, i.context, i.reference, i.finish_reason, coalesce(i.session_id, i.id)"


def teacher_judgments(store: Store, teacher: str, rubric: str, version: str) -> list[tuple[Any, ...]]:
    """(input, output, context, reference, finish_reason, group = session or id, expected, id) of TEACHER's ok
    judgments of logged traffic on RUBRIC at VERSION, by interaction id."""
    return store.con.execute(
        f"SELECT {_TRAINING_FIELDS}, j.expected, i.id FROM judgments j JOIN interactions i ON i.id = j.interaction_id "
        "WHERE j.judge = ? AND j.rubric = ? AND j.rubric_version = ? AND j.status = 'ok' ORDER BY i.id",
        [teacher, rubric, version],
    ).fetchall()


def reviewed_fields(store: Store) -> list[tuple[Any, ...]]:
    """(input, output, context, reference, finish_reason, group = session or id, latest verdict, id) of every
    reviewed interaction, by id."""
    return store.con.execute(
        f"SELECT {_TRAINING_FIELDS}, g.verdict, i.id FROM {LATEST_VERDICTS} g "
        "JOIN interactions i ON i.id = g.interaction_id ORDER BY i.id"
    ).fetchall()


def write_student(store: Store, name: str, version: str, rubric: str, teacher: str, model: str) -> None:
    """Keep one student version (MODEL: its JSON), replacing the same name and version."""
    with store.transaction() as con:
        con.execute(
            "INSERT OR REPLACE INTO students (name, version, rubric, teacher, created_at, model) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [name, version, rubric, teacher, datetime.now(UTC), model],
        )


def student_model(store: Store, name: str, version: str | None = None) -> str | None:
    """The JSON of student NAME at VERSION (its latest when None), or None when there is none."""
    row = store.con.execute(
        "SELECT model FROM students WHERE name = ? AND (? IS NULL OR version = ?) ORDER BY created_at DESC LIMIT 1",
        [name, version, version],
    ).fetchone()
    return None if row is None else str(row[0])


def student_names(store: Store) -> list[str]:
    """The names of the stored students, sorted."""
    return [r[0] for r in store.con.execute("SELECT DISTINCT name FROM students ORDER BY 1").fetchall()]


def students(store: Store) -> list[tuple[str, str, str, str, datetime, str]]:
    """(name, version, rubric, teacher, created_at, model JSON) of every stored student version, newest first."""
    rows = store.con.execute(
        "SELECT name, version, rubric, teacher, created_at, model FROM students ORDER BY created_at DESC"
    ).fetchall()
    return [(str(n), str(v), str(r), str(t), c, str(m)) for n, v, r, t, c, m in rows]


def write_check_run(store: Store, run_id: str, candidate: str, items: dict[str, Any]) -> None:
    """Keep one check run's candidate outputs (ITEMS, JSON-able) under RUN_ID."""
    store.con.execute(
        "INSERT INTO check_runs (run_id, created_at, candidate, items) VALUES (?, now(), ?, ?)",
        [run_id, candidate, json.dumps(items)],
    )


def check_run_items(store: Store, run_id: str) -> dict[str, Any] | None:
    """The candidate outputs kept under RUN_ID, or None."""
    row = store.con.execute("SELECT items FROM check_runs WHERE run_id = ?", [run_id]).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def recent_check_runs(store: Store, n: int = 3) -> list[str]:
    """The ids of the N latest check runs, newest first."""
    return [
        r[0]
        for r in store.con.execute("SELECT run_id FROM check_runs ORDER BY created_at DESC LIMIT ?", [n]).fetchall()
    ]


def write_calibrations(
    store: Store, results: list[dict[str, Any]], source: str, versions: dict[str, str] | None = None
) -> None:
    """Keep each calibration result (with its judge and criterion) dated now, in one transaction."""
    with store.transaction() as con:
        for r in results:
            con.execute(
                "INSERT INTO calibrations (created_at, judge, criterion, rubric_version, source, result) "
                "VALUES (now(), ?, ?, ?, ?, ?)",
                [r["judge"], r["criterion"], (versions or {}).get(r["criterion"]), source, json.dumps(r)],
            )


def calibrations(store: Store) -> list[tuple[datetime, str, str, str | None, str | None, dict[str, Any]]]:
    """(created_at, judge, criterion, rubric_version, source, result) of every kept calibration, by judge,
    criterion and date."""
    rows = store.con.execute(
        "SELECT created_at, judge, criterion, rubric_version, source, result FROM calibrations "
        "ORDER BY judge, criterion, created_at"
    ).fetchall()
    return [(c, j, k, v, s, json.loads(r)) for c, j, k, v, s, r in rows]
