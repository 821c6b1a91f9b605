"""The store's schema, as ordered, named migrations applied when a store opens.

Each migration runs in its own transaction together with its row in `_migrations`, so a
store is always at a named version. Append new migrations; never edit an applied one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import duckdb

Migration = Callable[[duckdb.DuckDBPyConnection], None]


def m001_initial(con: duckdb.DuckDBPyConnection) -> None:
    """Interactions, events, runs, judgments, labels and triage state."""
    con.execute(
        """
        CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
        CREATE TABLE interactions (
            id VARCHAR PRIMARY KEY,
            ts TIMESTAMPTZ NOT NULL,
            session_id VARCHAR,
            user_hash VARCHAR,
            feature VARCHAR,
            model VARCHAR,
            prompt_version VARCHAR,
            input VARCHAR,
            messages JSON,
            output VARCHAR NOT NULL,
            reference VARCHAR,
            context VARCHAR,
            latency_ms DOUBLE,
            input_tokens BIGINT,
            output_tokens BIGINT,
            cost_usd DOUBLE,
            finish_reason VARCHAR,
            metadata JSON,
            source VARCHAR,
            ingested_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE events (
            interaction_id VARCHAR NOT NULL,
            ts TIMESTAMPTZ NOT NULL,
            kind VARCHAR NOT NULL,
            value JSON,
            PRIMARY KEY (interaction_id, kind, ts)
        );
        CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ,
            judge VARCHAR NOT NULL,
            rubrics JSON NOT NULL,
            status VARCHAR NOT NULL,
            stats JSON
        );
        CREATE TABLE judgments (
            interaction_id VARCHAR NOT NULL,
            rubric VARCHAR NOT NULL,
            rubric_version VARCHAR NOT NULL,
            judge VARCHAR NOT NULL,
            label INTEGER,
            probs JSON,
            expected DOUBLE,
            method VARCHAR,
            raw VARCHAR,
            status VARCHAR NOT NULL,
            input_tokens BIGINT,
            output_tokens BIGINT,
            cost_usd DOUBLE,
            latency_ms DOUBLE,
            run_id VARCHAR,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (interaction_id, rubric, rubric_version, judge)
        );
        CREATE TABLE labels (
            interaction_id VARCHAR PRIMARY KEY,
            p_bad DOUBLE NOT NULL,
            label_model VARCHAR NOT NULL,
            model_version VARCHAR NOT NULL,
            sources_bad JSON,
            sources_good JSON,
            created_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE triage_clusters (
            key VARCHAR PRIMARY KEY,
            name VARCHAR,
            status VARCHAR NOT NULL DEFAULT 'open',
            note VARCHAR,
            centroid DOUBLE[],
            first_week VARCHAR,
            last_week VARCHAR,
            updated_at TIMESTAMPTZ NOT NULL
        );
        """
    )
    con.execute("INSERT INTO meta VALUES ('user_salt', ?)", [secrets.token_hex(16)])


def m002_judgment_prompt_hash(con: duckdb.DuckDBPyConnection) -> None:
    """Judgments remember the hash of what the judge saw, so the same prompt is never paid for twice."""
    con.execute("ALTER TABLE judgments ADD COLUMN prompt_hash VARCHAR")


def m003_calibrations(con: duckdb.DuckDBPyConnection) -> None:
    """Calibration results over time, so drift shows (`critic calibrate --history`)."""
    con.execute(
        """
        CREATE TABLE calibrations (
            created_at TIMESTAMPTZ NOT NULL,
            judge VARCHAR NOT NULL,
            criterion VARCHAR NOT NULL,
            rubric_version VARCHAR,
            source VARCHAR,
            result JSON NOT NULL
        )
        """
    )


def m004_label_runs_and_triage_weeks(con: duckdb.DuckDBPyConnection) -> None:
    """Each label fit's per-source figures (for the report), and each cluster's size per triaged week."""
    con.execute(
        """
        CREATE TABLE label_runs (
            created_at TIMESTAMPTZ NOT NULL,
            model_version VARCHAR NOT NULL,
            label_model VARCHAR NOT NULL,
            note VARCHAR,
            interactions BIGINT NOT NULL,
            sources JSON NOT NULL
        );
        ALTER TABLE triage_clusters ADD COLUMN fixed_week VARCHAR;
        ALTER TABLE triage_clusters ADD COLUMN profile JSON;
        CREATE TABLE triage_weeks (
            key VARCHAR NOT NULL,
            week VARCHAR NOT NULL,
            size BIGINT NOT NULL,
            share_bad DOUBLE NOT NULL,
            PRIMARY KEY (key, week)
        );
        """
    )


def m005_check_runs(con: duckdb.DuckDBPyConnection) -> None:
    """Each `critic check`'s candidate outputs, so a later check can use it as its baseline by id."""
    con.execute(
        """
        CREATE TABLE check_runs (
            run_id VARCHAR PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL,
            candidate VARCHAR NOT NULL,
            items JSON NOT NULL
        )
        """
    )


def m006_batches(con: duckdb.DuckDBPyConnection) -> None:
    """Provider batches in flight (`critic eval --batch`), so a later run resumes instead of paying again."""
    con.execute(
        """
        CREATE TABLE batches (
            batch_id VARCHAR PRIMARY KEY,
            judge VARCHAR NOT NULL,
            submitted_at TIMESTAMPTZ NOT NULL,
            status VARCHAR NOT NULL,
            prompt_hashes JSON NOT NULL,
            finished_at TIMESTAMPTZ
        )
        """
    )


def m007_eval_items(con: duckdb.DuckDBPyConnection) -> None:
    """Evaluation items (check, calibrate, audit, pytest plugin) in their own table, out of the logged traffic.

    Earlier stores kept them in `interactions` with ids 'check:…'; they move here, and their
    labels go (they were never traffic).
    """
    con.execute(
        """
        CREATE TABLE eval_items (
            id VARCHAR PRIMARY KEY,
            created_at TIMESTAMPTZ NOT NULL,
            output VARCHAR NOT NULL,
            input VARCHAR,
            reference VARCHAR,
            context VARCHAR
        );
        INSERT INTO eval_items SELECT id, ingested_at, output, input, reference, context
            FROM interactions WHERE id LIKE 'check:%';
        DELETE FROM labels WHERE interaction_id LIKE 'check:%';
        DELETE FROM events WHERE interaction_id LIKE 'check:%';
        DELETE FROM interactions WHERE id LIKE 'check:%';
        """
    )


def m008_end_model(con: duckdb.DuckDBPyConnection) -> None:
    """Labels keep the LabelModel's P(bad) beside the end model's, and the features that drove it."""
    con.execute("ALTER TABLE labels ADD COLUMN p_bad_votes DOUBLE")
    con.execute("ALTER TABLE labels ADD COLUMN drivers JSON")
    con.execute("ALTER TABLE label_runs ADD COLUMN end_model JSON")


def m009_students(con: duckdb.DuckDBPyConnection) -> None:
    """Student critics (`critic distill`): each version's weights as JSON, so `student:NAME` travels with the store."""
    con.execute(
        """
        CREATE TABLE students (
            name VARCHAR NOT NULL,
            version VARCHAR NOT NULL,
            rubric VARCHAR NOT NULL,
            teacher VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            model JSON NOT NULL,
            PRIMARY KEY (name, version)
        )
        """
    )


def m010_calls_as_logged(con: duckdb.DuckDBPyConnection) -> None:
    """Interactions keep what another tool logged: a failed call's error, a call logged without its content,
    the system prompt apart from the user's turn, and no timestamp where none was logged."""
    con.execute(
        """
        ALTER TABLE interactions ALTER COLUMN ts DROP NOT NULL;
        ALTER TABLE interactions ADD COLUMN system VARCHAR;
        ALTER TABLE interactions ADD COLUMN error VARCHAR;
        ALTER TABLE interactions ADD COLUMN has_content BOOLEAN NOT NULL DEFAULT true;
        """
    )


def m011_review(con: duckdb.DuckDBPyConnection) -> None:
    """People's verdicts on interactions (`critic review`), and the queue that chose what they looked at."""
    con.execute(
        """
        CREATE TABLE verdicts (
            interaction_id VARCHAR NOT NULL,
            reviewer VARCHAR NOT NULL,
            verdict VARCHAR NOT NULL CHECK (verdict IN ('bad', 'ok')),
            mode VARCHAR,
            note VARCHAR,
            reason VARCHAR,
            source VARCHAR NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (interaction_id, reviewer)
        );
        CREATE TABLE review_queue (
            interaction_id VARCHAR PRIMARY KEY,
            reason VARCHAR NOT NULL,
            p_bad DOUBLE,
            period VARCHAR NOT NULL,
            queued_at TIMESTAMPTZ NOT NULL
        );
        """
    )


def m012_gemma_is_its_own_judge(con: duckdb.DuckDBPyConnection) -> None:
    """`local` scored accuracy and tone with Gemma's likelihood until they got shipped students; those judgments
    are Gemma's, now stored as `local:gemma-3-270m`, so `local` judges them anew with the students."""
    con.execute(
        """
        UPDATE judgments SET judge = 'local:gemma-3-270m'
        WHERE judge = 'local' AND method = 'likelihood' AND rubric IN ('accuracy', 'tone')
        """
    )


MIGRATIONS: list[Migration] = [
    m001_initial,
    m002_judgment_prompt_hash,
    m003_calibrations,
    m004_label_runs_and_triage_weeks,
    m005_check_runs,
    m006_batches,
    m007_eval_items,
    m008_end_model,
    m009_students,
    m010_calls_as_logged,
    m011_review,
    m012_gemma_is_its_own_judge,
]


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration the store lacks, in order; return the names applied."""
    con.execute("CREATE TABLE IF NOT EXISTS _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    done = {row[0] for row in con.execute("SELECT name FROM _migrations").fetchall()}
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            migration(con)
            con.execute("INSERT INTO _migrations VALUES (?, now())", [migration.__name__])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(migration.__name__)
    return applied
