"""A command whose judge calls all fail exits 1 with the first error, scrubbed: a revoked key never passes CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.cli import cli
from tests.conftest import golden_check
from tests.fakes.provider import ProviderServer

KEY = "sk-proj-revoked0123456789abcdef"


@pytest.fixture
def revoked(monkeypatch: pytest.MonkeyPatch):
    """A provider that refuses every call with 401, echoing the key (as gateways do)."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with ProviderServer(keep_prompts=False) as server:
        server.faults_queue = ["echo_401"] * 10_000
        yield server


def _fails_cleanly(result, server: ProviderServer) -> None:
    assert result.exit_code == 1, result.output
    assert "every one of" in result.output or "failed" in result.output
    assert "401" in result.output and KEY not in result.output and server.stats.calls > 0


def test_calibrate_human_with_every_call_failing_exits_1(
    runner: CliRunner, revoked: ProviderServer, tmp_path: Path
) -> None:
    rated = tmp_path / "rated.jsonl"
    rated.write_text("".join(json.dumps({"id": f"r{i}", "output": f"answer {i}", "human": 3}) + "\n" for i in range(6)))
    result = runner.invoke(
        cli, ["calibrate", "--human", str(rated), "--rubric", "tone", "--judge", "openai:m", "--base-url", revoked.url]
    )
    _fails_cleanly(result, revoked)
    assert "every one of 6 judge calls failed; the first: 401" in result.output


def test_audit_with_every_call_failing_exits_1(runner: CliRunner, revoked: ProviderServer) -> None:
    for probe in ("injection", "position"):
        result = runner.invoke(
            cli, ["audit", "--probe", probe, "--items", "3", "--judge", "openai:m", "--base-url", revoked.url]
        )
        _fails_cleanly(result, revoked)


def test_check_with_every_call_failing_exits_1(runner: CliRunner, revoked: ProviderServer) -> None:
    result = runner.invoke(cli, golden_check("candidate_worse.jsonl", "openai:m", revoked.url))
    _fails_cleanly(result, revoked)
