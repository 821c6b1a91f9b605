# SPDX-License-Identifier: Apache-2.0
"""What `critic eval` reads and writes: the items to judge, judgments, runs and provider batches.

A judgment is keyed by (interaction, rubric, rubric version, judge) and remembers the hash of the
prompt the judge saw, so the same prompt is never paid for twice. A run is one `critic eval` (its
row is 'running' while it runs, marked with this process); a batch is a provider batch in flight.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from critic.store import PROCESS, Store, Window

JUDGMENT_COLUMNS = (
    "interaction_id",
    "rubric",
    "rubric_version",
    "judge",
    "label",
    "probs",
    "expected",
    "method",
    "raw",
    "status",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "latency_ms",
    "run_id",
    "created_at",
    "prompt_hash",
)
VERDICT_COLUMNS = ("label", "probs", "expected", "method", "raw", "status")  # what a prompt's judgment says
FIELDS = ("input", "output", "reference", "context", "finish_reason")  # what a rubric renders
EVAL_ITEM_COLUMNS = ("id", "created_at", "output", "input", "reference", "context")
# A failed call and a call logged without its content have no reply to judge: never judged.
_JUDGEABLE = {
    "interactions": "(SELECT * FROM interactions WHERE has_content AND finish_reason IS DISTINCT FROM 'error')",
    "eval_items": "(SELECT id, created_at AS ts, input, output, reference, context, NULL AS finish_reason "
    "FROM eval_items)",
}
_FINISHED = "status IN ('ok', 'unparseable')"  # a judgment that a re-run does not redo


def items_to_judge(
    store: Store,
    table: str,
    window: Window,
    *,
    ids: Sequence[str] = (),
    limit: int | None = None,
    seed: int | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """(id, {input, output, reference, context, finish_reason}) of the judgeable rows of TABLE ('interactions'
    or 'eval_items') in WINDOW (and IDS, when given): by ts and id, or in a SEED-fixed pseudo-random order."""
    where, params = window.where()
    args: list[Any] = list(params)
    if ids:
        where += " AND list_contains(?, id)"
        args.append(list(ids))
    if seed is None:
        order = "ts, id"
    else:
        order = "hash(id || ?)"
        args.append(str(int(seed)))
    sql = f"SELECT id, {', '.join(FIELDS)} FROM {_JUDGEABLE[table]} WHERE {where} ORDER BY {order}"
    if limit:
        sql += " LIMIT ?"
        args.append(int(limit))
    return [(row[0], dict(zip(FIELDS, row[1:]))) for row in store.con.execute(sql, args).fetchall()]


def finished_judgments(store: Store, judge: str, versions: list[str]) -> dict[tuple[str, str, str], str]:
    """{(interaction id, rubric, rubric version): method} of JUDGE's ok or unparseable judgments at any of
    VERSIONS."""
    rows = store.con.execute(
        f"SELECT interaction_id, rubric, rubric_version, method FROM judgments WHERE judge = ? AND {_FINISHED} "
        "AND list_contains(?, rubric_version)",
        [judge, versions],
    ).fetchall()
    return {(a, b, c): d for a, b, c, d in rows}


def judged_prompts(store: Store, judge: str, hashes: list[str]) -> dict[str, dict[str, Any]]:
    """{prompt hash: {label, probs, expected, method, raw, status}} of JUDGE's ok judgments of any of these prompt
    hashes (an unparseable reply is never copied to another interaction: that one gets its own call)."""
    rows = store.con.execute(
        f"SELECT prompt_hash, {', '.join(VERDICT_COLUMNS)} FROM judgments "
        "WHERE judge = ? AND status = 'ok' AND list_contains(?, prompt_hash)",
        [judge, hashes],
    ).fetchall()
    return {r[0]: dict(zip(VERDICT_COLUMNS, r[1:])) for r in rows}


def write_judgments(store: Store, rows: list[dict[str, Any]]) -> None:
    """Keep ROWS (dicts of JUDGMENT_COLUMNS) in one statement, each replacing the judgment with its key."""
    columns = ", ".join(JUDGMENT_COLUMNS)
    # one bulk insert through Arrow: row by row manages only hundreds of rows a second
    store.con.register("pending_judgments", pa.Table.from_pylist(rows))
    try:
        store.con.execute(f"INSERT OR REPLACE INTO judgments ({columns}) SELECT {columns} FROM pending_judgments")
    finally:
        store.con.unregister("pending_judgments")


def judgment_probs(store: Store, judge: str, versions: list[str]) -> list[tuple[str, str, str | None]]:
    """(interaction id, rubric, probs JSON) of JUDGE's ok judgments at any of VERSIONS."""
    return store.con.execute(
        "SELECT interaction_id, rubric, probs FROM judgments WHERE judge = ? AND status = 'ok' "
        "AND list_contains(?, rubric_version)",
        [judge, versions],
    ).fetchall()


