"""critic check: the worse candidate fails, the equivalent one passes, and the gate rarely cries wolf."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner

from critic.check.gate import Thresholds, decide
from critic.cli import cli
from critic.store import Store
from tests.conftest import GOLDEN, golden_check
from tests.fakes.provider import ProviderServer


def check(db: Path, provider: ProviderServer, candidate: str, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli,
        [*golden_check(candidate, "openai:gpt-4.1-mini", provider.url), "--db", str(db), *extra],
        env={"OPENAI_API_KEY": "sk-test"},
    )
    return result.exit_code, result.stdout, result.stderr


def test_worse_candidate_fails_with_exit_3_and_names_the_rubric(
    db_path: Path, provider: ProviderServer, tmp_path: Path
) -> None:
    junit = tmp_path / "critic.xml"
    code, out, _ = check(db_path, provider, "candidate_worse.jsonl", "--junit", str(junit), "--format", "json")
    payload = json.loads(out)
    assert code == 3 == payload["exit_code"] and payload["passed"] is False
    tone = payload["rubrics"][0]
    assert tone["rubric"] == "tone" and tone["verdict"] == "regressed" and tone["worst"]
    suite = ET.fromstring(junit.read_text())
    assert suite.get("failures") == "1" and suite.find("testcase/failure") is not None


def test_equivalent_candidate_passes_and_costs_no_new_calls(db_path: Path, provider: ProviderServer) -> None:
    code, out, _ = check(db_path, provider, "candidate_same.jsonl")
    assert code == 0 and out.startswith("PASS") and "tone: unchanged" in out
    calls = provider.stats.calls
    code, out, _ = check(db_path, provider, "candidate_same.jsonl", "--format", "md")
    assert code == 0 and "✅ pass" in out and provider.stats.calls == calls


def test_baseline_can_be_an_earlier_check_run(db_path: Path, provider: ProviderServer) -> None:
    code, out, _ = check(db_path, provider, "candidate_same.jsonl", "--format", "json")
    run_id = json.loads(out)["run_id"]
    result = CliRunner().invoke(
        cli,
        [
            *golden_check("candidate_worse.jsonl", "openai:gpt-4.1-mini", provider.url, baseline=run_id),
            "--db",
            str(db_path),
        ],
        env={"OPENAI_API_KEY": "sk-test"},
    )
    assert result.exit_code == 3 and "tone: regressed" in result.stdout
    unknown = CliRunner().invoke(
        cli,
        [
            "check",
            "--baseline",
            "check-nope",
            "--candidate",
            str(GOLDEN / "candidate_same.jsonl"),
            "--db",
            str(db_path),
        ],
    )
    assert unknown.exit_code == 1 and "recent check runs: " in unknown.stderr and run_id in unknown.stderr


def test_too_few_items_is_insufficient_evidence(db_path: Path, provider: ProviderServer) -> None:
    code, out, _ = check(db_path, provider, "candidate_worse.jsonl", "--min-n", "100")
    assert code == 0 and "insufficient evidence" in out


def test_failed_judgments_above_the_share_are_an_error(db_path: Path) -> None:
    with ProviderServer() as server:
        server.faults_queue = ["garbage"] * 200
        code, _, err = check(db_path, server, "candidate_worse.jsonl")
    assert code == 1 and "cannot be trusted" in err


def test_malformed_candidate_names_the_line(db_path: Path, provider: ProviderServer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "g000", "output": "x"}\n{"id": "g001"}\n')
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "--baseline",
            str(GOLDEN / "baseline.jsonl"),
            "--candidate",
            str(bad),
            "--db",
            str(db_path),
            "--judge",
            "openai:m",
            "--base-url",
            provider.url,
        ],
        env={"OPENAI_API_KEY": "k"},
    )
    assert result.exit_code == 1 and f"{bad}:2: 'output' must be a string" in result.stderr


def test_a_golden_file_with_chat_inputs_is_judged_on_the_last_user_turn(
    db_path: Path, provider: ProviderServer, tmp_path: Path
) -> None:
    rows = [json.loads(line) for line in (GOLDEN / "inputs.jsonl").read_text().splitlines()]
    chat = tmp_path / "chat.jsonl"
    chat.write_text(
        "".join(
            json.dumps(
                {
                    **r,
                    "input": [
                        {"role": "system", "content": "You are the shop's support assistant."},
                        {"role": "user", "content": [{"type": "text", "text": r["input"]}]},
                    ],
                }
            )
            + "\n"
            for r in rows
        )
    )
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "--baseline",
            str(GOLDEN / "baseline.jsonl"),
            "--candidate",
            str(GOLDEN / "candidate_same.jsonl"),
            "--golden",
            str(chat),
            "--rubric",
            "helpfulness",
            "--judge",
            "openai:gpt-4.1-mini",
            "--base-url",
            provider.url,
            "--db",
            str(db_path),
        ],
        env={"OPENAI_API_KEY": "sk-test"},
    )
    assert result.exit_code == 0, result.output
    judged = [p for p in provider.stats.prompts if rows[0]["reference"] in p]
    assert judged and all(rows[0]["input"] in p and "support assistant" not in p for p in judged)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "g000", "input": {"question": 3}}) + "\n")
    refused = CliRunner().invoke(
        cli,
        [
            "check",
            "--baseline",
            str(GOLDEN / "baseline.jsonl"),
            "--candidate",
            str(GOLDEN / "candidate_same.jsonl"),
            "--golden",
            str(bad),
            "--db",
            str(db_path),
            "--judge",
            "openai:m",
            "--base-url",
            provider.url,
        ],
        env={"OPENAI_API_KEY": "k"},
    )
    assert refused.exit_code == 1 and f"{bad}:1: 'input' must be a string or a list of chat messages" in refused.stderr


def test_false_alarm_rate_on_equal_quality_pairs_is_at_most_alpha() -> None:
    """Equal-quality baseline and candidate (same distribution, judge noise): the gate must rarely fail."""
    trials, alarms = 400, 0
    thresholds = Thresholds(
        max_drop=0.0, alpha=0.05, min_n=10
    )  # max_drop 0: only the test stands between us and a false alarm
    for seed in range(trials):
        rng = np.random.default_rng(seed)
        quality = rng.uniform(2, 6, 60)
        base = np.clip(np.rint(quality + rng.normal(0, 0.8, 60)), 1, 7)
        cand = np.clip(np.rint(quality + rng.normal(0, 0.8, 60)), 1, 7)
        alarms += decide("r", [str(i) for i in range(60)], base, cand, thresholds).verdict == "regressed"
    # two-sided test at 0.05 → ~2.5% of trials drop significantly; allow sampling error
    assert alarms / trials <= 0.05


def test_a_real_small_drop_is_caught() -> None:
    rng = np.random.default_rng(0)
    quality = rng.uniform(3, 6, 80)
    base = quality + rng.normal(0, 0.3, 80)
    verdict = decide("r", [str(i) for i in range(80)], base, base - 0.6 + rng.normal(0, 0.3, 80), Thresholds())
    assert verdict.verdict == "regressed"


@pytest.mark.parametrize("candidate", ["candidate_same.jsonl"])
def test_printed_verdict_and_exit_code_agree(db_path: Path, provider: ProviderServer, candidate: str) -> None:
    code, out, _ = check(db_path, provider, candidate, "--format", "json")
    payload = json.loads(out)
    assert (payload["passed"], payload["exit_code"]) == (code == 0, code)


def test_pytest_plugin_fixture_passes_and_fails_readably(
    pytester: pytest.Pytester, provider: ProviderServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("CRITIC_JUDGE", "openai:gpt-4.1-mini")
    monkeypatch.setenv("CRITIC_DB", str(tmp_path / "quality.duckdb"))
    pytester.makepyfile(f"""
        URL = {provider.url!r}

        def test_polite(critic_quality):
            result = critic_quality(["Happy to help, here is how to return it."] * 3, rubric="tone", min_mean=3,
                base_url=URL)
            assert result.n == 3

        def test_rude(critic_quality):
            critic_quality(["Obviously, read it.", "Honestly, look it up."], rubric="tone", min_mean=5, base_url=URL)
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*critic: mean tone 2.* < 5 over 2 outputs*", "*Obviously, read it.*"])


