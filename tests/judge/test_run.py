"""critic eval end to end: the real SDK clients against the loopback server, and the embedded judge."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.judge.backends import revision
from critic.judge.run import Selection, select_work
from critic.rubrics import resolve_rubric
from critic.store import Store
from tests.fakes.provider import ProviderServer

KEY = "sk-test-SECRET-0123456789"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def eval_json(db: Path, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(cli, ["eval", "--db", str(db), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_eval_then_rerun_costs_zero_calls(
    sample_store: Store, db_path: Path, provider: ProviderServer, keys: None
) -> None:
    sample_store.close()
    args = [
        "--judge",
        "openai:gpt-4.1-mini",
        "--base-url",
        provider.url,
        "--rubric",
        "tone",
        "--rubric",
        "accuracy",
        "--limit",
        "60",
        "--concurrency",
        "8",
    ]
    first = eval_json(db_path, *args)
    calls = provider.stats.calls
    assert first["judged"] + first["cached"] == 120 and first["errors"] == 0
    assert calls == first["judged"] and first["output_tokens"] == first["judged"]
    assert first["cost_usd"] > 0
    again = eval_json(db_path, *args)
    assert provider.stats.calls == calls and again["judged"] == 0 and again["cached"] == 0
    with Store.open(db_path) as store:
        rows = store.con.execute(
            "SELECT count(*), count(DISTINCT (interaction_id, rubric)), min(method) FROM judgments"
        ).fetchone()
        assert rows == (120, 120, "logprobs")
        runs = store.con.execute("SELECT status FROM runs").fetchall()
        assert runs == [("done",), ("done",)]


def test_identical_prompts_are_judged_once(
    sample_store: Store, db_path: Path, provider: ProviderServer, keys: None
) -> None:
    sample_store.close()
    result = eval_json(db_path, "--judge", "openai:gpt-4.1-mini", "--base-url", provider.url, "--rubric", "fluency")
    with Store.open(db_path) as store:
        distinct = store.con.execute("SELECT count(DISTINCT output) FROM interactions").fetchone()
    assert provider.stats.calls == result["judged"] == (distinct[0] if distinct else -1)
    assert result["cached"] == 2000 - result["judged"]


def test_faults_end_with_a_status_and_unparseable_is_never_scored(
    sample_store: Store, db_path: Path, keys: None
) -> None:
    sample_store.close()
    with ProviderServer(fault_rate=0.3, seed=3, stall_s=1.5) as server:
        result = CliRunner().invoke(
            cli,
            [
                "eval",
                "--db",
                str(db_path),
                "--format",
                "json",
                "--judge",
                "openai:gpt-4.1-mini",
                "--base-url",
                server.url,
                "--rubric",
                "tone",
                "--limit",
                "150",
                "--concurrency",
                "32",
            ],
            env={"CRITIC_JUDGE_TIMEOUT": "1"},
        )
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        assert server.stats.faults.get("garbage", 0) > 0
    with Store.open(db_path) as store:
        statuses = dict(store.con.execute("SELECT status, count(*) FROM judgments GROUP BY 1").fetchall())
        assert sum(statuses.values()) == 150
        # a garbled reply is asked again once, so few stay unparseable (tests/judge/test_faults.py forces them)
        assert statuses.get("unparseable", 0) == payload["unparseable"]
        scored = store.con.execute(
            "SELECT count(*) FROM judgments WHERE status <> 'ok' AND (label IS NOT NULL OR expected IS NOT NULL)"
        ).fetchone()
        assert scored == (0,)
        raws = {r for (r,) in store.con.execute("SELECT raw FROM judgments WHERE status = 'unparseable'").fetchall()}
        assert raws <= {"I think"}


def test_kill_9_loses_nothing_and_the_next_run_resumes(sample_store: Store, db_path: Path, keys: None) -> None:
    sample_store.close()
    args = [
        sys.executable,
        "-m",
        "critic.cli",
        "eval",
        "--db",
        str(db_path),
        "--judge",
        "openai:gpt-4.1-mini",
        "--rubric",
        "tone",
        "--limit",
        "400",
        "--concurrency",
        "4",
        "--format",
        "json",
    ]
    with ProviderServer(latency_s=0.02) as server:
        env = {**os.environ, "OPENAI_BASE_URL": server.url}
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while server.stats.calls < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed_calls = server.stats.calls
        con = duckdb.connect(str(db_path), read_only=True)
        kept = con.execute("SELECT count(*) FROM judgments").fetchone()
        con.close()
        assert kept is not None and 0 < kept[0] < 400
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        second = json.loads(done.stdout)
    with Store.open(db_path) as store:
        assert store.con.execute("SELECT count(*), count(DISTINCT interaction_id) FROM judgments").fetchone() == (
            400,
            400,
        )
        statuses = store.con.execute("SELECT status FROM runs ORDER BY started_at").fetchall()
    assert statuses == [("interrupted",), ("done",)]  # the killed run is not left 'running'
    assert second["already_judged"] == kept[0]
    # the second run judged what the first had not written; at most the in-flight calls were paid twice
    assert second["judged"] + second["cached"] == 400 - kept[0]
    assert server.stats.calls - killed_calls <= second["judged"]


def test_budget_stops_cleanly_and_dry_run_calls_nothing(
    sample_store: Store, db_path: Path, provider: ProviderServer, keys: None
) -> None:
    sample_store.close()
    base = ["--judge", "openai:gpt-4.1-mini", "--base-url", provider.url, "--rubric", "accuracy", "--limit", "300"]
    plan = eval_json(db_path, *base, "--dry-run")
    assert provider.stats.calls == 0 and plan["calls"] > 0 and plan["cost_usd"] > 0
    budget = plan["cost_usd"] / 3
    result = eval_json(db_path, *base, "--budget-usd", str(budget))
    assert 0 < result["judged"] < plan["calls"]
    assert result["cost_usd"] <= budget and result["stopped"] == "budget"


def test_relative_times_select_like_iso_ones(
    sample_store: Store, db_path: Path, provider: ProviderServer, keys: None
) -> None:
    sample_store.close()
    base = ["--judge", "openai:gpt-4.1-mini", "--base-url", provider.url, "--rubric", "tone", "--dry-run"]
    assert eval_json(db_path, *base, "--since", "yesterday")["calls"] == 0  # the sample traffic is older
    assert eval_json(db_path, *base, "--since", "3650d")["calls"] > 0


def test_anthropic_eval(sample_store: Store, db_path: Path, provider: ProviderServer, keys: None) -> None:
    sample_store.close()
    result = eval_json(
        db_path,
        "--judge",
        "anthropic:claude-haiku-4-5",
        "--base-url",
        provider.root,
        "--rubric",
        "tone",
        "--limit",
        "20",
    )
    assert result["judged"] + result["cached"] == 20 and result["errors"] == 0
    with Store.open(db_path) as store:
        assert store.con.execute("SELECT DISTINCT method FROM judgments").fetchall() == [("label",)]


def test_changing_a_rubric_rejudges_only_that_rubric(
    sample_store: Store, db_path: Path, provider: ProviderServer, keys: None, tmp_path: Path
) -> None:
    sample_store.close()
    from critic.rubrics import BUILTIN_DIR

    tone = tmp_path / "tone.yaml"
    tone.write_text((BUILTIN_DIR / "tone.yaml").read_text())
    base = ["--judge", "openai:gpt-4.1-mini", "--base-url", provider.url, "--limit", "10", "--rubric", "accuracy"]
    eval_json(db_path, *base, "--rubric", str(tone))
    tone.write_text(tone.read_text().replace("Warm, respectful", "Warm, kind, respectful"))
    again = eval_json(db_path, *base, "--rubric", str(tone))
    assert again["judged"] + again["cached"] == 10


def test_missing_key_fails_before_any_call(sample_store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample_store.close()
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result = CliRunner().invoke(cli, ["eval", "--db", str(db_path), "--judge", "openai:gpt-4.1-mini", "--limit", "1"])
    assert result.exit_code == 1 and "OPENAI_API_KEY" in result.stderr


def test_the_default_judge_scores_every_builtin_rubric_with_its_student(sample_store: Store, db_path: Path) -> None:
    """No key, no Gemma: accuracy and tone have shipped students too (bench/RESULTS.md, *Shipped students*)."""
    sample_store.close()
    rubrics = [a for r in ("accuracy", "tone", "helpfulness") for a in ("--rubric", r)]
    result = eval_json(db_path, *rubrics, "--sample", "20", "--seed", "1")
    assert result["errors"] == 0 and result["unparseable"] == 0
    with Store.open(db_path) as store:
        rows = store.con.execute("SELECT rubric, judge, method, count(*) FROM judgments GROUP BY ALL").fetchall()
    students = {(r, "local", revision("local", r)) for r in ("accuracy", "tone", "helpfulness")}
    assert {(r, j, m) for r, j, m, _ in rows} == students and all(m.startswith("student@") for _, _, m in students)


@pytest.mark.slow
def test_embedded_judge_scores_real_interactions(sample_store: Store, db_path: Path) -> None:
    sample_store.close()
    result = eval_json(db_path, "--rubric", "tone", "--judge", "local:gemma-3-270m", "--sample", "6", "--seed", "1")
    assert result["judged"] + result["cached"] == 6 and result["errors"] == 0 and result["unparseable"] == 0
    with Store.open(db_path) as store:
        rows = store.con.execute("SELECT label, expected, probs, method FROM judgments").fetchall()
    for label, expected, probs, method in rows:
        dist = {int(k): v for k, v in json.loads(probs).items()}
        assert method == "likelihood" and 1 <= label <= 7
        assert sum(dist.values()) == pytest.approx(1.0)
        assert expected == pytest.approx(sum(k * p for k, p in dist.items()))


def test_dry_run_counts_the_calls_the_run_makes(
    sample_store: Store, db_path: Path, provider: ProviderServer, keys: None
) -> None:
    sample_store.close()
    base = ["--judge", "openai:gpt-4.1-mini", "--base-url", provider.url, "--rubric", "fluency", "--limit", "200"]
    plan = eval_json(db_path, *base, "--dry-run")
    result = eval_json(db_path, *base)
    assert plan["calls"] == result["judged"] == provider.stats.calls
    assert plan["cached"] == result["cached"] > 0  # the sample repeats outputs: those are judged once


def test_adaptive_limit_halves_once_per_burst_and_climbs_back() -> None:
    import asyncio

    from critic.judge.run import AdaptiveLimit

    async def scenario() -> list[int]:
        limit = AdaptiveLimit(64, cooldown_s=60)
        seen = []
        for _ in range(10):  # ten 429s from calls that were in flight together
            await limit.acquire()
            await limit.release(rate_limited=True)
        seen.append(limit.limit)
        for _ in range(400):
            await limit.acquire()
            await limit.release(rate_limited=False)
        seen.append(limit.limit)
        return seen

    after_burst, recovered = asyncio.run(scenario())
    assert after_burst == 32
    assert recovered == 64


def test_eval_with_the_local_judge_says_how_far_to_trust_it(sample_store: Store, db_path: Path) -> None:
    sample_store.close()
    result = CliRunner().invoke(cli, ["eval", "--db", str(db_path), "--rubric", "tone", "--limit", "3"])
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("local judge: tone")]
    assert "shipped student" in line and "held-out" in line and "HH-RLHF harmless" in line and "not a verdict" in line


def test_a_retrained_shipped_student_re_judges_what_the_old_one_scored(sample_store: Store, db_path: Path) -> None:
    """A critic upgrade that ships new student weights must not serve the old student's labels as cached."""
    sample_store.close()
    args = ["eval", "--db", str(db_path), "--rubric", "tone", "--limit", "3", "--format", "json"]
    first = json.loads(CliRunner().invoke(cli, args).stdout)
    assert first["judged"] == 3
    again = json.loads(CliRunner().invoke(cli, args).stdout)
    assert again["judged"] == 0 and again["already_judged"] == 3
    with Store.open(db_path) as store:
        (method,) = store.con.execute("SELECT DISTINCT method FROM judgments WHERE judge = 'local'").fetchone()
        assert method == revision("local", "tone") and method.startswith("student@")
        store.con.execute(  # one judgment as a critic with an older student stored it
            "UPDATE judgments SET method = 'student', prompt_hash = 'older' WHERE interaction_id = "
            "(SELECT min(interaction_id) FROM judgments WHERE judge = 'local')"
        )
    after = json.loads(CliRunner().invoke(cli, args).stdout)
    assert after["judged"] == 1 and after["already_judged"] == 2
    with Store.open(db_path) as store:
        assert store.con.execute("SELECT count(*) FROM judgments WHERE method = 'student'").fetchone() == (0,)


def test_an_unparseable_judgment_is_finished_for_every_judge(sample_store: Store) -> None:
    """An unparseable reply has no method: it must not count as another revision's and be paid for again."""
    tone = resolve_rubric("tone")
    (iid,) = sample_store.con.execute("SELECT min(id) FROM interactions WHERE has_content").fetchone()
    for judge in ("openai:gpt-4.1-mini", "local"):
        sample_store.con.execute(
            "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, status, method, created_at) "
            "VALUES (?, 'tone', ?, ?, 'unparseable', NULL, now())",
            [iid, tone.version, judge],
        )
        work = select_work(sample_store, [tone], judge, Selection(ids=(iid,)))
        assert list(work) == [] and work.already_judged == 1, judge
