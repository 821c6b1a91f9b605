"""critic eval --batch: submit, return, resume after a restart, collect once, half price — both providers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.store import Store
from tests.fakes.provider import ProviderServer


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")


def batch_eval(db: Path, judge: str, provider: ProviderServer, *extra: str) -> dict[str, object]:
    url = provider.url if judge.startswith("openai") else provider.root
    result = CliRunner().invoke(
        cli,
        [
            "eval",
            "--db",
            str(db),
            "--format",
            "json",
            "--judge",
            judge,
            "--base-url",
            url,
            "--rubric",
            "tone",
            "--limit",
            "40",
            "--batch",
            "--poll-interval",
            "0",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("judge", ["openai:gpt-4.1-mini", "anthropic:claude-haiku-4-5"])
def test_submit_then_resume_collects_once(
    sample_store: Store, db_path: Path, provider: ProviderServer, judge: str
) -> None:
    sample_store.close()
    first = batch_eval(db_path, judge, provider, "--no-wait")
    assert len(first["batches_submitted"]) == 1 and first["judged"] == 0  # submitted, nothing judged yet
    submitted = provider.stats.calls
    assert 0 < submitted <= 40, "each distinct prompt once, inside the batch"
    still = batch_eval(db_path, judge, provider, "--no-wait")  # the batch reports itself running: nothing new
    assert still["batches_submitted"] == [] and still["batches_running"] == first["batches_submitted"]
    done = batch_eval(db_path, judge, provider)  # a later run (a restart): collects, submits nothing
    assert done["batches_collected"] == first["batches_submitted"] and done["batches_submitted"] == []
    assert done["judged"] + done["cached"] == 40 and done["errors"] == 0
    assert provider.stats.calls == submitted, "no prompt is sent twice"
    again = batch_eval(db_path, judge, provider)
    assert again["judged"] == 0 and again["batches_submitted"] == [] and provider.stats.calls == submitted
    with Store.open(db_path) as store:
        statuses = store.con.execute("SELECT status, count(*) FROM judgments GROUP BY 1").fetchall()
        batches = store.con.execute("SELECT status FROM batches").fetchall()
    assert statuses == [("ok", 40)] and batches == [("ended",)]


def test_batch_costs_half_of_live(sample_store: Store, db_path: Path, tmp_path: Path, provider: ProviderServer) -> None:
    sample_store.close()
    live_db = tmp_path / "live.duckdb"
    live_db.write_bytes(db_path.read_bytes())
    batch = batch_eval(db_path, "openai:gpt-4.1-mini", provider)  # waits: submits and collects in one run
    assert batch["batches_submitted"] == batch["batches_collected"] and batch["judged"] > 0
    live = CliRunner().invoke(
        cli,
        [
            "eval",
            "--db",
            str(live_db),
            "--format",
            "json",
            "--judge",
            "openai:gpt-4.1-mini",
            "--base-url",
            provider.url,
            "--rubric",
            "tone",
            "--limit",
            "40",
        ],
    )
    live_cost = json.loads(live.stdout)["cost_usd"]
    assert batch["cost_usd"] == pytest.approx(live_cost / 2, abs=2e-6)  # both printed to 6 decimals


def test_local_judge_has_no_batch_api(sample_store: Store, db_path: Path) -> None:
    sample_store.close()
    result = CliRunner().invoke(
        cli, ["eval", "--db", str(db_path), "--judge", "local", "--rubric", "tone", "--limit", "2", "--batch"]
    )
    assert result.exit_code == 1 and "no batch API" in result.output


def test_batch_honours_the_budget(sample_store: Store, db_path: Path, provider: ProviderServer) -> None:
    sample_store.close()
    result = batch_eval(db_path, "openai:gpt-4.1-mini", provider, "--no-wait", "--budget-usd", "0.0002")
    assert result["stopped"] == "budget" and 0 < provider.stats.calls < 40
    assert result["cost_usd"] == 0  # nothing is charged before the batch ends
