"""Fault injection through the real SDK clients: every item ends with exactly one row, no non-label is `ok`.

The loopback provider answers some calls with bodies that are not what the API promises
(tests.fakes.provider.MALFORMED), with replies that are no label but carry log-probabilities on
the digits (NON_LABELS), with errors, and without logprobs support at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.judge.records import parse_label
from critic.store import Store
from tests.fakes.provider import ECHOES, MALFORMED, NON_LABELS, ProviderServer


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-faults")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-faults")


def evaluate(db: Path, judge: str, url: str, *args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        cli, ["eval", "--db", str(db), "--format", "json", "--judge", judge, "--base-url", url, *args]
    )
    assert "Traceback" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}


def rows(db: Path, judge: str) -> list[tuple[str, str, int | None, str | None, float | None, str | None]]:
    con = duckdb.connect(str(db), read_only=True)
    found = con.execute(
        "SELECT interaction_id, status, label, raw, expected, method FROM judgments "
        "WHERE judge = ? ORDER BY interaction_id",
        [judge],
    ).fetchall()
    con.close()
    return found


def assert_one_row_each_and_no_nonlabel_ok(db: Path, judge: str, expected_items: int) -> list[tuple]:
    found = rows(db, judge)
    assert len(found) == expected_items == len({r[0] for r in found})
    for _, status, label, raw, expected, _ in found:
        if status == "ok":
            assert parse_label(raw) == label and expected is not None and 1 <= expected <= 7
        else:
            assert label is None and expected is None
    return found


def _ingest(db: Path, tmp_path: Path, outputs: list[str]) -> None:
    """Interactions i0, i1, … with these outputs to one question: equal outputs share a prompt."""
    traffic = tmp_path / "traffic.jsonl"
    traffic.write_text(
        "".join(
            json.dumps({"id": f"i{n}", "ts": f"2026-11-2{n % 7}T10:00:00Z", "input": "q", "output": out}) + "\n"
            for n, out in enumerate(outputs)
        )
    )
    assert CliRunner().invoke(cli, ["ingest", str(traffic), "--db", str(db)]).exit_code == 0


@pytest.mark.parametrize("judge, url_of", [("openai:gpt-4.1-mini", "url"), ("anthropic:claude-haiku-4-5", "root")])
def test_every_fault_shape_is_that_items_row_and_the_run_goes_on(
    sample_store: Store, db_path: Path, judge: str, url_of: str
) -> None:
    sample_store.close()
    # each non-label twice: a garbled reply is asked again once (issue 22), and the second garbles too
    nonlabels = [f"nonlabel:{t}" for t in NON_LABELS for _ in range(2)]
    faults = [*MALFORMED, *nonlabels, *ECHOES, "garbage", "garbage", "500", "429", "odd_tokens", "odd_tokens"]
    with ProviderServer() as server:
        server.faults_queue = list(faults)
        code, result = evaluate(
            db_path, judge, getattr(server, url_of), "--rubric", "tone", "--limit", "80", "--concurrency", "6"
        )
    assert code == 0 and result["judged"] + result["cached"] + result["errors"] == 80
    found = assert_one_row_each_and_no_nonlabel_ok(db_path, judge, 80)
    failed = [r for r in found if r[1] != "ok"]
    # every malformed body and echoed error is an error row with its text; every non-label unparseable
    assert sum(r[1] == "error" for r in failed) >= len(MALFORMED) + len(ECHOES) - 1  # logprob_str is a fine "5"
    assert all(r[3] is not None for r in failed) and all(r[3] for r in failed if r[1] == "error")
    if judge.startswith("openai"):
        unparseable = {r[3] for r in found if r[1] == "unparseable"}
        # calls run six at a time, so a retry may draw another item's fault: which texts land varies, their kind not
        assert unparseable and len(unparseable) >= len(NON_LABELS) // 2
    con = duckdb.connect(str(db_path), read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("done",)]
    con.close()


def test_a_server_without_logprobs_costs_no_item_its_row(sample_store: Store, db_path: Path) -> None:
    """Calls in flight together all ask for logprobs; each one refused retries without them."""
    sample_store.close()
    with ProviderServer(logprobs=False, latency_s=0.05) as server:
        code, result = evaluate(
            db_path, "openai:llama", server.url, "--rubric", "tone", "--limit", "120", "--concurrency", "16"
        )
    assert code == 0 and result["errors"] == 0
    found = assert_one_row_each_and_no_nonlabel_ok(db_path, "openai:llama", 120)
    assert {r[5] for r in found if r[1] == "ok"} == {"label"}


def test_items_sharing_a_failed_prompt_each_get_an_error_row(db_path: Path, tmp_path: Path) -> None:
    _ingest(db_path, tmp_path, ["Same answer."] * 4 + ["Other answer."] * 3 + ["Third."])
    with ProviderServer() as server:
        server.faults_queue = ["echo_400"] * 50
        code, result = evaluate(db_path, "openai:m", server.url, "--rubric", "fluency")
        assert code == 1 and result["errors"] == 8 and server.stats.calls == 3  # one call per distinct prompt
        server.faults_queue = []
        code, again = evaluate(db_path, "openai:m", server.url, "--rubric", "fluency")  # errors are retried
    assert code == 0 and again["judged"] == 3 and again["cached"] == 5
    found = rows(db_path, "openai:m")
    assert len(found) == 8 and all(r[1] == "ok" for r in found)  # the error rows were replaced


def test_a_garbled_reply_is_asked_again_and_never_copied_to_its_twins(db_path: Path, tmp_path: Path) -> None:
    """30 garbage replies once became 124 unparseable rows: copied to every interaction sharing the prompt."""
    _ingest(db_path, tmp_path, ["Same answer."] * 5 + ["Other answer."] * 3)
    with ProviderServer() as server:
        server.faults_queue = ["garbage"]  # the first call garbles; its retry is answered
        code, result = evaluate(db_path, "openai:m", server.url, "--rubric", "fluency", "--concurrency", "1")
        assert code == 0 and result["unparseable"] == 0 and server.stats.calls == 3  # 2 prompts + 1 retry
        server.faults_queue = ["garbage"] * 2 + ["nonlabel:I think"] * 10  # garbled twice: that item's alone
        code, again = evaluate(db_path, "openai:other", server.url, "--rubric", "fluency", "--concurrency", "1")
        calls = server.stats.calls - 3
    found = rows(db_path, "openai:other")
    # the 5 twins of the garbled prompt each got their own two calls (10); the other prompt garbled twice (2),
    # and its 2 twins were each asked on their own (2): 14 calls, 6 unparseable rows, each from its own calls
    assert code == 0 and len(found) == 8 and calls == 14
    assert sum(r[1] == "unparseable" for r in found) == 6
    assert all(r[1] == "ok" for r in rows(db_path, "openai:m"))
