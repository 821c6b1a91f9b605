"""Bad invocations, as a careless user types them: exit 1 or 2 with one line on stderr, never a traceback.

Each runs against a store that holds the sample traffic (and nothing labelled) or a fresh folder;
none may touch the network (the provider URL is a closed port).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.config import Config
from critic.ingest import ingest_files
from critic.store import Store
from tests.conftest import SAMPLE

DEAD = "http://127.0.0.1:9/v1"  # discard port: nothing listens
BAD = [
    # ingest
    ["ingest"],
    ["ingest", "missing.jsonl"],
    ["ingest", "."],
    ["ingest", "notes.txt"],
    ["ingest", "empty.csv"],
    ["ingest", "--db", "nodir/x.duckdb", "traffic.jsonl"],
    ["ingest", "--db", "plain.txt", "traffic.jsonl"],
    ["ingest", "--bogus", "traffic.jsonl"],
    # eval
    ["eval", "--since", "yesterday-ish"],
    ["eval", "--since", "1000000000d"],
    ["eval", "--since", "0000-01-01"],
    ["eval", "--until", "soon"],
    ["eval", "--limit", "0"],
    ["eval", "--limit", "many"],
    ["eval", "--sample", "-3"],
    ["eval", "--budget-usd", "-1"],
    ["eval", "--concurrency", "0"],
    ["eval", "--rubric", "nonexistent"],
    ["eval", "--rubric", "missing.yaml"],
    ["eval", "--judge", "gpt-4"],
    ["eval", "--judge", "openai:"],
    ["eval", "--judge", "student:nobody"],
    ["eval", "--judge", "anthropic:claude", "--rubric", "tone"],  # no key set
    ["eval", "--judge", "openai:m", "--base-url", DEAD, "--rubric", "tone", "--limit", "2"],  # all calls fail
    ["eval", "--escalate", "2"],
    ["eval", "--cascade", "openai:m"],
    ["eval", "--poll-interval", "-5"],
    ["eval", "--format", "xml"],
    # explain
    ["explain"],
    ["explain", "no-such-id", "--rubric", "tone"],
    ["explain", "s7-0000001"],
    ["explain", "s7-0000001", "--rubric", "nonexistent"],
    # label and compare
    ["label", "--out", "nodir/x.csv"],
    ["label", "--out", "labels.txt"],
    ["label", "--since", "last week"],
    ["label", "--explain", "no-such-id"],
    ["label", "--format", "yaml"],
    ["compare"],
    ["compare", "--by", "colour"],
    ["compare", "--by", "model", "--a", "nope", "--b", "nada"],
    # triage
    ["triage"],
    ["triage", "--week", "2026-47"],
    ["triage", "--week", "2026-W60"],
    ["triage", "--since", "2026-11-16"],
    ["triage", "--week", "2026-W47", "--since", "2026-11-16", "--until", "2026-11-23"],
    ["triage", "--since", "2026-11-23", "--until", "2026-11-16"],
    ["triage", "--top", "0"],
    ["triage", "--out", "plain.txt"],
    ["triage", "mark"],
    ["triage", "mark", "abc", "sideways"],
    # calibrate, audit, check, distill, rubrics
    ["calibrate"],
    ["calibrate", "--scores", "missing.jsonl"],
    ["calibrate", "--scores", "traffic.jsonl"],
    ["calibrate", "--human", "missing.jsonl"],
    ["calibrate", "--human-scale", "high", "--scores", "traffic.jsonl"],
    ["audit"],
    ["audit", "--recorded", "missing.json"],
    ["audit", "--probe", "telepathy"],
    ["check"],
    ["check", "--candidate", "missing.jsonl", "--baseline", "missing.jsonl"],
    ["check", "--baseline", "traffic.jsonl", "--candidate", "traffic.jsonl", "--alpha", "2"],
    ["distill"],
    ["distill", "--rubric", "tone"],
    ["distill", "--rubric", "tone", "--human", "missing.jsonl"],
    ["distill", "--rubric", "tone", "--folds", "1"],
    ["rubrics", "show", "nonexistent"],
    ["rubrics", "validate", "missing.yaml"],
    ["rubrics", "frobnicate"],
    ["demo", "--sample", "0"],
    ["frobnicate"],
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    with Store.open(folder / "critic.duckdb") as store:
        ingest_files(store, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], Config())
    shutil.copy(SAMPLE / "interactions.jsonl", folder / "traffic.jsonl")
    (folder / "notes.txt").write_text("not traffic\n")
    (folder / "plain.txt").write_text("not a store\n")
    (folder / "empty.csv").write_text("")
    return folder


def test_the_table_is_large_enough() -> None:
    assert len(BAD) >= 50


@pytest.mark.parametrize("args", BAD, ids=lambda a: " ".join(a)[:60])
def test_a_bad_invocation_is_one_line_and_a_nonzero_exit(
    args: list[str], workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "critic.duckdb"
    shutil.copy(workdir / "critic.duckdb", db)
    monkeypatch.chdir(workdir)
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "CRITIC_CONFIG", "CRITIC_JUDGE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CRITIC_DB", str(db))
    if "--base-url" in args:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fuzz")
    result = CliRunner().invoke(cli, args)
    errors = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(("ingest: ", "judging", "label: ", "triage: ", "warning: "))
    ]
    assert result.exit_code in (1, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output and not isinstance(result.exception, AssertionError)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    usage = [line for line in errors if line.startswith(("Usage:", "Try "))]
    assert len([line for line in errors if line not in usage]) == 1, result.stderr
