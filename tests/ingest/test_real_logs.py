"""Logs written by the real instrumentation libraries: every LLM call they record reaches the store as what it was.

`tests/realtraffic/produce.py` runs the real packages (opentelemetry-instrumentation-openai-v2 in
each content mode, openinference-instrumentation-openai and -litellm, LiteLLM's OTel callback and
its standard logging payload) against a loopback OpenAI server, 16 scenarios each, and writes what
they export with the real OTLP encoder plus a manifest of what each call was. The same checks run
on a fresh production (this machine's packages, pinned in the test extra) and on the recording in
tests/data/realtraffic (what a reader can open). The checks read only the manifest, which was
written from what the server sent, never from critic's mapping.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.config import Config
from critic.ingest import ingest_files
from critic.judge.run import Selection, select_work
from critic.rubrics import builtin_rubrics
from critic.store import Store

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "tests" / "data" / "realtraffic"
# the files of one export, ingested together (spans and the GenAI log events that belong to them)
GROUPS = {
    "openai_v2_default": ["openai_v2_default.jsonl"],
    "openai_v2_span_only": ["openai_v2_span_only.jsonl"],
    "openai_v2_event_only": ["openai_v2_event_only.jsonl", "openai_v2_event_only.logs.jsonl"],
    "openai_v2_span_and_event": ["openai_v2_span_and_event.jsonl", "openai_v2_span_and_event.logs.jsonl"],
    "openinference_openai": ["openinference_openai.jsonl"],
    "openinference_openai_genai": ["openinference_openai_genai.jsonl"],
    "openinference_litellm": ["openinference_litellm.jsonl"],
    "litellm_otel": ["litellm_otel.jsonl"],
    "litellm_standard_logging": ["litellm_standard_logging.jsonl"],
}


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh production by the installed instrumentation packages (about 15 s)."""
    out = tmp_path_factory.mktemp("realtraffic")
    done = subprocess.run(
        [sys.executable, "-m", "tests.realtraffic.produce", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module", params=["recorded", "fresh"])
def folder(request: pytest.FixtureRequest) -> Path:
    return RECORDED if request.param == "recorded" else Path(request.getfixturevalue("produced"))


def _ingest(folder: Path, group: str, tmp_path: Path) -> tuple[Store, Any]:
    store = Store.open(tmp_path / f"{group}.duckdb")
    result = ingest_files(store, [str(folder / f) for f in GROUPS[group]], Config())
    return store, result


def _rows(store: Store) -> dict[str, dict[str, Any]]:
    """Interactions keyed by the id they were logged under (span id, or LiteLLM's call id)."""
    cur = store.con.execute("SELECT *, coalesce(metadata->'source'->>'span_id', id) AS key FROM interactions")
    names = [d[0] for d in cur.description]
    return {r[-1]: dict(zip(names, r)) for r in cur.fetchall()}


def _call_keys(folder: Path, group: str, call: dict[str, Any]) -> list[str]:
    if "standard_logging_lines" in call:
        lines = (folder / GROUPS[group][0]).read_text().splitlines()
        return [json.loads(lines[n - 1])["id"] for n in call["standard_logging_lines"]]
    return [s["span_id"] for s in call["spans"] if s["looks_like_llm_call"]]


def _documents_logged(folder: Path, group: str, call: dict[str, Any]) -> bool:
    """Whether a span of the call's trace holds the retrieved documents in its own attributes."""
    text = "\n".join((folder / f).read_text() for f in GROUPS[group])
    return bool(call["documents"]) and (
        "retrieval.documents.0.document.content" in text or "gen_ai.retrieval.documents" in text
    )


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_llm_call_is_accounted_for(folder: Path, group: str, tmp_path: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())["files"][GROUPS[group][0]]
    store, result = _ingest(folder, group, tmp_path)
    with store:
        rows = _rows(store)
        assert result.interactions == manifest["llm_calls"] == len(manifest["calls"]) == len(rows)
        assert result.skipped == manifest.get("non_llm_spans", 0), result.skipped_by_reason
        for call in manifest["calls"]:
            keys = _call_keys(folder, group, call)
            found = [rows[k] for k in keys if k in rows]
            assert len(found) == 1, (call["scenario"], keys)
            _check_call(found[0], call, documents=_documents_logged(folder, group, call))
        judged = {
            w.interaction_id for w in select_work(store, [builtin_rubrics()["helpfulness"]], "local", Selection())
        }
        never = {r["id"] for r in rows.values() if r["finish_reason"] == "error" or not r["has_content"]}
        assert never and not judged & never and judged | never == {r["id"] for r in rows.values()}


def _check_call(row: dict[str, Any], call: dict[str, Any], *, documents: bool) -> None:
    seen = call.get("found_in_telemetry") or call.get("found_in_standard_logging") or {}
    outcome, scenario = call["expected_outcome"], call["scenario"]
    if outcome in ("error", "cut"):  # the user got an error (a cut stream raises in the app)
        assert row["finish_reason"] == "error" and row["error"], scenario
        return
    assert row["finish_reason"] != "error" and row["error"] is None, scenario
    if outcome == "truncated":
        assert row["finish_reason"] == "length", scenario
    captured = call.get("content_captured", {"input": True, "output": True})
    if not captured["input"] and not captured["output"]:  # content capture off: times, tokens and ids only
        assert not row["has_content"] and row["output"] == "" and row["input"] is None, scenario
        return
    assert row["has_content"], scenario
    if seen.get("last_user_message"):
        image = "\n[image]" if call["has_image"] else ""  # where the library kept the image part, as a marker
        assert row["input"] in (call["last_user_message"], call["last_user_message"] + image), scenario
    if seen.get("system_prompt"):
        assert row["system"] == call["system_prompt"] and call["system_prompt"] not in (row["input"] or ""), scenario
    replies = seen.get("replies") or []
    if outcome == "ok" and replies and replies[0]:
        assert row["output"] == call["expected_replies"][0], scenario
        if len(replies) > 1 and all(replies):
            assert json.loads(row["metadata"])["choices"] == call["expected_replies"], scenario
    if outcome == "tool_calls" and all(seen.get("tool_call_arguments") or [False]):
        lines = row["output"].splitlines()
        assert [line.split("(")[0] for line in lines] == [t["name"] for t in call["tool_calls"]], scenario
        for line, tool in zip(lines, call["tool_calls"]):
            for key, value in json.loads(tool["arguments"]).items():
                assert f"{key}={json.dumps(value, ensure_ascii=False)}" in line, (scenario, line)
    if documents:
        assert row["context"] and all(d in row["context"] for d in call["documents"]), scenario


def test_skipped_records_are_counted_by_reason_and_strict_refuses_them(tmp_path: Path) -> None:
    path = RECORDED / "openinference_openai.jsonl"
    ok = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "a.duckdb"), "--format", "json", str(path)])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["skipped_by_reason"] == {
        "openinference CHAIN span": 1,
        "openinference RETRIEVER span": 1,
        "openinference TOOL span": 1,
    }
    strict = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "b.duckdb"), "--strict", str(path)])
    assert strict.exit_code == 1
    assert f"{path}:" in strict.stderr and "openinference" in strict.stderr and "--strict" in strict.stderr
    with Store.open(tmp_path / "b.duckdb") as store:
        assert store.count("interactions") == 0


def test_failed_calls_get_their_own_problem_in_triage(tmp_path: Path) -> None:
    db = str(tmp_path / "c.duckdb")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--db", db, str(RECORDED / "openai_v2_span_only.jsonl")]).exit_code == 0
    assert runner.invoke(cli, ["label", "--db", db]).exit_code == 0
    with Store.open(db) as store:
        failed = store.con.execute(
            "SELECT l.p_bad, l.drivers FROM labels l JOIN interactions i ON i.id = l.interaction_id "
            "WHERE i.finish_reason = 'error'"
        ).fetchall()
    assert len(failed) == 3 and all(p == 1.0 and json.loads(d) == ["failed call"] for p, d in failed)
    out = tmp_path / "reports"
    result = runner.invoke(
        cli,
        ["triage", "--db", db, "--out", str(out), "--format", "json", "--since", "2000-01-01", "--until", "2099-01-01"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(next(out.rglob("report.json")).read_text())
    assert any(c["signature"] == "failed" and c["size"] == 3 for c in report["clusters"]), report["clusters"]
