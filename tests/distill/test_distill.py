"""critic distill and student:NAME: a student learned from a noisy teacher's stored judgments, then used as a judge."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.judge.backends.student.features import NAMES, featurize
from critic.store import Store
from tests.conftest import SAMPLE
from tests.fakes.provider import ProviderServer


@pytest.fixture(scope="module")
def teacher_db(judged_sample: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample judged by the noisy loopback teacher (openai:noisy): students leave the shared one."""
    path = tmp_path_factory.mktemp("distill") / "teacher.duckdb"
    judged_sample.con.execute("CHECKPOINT")  # everything in the file, nothing left in the WAL
    shutil.copy(judged_sample.path, path)
    with Store.open(path) as store:  # 600 judged interactions keep featurizing (the sentence model) short
        store.con.execute(
            "DELETE FROM judgments WHERE interaction_id NOT IN (SELECT id FROM interactions ORDER BY ts, id LIMIT 600)"
        )
    return path


def run(*args: str) -> tuple[int, str]:
    """Exit code, and stdout (or stderr's one-line error when it failed)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_features_are_deterministic_and_named() -> None:
    fields = {
        "input": "The council approved 12 new parks.",
        "output": "The council approved 12 parks and 40 pools.",
        "finish_reason": "stop",
    }
    x = featurize(fields)
    assert len(x) == len(NAMES) and (x == featurize(fields)).all()
    named = dict(zip(NAMES, x))
    assert named["novel_numbers"] == pytest.approx(np.log1p(1))  # 40 is nowhere in the input
    assert 0 < named["overlap_1"] < 1 and named["has_material"] == 1.0 and named["refusal"] == 0.0
    assert featurize({"output": "", "finish_reason": "length"})[NAMES.index("empty")] == 1.0


@pytest.fixture(scope="module")
def trained(teacher_db: Path) -> dict:
    """`critic distill` of a helpfulness student from the noisy teacher's 2,000 judgments; its JSON output."""
    code, out = run(
        "distill",
        "--rubric",
        "helpfulness",
        "--teacher",
        "openai:noisy",
        "--name",
        "helpful",
        "--db",
        str(teacher_db),
        "--format",
        "json",
    )
    assert code == 0, out
    return dict(json.loads(out))


