"""critic calibrate --gold: each judge against the team's own reviewers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from critic.calibrate.gold import calibrate_gold
from critic.cli import cli
from critic.config import Config
from critic.ingest import ingest_files
from critic.review.verdicts import mark
from critic.store import Store


def _reviewed(store: Store, tmp_path: Path) -> None:
    """20 interactions; judge a scores the bad ones 1-2 and the fine ones 5-6, judge b the reverse half the time."""
    rows = [{"id": f"i{i:02d}", "ts": "2026-11-02T10:00:00Z", "input": "q", "output": f"a{i}"} for i in range(20)]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files(store, [str(tmp_path / "t.jsonl")], Config())
    for i in range(20):
        bad = i < 8
        for judge, score in (("openai:a", 1.0 + (i % 2) if bad else 5.0 + (i % 2)), ("openai:b", 4.0)):
            store.con.execute(
                "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, label, expected, status, "
                "created_at) VALUES (?, 'tone', 'v1', ?, ?, ?, 'ok', now())",
                [f"i{i:02d}", judge, int(score), score],
            )
        mark(store, f"i{i:02d}", "bad" if bad else "ok", reviewer="ana")


def test_each_judge_against_the_reviewers(store: Store, tmp_path: Path) -> None:
    _reviewed(store, tmp_path)
    found = {r["judge"]: r for r in calibrate_gold(store)}
    a, b = found["openai:a"], found["openai:b"]
    assert a["n"] == 20 and a["bad"] == 8 and a["auc"] == 1.0 and a["precision_low"] == 1.0 and a["recall_low"] == 1.0
    assert a["mean_bad"] == 1.5 and a["mean_ok"] == 5.5
    assert b["auc"] == 0.5 and b["precision_low"] is None  # a constant score ranks nothing, calls nothing bad


def test_calibrate_gold_cli_prints_and_keeps_it(store: Store, tmp_path: Path, runner: CliRunner) -> None:
    _reviewed(store, tmp_path)
    db = store.path
    store.close()
    result = runner.invoke(cli, ["calibrate", "--gold", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {r["judge"] for r in json.loads(result.stdout)["criteria"]} == {"openai:a", "openai:b"}
    history = runner.invoke(cli, ["calibrate", "--history", "--db", db])
    assert "AUC vs verdicts  1.000" in history.output
    with Store.open(db) as empty:
        empty.con.execute("DELETE FROM verdicts")
    none = runner.invoke(cli, ["calibrate", "--gold", "--db", db])
    assert none.exit_code == 1 and "review some" in none.output


def test_a_student_learns_from_the_verdicts_and_the_judge_elsewhere(store: Store, tmp_path: Path) -> None:
    from critic.distill.train import gold_rows
    from critic.rubrics import resolve_rubric

    _reviewed(store, tmp_path)
    tone = resolve_rubric("tone")
    store.con.execute("UPDATE judgments SET rubric_version = ?", [tone.version])
    store.con.execute("DELETE FROM verdicts WHERE interaction_id >= 'i15'")  # five nobody reviewed
    verdicts_only = gold_rows(store, tone, None)
    assert len(verdicts_only.y) == 15 and set(verdicts_only.y) == {1.0, 6.0}
    both = gold_rows(store, tone, "openai:a")
    assert len(both.y) == 20 and list(both.y[15:]) == [6.0, 5.0, 6.0, 5.0, 6.0]  # the judge's scores where no verdict