def paired_scores(store: Store, first: str, second: str, rubric: str, version: str) -> list[tuple[str, float, float]]:
    """(interaction id, FIRST's expected score, SECOND's) where both judges' judgments on RUBRIC at VERSION are ok."""
    return store.con.execute(
        "SELECT s.interaction_id, s.expected, t.expected FROM judgments s JOIN judgments t USING (interaction_id, "
        "rubric, rubric_version) WHERE s.judge = ? AND t.judge = ? AND s.rubric = ? AND s.rubric_version = ? "
        "AND s.status = 'ok' AND t.status = 'ok'",
        [first, second, rubric, version],
    ).fetchall()


def item_scores(store: Store, judge: str, rubric: str, version: str, ids: list[str]) -> dict[str, float]:
    """{id: expected score} of JUDGE's ok judgments of IDS on RUBRIC at VERSION."""
    return dict(
        store.con.execute(
            "SELECT interaction_id, expected FROM judgments WHERE judge = ? AND rubric = ? AND rubric_version = ? "
            "AND status = 'ok' AND list_contains(?, interaction_id)",
            [judge, rubric, version, ids],
        ).fetchall()
    )


def stored_judgments(
    store: Store, interaction_id: str, rubric: str
) -> list[tuple[str, str, str, int | None, float | None]]:
    """(judge, rubric version, status, label, expected to 2 places) of every judgment of one interaction on
    RUBRIC, oldest first."""
    return store.con.execute(
        "SELECT judge, rubric_version, status, label, round(expected, 2) FROM judgments "
        "WHERE interaction_id = ? AND rubric = ? ORDER BY created_at",
        [interaction_id, rubric],
    ).fetchall()


def interaction_fields(store: Store, interaction_id: str) -> dict[str, str | None] | None:
    """{input, output, reference, context} of the interaction or evaluation item with this id, or None."""
    row = store.con.execute(
        "SELECT input, output, reference, context FROM interactions WHERE id = ? UNION ALL "
        "SELECT input, output, reference, context FROM eval_items WHERE id = ?",
        [interaction_id, interaction_id],
    ).fetchone()
    return None if row is None else dict(zip(("input", "output", "reference", "context"), row))


def write_eval_items(store: Store, items: list[dict[str, Any]]) -> None:
    """Keep evaluation items (dicts of EVAL_ITEM_COLUMNS) in one transaction; an id already kept stays as it is."""
    columns = ", ".join(EVAL_ITEM_COLUMNS)
    with store.transaction() as con:
        con.executemany(
            f"INSERT INTO eval_items ({columns}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [[item.get(c) for c in EVAL_ITEM_COLUMNS] for item in items],
        )


def start_run(store: Store, run_id: str, judge: str, rubrics: list[str]) -> None:
    """Record run RUN_ID of JUDGE over RUBRICS ('name@version') as running now, in this process."""
    store.con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, judge, rubrics, status, stats) "
        "VALUES (?, now(), NULL, ?, ?, 'running', ?)",
        [run_id, judge, json.dumps(rubrics), json.dumps({"process": PROCESS})],
    )


def finish_run(store: Store, run_id: str, status: str, stats: dict[str, Any]) -> None:
    """Record run RUN_ID as finished now with STATUS and STATS (JSON-able)."""
    store.con.execute(
        "UPDATE runs SET finished_at = now(), status = ?, stats = ? WHERE run_id = ?",
        [status, json.dumps(stats), run_id],
    )


def batches_in_flight(store: Store, judge: str) -> list[tuple[str, list[str]]]:
    """(batch id, prompt hashes) of JUDGE's batches still submitted, oldest first."""
    rows = store.con.execute(
        "SELECT batch_id, prompt_hashes FROM batches WHERE judge = ? AND status = 'submitted' ORDER BY submitted_at",
        [judge],
    ).fetchall()
    return [(batch_id, json.loads(hashes)) for batch_id, hashes in rows]


def record_batch(store: Store, batch_id: str, judge: str, hashes: list[str]) -> None:
    """Record batch BATCH_ID of JUDGE, submitted now, over these prompt hashes."""
    store.con.execute(
        "INSERT INTO batches (batch_id, judge, submitted_at, status, prompt_hashes, finished_at) "
        "VALUES (?, ?, now(), 'submitted', ?, NULL)",
        [batch_id, judge, json.dumps(hashes)],
    )


def close_batch(store: Store, batch_id: str, status: str) -> None:
    """Record batch BATCH_ID as finished now with STATUS ('ended', 'failed', …)."""
    store.con.execute("UPDATE batches SET status = ?, finished_at = now() WHERE batch_id = ?", [status, batch_id])