def test_distill_from_a_teacher_then_judge_with_the_student(teacher_db: Path, trained: dict) -> None:
    db = str(teacher_db)
    assert trained["n"] == 600 and trained["teacher"] == "openai:noisy" and trained["features"] == list(NAMES)
    assert trained["cv"]["spearman"] > 0.2 and trained["cv"]["folds"] == 5  # it learned the teacher, held out
    with Store.open(db) as store:
        (model,) = store.con.execute("SELECT model FROM students WHERE name = 'helpful'").fetchone()
    assert all(isinstance(v, float) for v in json.loads(model)["coef"])  # plain numbers, never a pickle
    code, out = run("distill", "--list", "--db", db, "--format", "json")
    assert code == 0 and json.loads(out)[0]["name"] == "helpful"

    code, out = run(
        "eval",
        "--judge",
        "student:helpful",
        "--rubric",
        "helpfulness",
        "--limit",
        "200",
        "--db",
        db,
        "--format",
        "json",
    )
    assert code == 0, out
    first = json.loads(out)
    assert first["judged"] + first["cached"] == 200 and first["errors"] == 0 and first["cost_usd"] == 0
    with Store.open(db) as store:
        judges = store.con.execute(
            "SELECT DISTINCT judge, method FROM judgments WHERE judge LIKE 'student:%'"
        ).fetchall()
        probs = json.loads(
            store.con.execute("SELECT probs FROM judgments WHERE judge LIKE 'student:%' LIMIT 1").fetchone()[0]
        )
    assert judges == [(f"student:helpful@{trained['version']}", "student")]
    assert sum(probs.values()) == pytest.approx(1.0)
    code, out = run(
        "eval",
        "--judge",
        "student:helpful",
        "--rubric",
        "helpfulness",
        "--limit",
        "200",
        "--db",
        db,
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["judged"] == 0  # cached under the student's version

    code, out = run("eval", "--judge", "student:helpful", "--rubric", "tone", "--db", db)
    assert code == 1 and "trained for rubric 'helpfulness', not 'tone'" in out


def test_distill_from_human_scores_groups_and_scale(tmp_path: Path) -> None:
    planted = {r.split(",")[0]: r.split(",")[1] for r in (SAMPLE / "truth.csv").read_text().splitlines()[1:]}
    rows = []
    for line in (SAMPLE / "interactions.jsonl").read_text().splitlines()[:300]:
        record = json.loads(line)
        rows.append(
            {
                "id": record["id"],
                "input": record["input"],
                "output": record["output"],
                "human": 1 if planted[record["id"]] else 4,
                "group": record["feature"] + record["id"][-1],
            }
        )
    path = tmp_path / "rated.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = str(tmp_path / "s.duckdb")
    code, out = run(
        "distill",
        "--rubric",
        "helpfulness",
        "--human",
        str(path),
        "--human-scale",
        "1-4",
        "--name",
        "h",
        "--db",
        db,
        "--format",
        "json",
    )
    assert code == 0, out
    trained = json.loads(out)
    assert trained["n"] == 300 and trained["teacher"].startswith("human:") and trained["cv"]["grouped"]["groups"] > 0


def test_distill_needs_rows_and_says_how(tmp_path: Path) -> None:
    code, out = run(
        "distill", "--rubric", "tone", "--teacher", "openai:none", "--name", "x", "--db", str(tmp_path / "e.duckdb")
    )
    assert code == 1 and "only 0 training rows" in out and "critic eval --judge openai:none" in out
    code, out = run("distill", "--rubric", "tone", "--name", "x")
    assert code == 2 and "--teacher" in out
    code, out = run("eval", "--judge", "student:nobody", "--db", str(tmp_path / "e.duckdb"))
    assert code == 1 and "no student 'nobody'" in out


def test_cascade_pays_the_judge_only_for_escalated_and_audited_items(
    teacher_db: Path, trained: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The student judges all 200; a second judge (the loopback provider) gets 20% + the audit share; a re-run calls
    nobody."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    db = str(teacher_db)
    args = (
        "eval",
        "--cascade",
        "student:helpful",
        "--judge",
        "openai:second",
        "--rubric",
        "helpfulness",
        "--limit",
        "200",
        "--escalate",
        "0.2",
        "--audit",
        "0.1",
        "--db",
        db,
        "--format",
        "json",
    )
    with ProviderServer() as server:
        code, out = run(*args, "--base-url", server.url)
        assert code == 0, out
        first = json.loads(out)["cascade"]
        assert first["items"] == 200 and first["escalated"] == 40 and 5 < first["audited"] < 35
        # every escalated or audited item is judged once: by a call, or copied from an identical prompt judged before
        assert server.stats.calls == first["teacher_calls"] > 0
        assert first["teacher_calls"] + first["teacher_reused"] == first["escalated"] + first["audited"]
        agreement = first["agreement"]["helpfulness"]
        assert agreement["n"] == first["audited"] and agreement["mae"] is not None
        code, out = run(*args, "--base-url", server.url)
        assert code == 0 and server.stats.calls == first["teacher_calls"]  # nothing new to pay for
        assert json.loads(out)["cascade"]["escalated"] == 40
    with Store.open(db) as store:
        widest = store.con.execute("SELECT count(*) FROM judgments WHERE judge = 'openai:second'").fetchone()[0]
        history = store.con.execute("SELECT judge, source FROM calibrations").fetchall()
    assert widest == first["escalated"] + first["audited"]
    assert history == [(f"student:helpful@{trained['version']}", "cascade audit vs openai:second")]
