"""No API key escapes: a gateway that echoes the request's headers in its errors, through every command."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.secrets import scrub
from critic.store import Store
from tests.conftest import golden_check
from tests.fakes.provider import ECHOES, ProviderServer

OPENAI_KEY = "sk-proj-CANARY0openai0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-api03-CANARY1anthropic0123456789"
GATEWAY_KEY = "gw-CANARY2-7f3a9c0d1e"  # a self-hosted gateway's key: no known shape, caught because critic read it
CANARIES = ("CANARY0", "CANARY1", "CANARY2")


def test_scrub_masks_known_keys_and_key_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_GATEWAY_TOKEN", GATEWAY_KEY)
    text = (
        f'401: {{"authorization": "Bearer {GATEWAY_KEY}", "x-api-key": "{ANTHROPIC_KEY}"}} '
        f"api_key={OPENAI_KEY} Authorization: Basic dXNlcjpwYXNzd29yZDEyMw=="
    )
    clean = scrub(text)
    assert clean is not None and not any(c in clean for c in CANARIES) and "dXNlcjpw" not in clean
    assert clean.startswith("401: ")
    ordinary = "A basic understanding of the token budget; the bearer of bad news; sk-learn 1.5."
    assert scrub(ordinary) == ordinary


def test_no_key_reaches_store_output_or_reports(
    sample_store: Store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample_store.close()
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("MY_GATEWAY_TOKEN", GATEWAY_KEY)
    monkeypatch.setenv("CRITIC_DB", str(db_path))
    runner = CliRunner()
    printed: list[str] = []

    def run(*args: str) -> int:
        result = runner.invoke(cli, list(args))
        printed.extend([result.stdout, result.stderr])
        assert "Traceback" not in result.stdout + result.stderr
        return result.exit_code

    with ProviderServer() as server:
        server.faults_queue = list(ECHOES) * 4
        assert (
            run(
                "eval",
                "--judge",
                "openai:gpt-4.1-mini",
                "--base-url",
                server.url,
                "--rubric",
                "tone",
                "--limit",
                "40",
                "--concurrency",
                "4",
            )
            == 0
        )
        server.faults_queue = list(ECHOES) * 2
        assert (
            run(
                "eval",
                "--judge",
                "anthropic:claude-haiku-4-5",
                "--base-url",
                server.root,
                "--rubric",
                "tone",
                "--limit",
                "20",
                "--concurrency",
                "4",
            )
            == 0
        )
        server.faults_queue = list(ECHOES) * 100  # every call fails: the run exits 1, and says so in one line
        assert (
            run(
                "eval",
                "--judge",
                "openai:other-model",
                "--base-url",
                server.url,
                "--rubric",
                "accuracy",
                "--limit",
                "5",
            )
            == 1
        )
        first = (
            duckdb.connect(str(db_path), read_only=True)
            .execute("SELECT interaction_id FROM judgments WHERE status = 'error' LIMIT 1")
            .fetchone()
        )
        assert first is not None
        server.faults_queue = ["echo_401"]
        assert (  # the explanation call failed: exit 1, the error scrubbed (issue 22)
            run("explain", first[0], "--rubric", "tone", "--judge", "openai:gpt-4.1-mini", "--base-url", server.url)
            == 1
        )
        server.faults_queue = list(ECHOES) * 6
        run(*golden_check("candidate_worse.jsonl", "openai:gpt-4.1-mini", server.url))
    assert run("label") == 0
    assert run("triage", "--out", str(tmp_path / "report")) == 0

    con = duckdb.connect(str(db_path), read_only=True)
    errors = con.execute("SELECT raw FROM judgments WHERE status = 'error'").fetchall()
    assert len(errors) >= 24 and all("[secret]" in raw for (raw,) in errors if "headers were" in raw)
    dump = repr(
        [
            con.execute(f'SELECT * FROM "{t}"').fetchall()
            for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ]
    )
    con.close()
    files = [db_path.read_bytes().decode("latin-1")]
    files += [p.read_text(errors="replace") for p in (tmp_path / "report").iterdir()]
    for text in [dump, *printed, *files]:
        assert not any(canary in text for canary in CANARIES)