@pytest.mark.slow
def test_embedded_judge_fails_the_worse_candidate_and_passes_the_same(db_path: Path, tmp_path: Path) -> None:
    """The shipped judge, no key: accuracy (its shipped student, the input as material) catches the worse outputs."""
    files = {}
    for name in ("inputs", "baseline", "candidate_worse", "candidate_same"):  # 12 items keep it short
        lines = (GOLDEN / f"{name}.jsonl").read_text().splitlines()[:12]
        files[name] = tmp_path / f"{name}.jsonl"
        files[name].write_text("\n".join(lines) + "\n")

    def run(candidate: str) -> tuple[int, dict]:
        result = CliRunner().invoke(
            cli,
            [
                "check",
                "--baseline",
                str(files["baseline"]),
                "--candidate",
                str(files[candidate]),
                "--golden",
                str(files["inputs"]),
                "--rubric",
                "accuracy",
                "--judge",
                "local",
                "--min-n",
                "10",
                "--db",
                str(db_path),
                "--format",
                "json",
            ],
        )
        return result.exit_code, json.loads(result.stdout)

    code, worse = run("candidate_worse")
    assert code == 3 and worse["rubrics"][0]["rubric"] == "accuracy" and worse["rubrics"][0]["verdict"] == "regressed"
    code, same = run("candidate_same")
    assert code == 0 and same["rubrics"][0]["verdict"] == "unchanged"


def test_a_check_leaves_label_triage_and_compare_unchanged(
    labelled_sample: Path, provider: ProviderServer, tmp_path: Path
) -> None:
    """Evaluation items live in their own table: a check on a production store changes no traffic figure."""
    db = tmp_path / "shared.duckdb"
    shutil.copy(labelled_sample, db)
    runner = CliRunner()

    def figures() -> tuple[str, str, str]:
        label = runner.invoke(cli, ["label", "--db", str(db), "--format", "json"])
        compare = runner.invoke(cli, ["compare", "--db", str(db), "--by", "model", "--format", "json"])
        triage = runner.invoke(cli, ["triage", "--db", str(db), "--format", "json", "--out", str(tmp_path / "r")])
        assert label.exit_code == compare.exit_code == triage.exit_code == 0, (
            label.output + compare.output + triage.output
        )
        report = json.loads(triage.stdout)
        return (
            json.dumps({k: v for k, v in json.loads(label.stdout).items() if k != "created_at"}, sort_keys=True),
            compare.stdout,
            json.dumps([report["headline"], report["latency"], report["cost"]], sort_keys=True),
        )

    before = figures()
    assert check(db, provider, "candidate_worse.jsonl")[0] == 3
    with Store.open(db) as store:
        assert store.count("eval_items") == store.count("judgments") == 67  # 13 outputs unchanged: one item each
        assert store.con.execute("SELECT count(*) FROM interactions WHERE id LIKE 'check:%'").fetchone() == (0,)
    assert figures() == before
