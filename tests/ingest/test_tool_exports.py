"""Exports of other tools, collected from their own repositories: every LLM call they hold reaches the store.

tests/data/langfuse (Langfuse's API pages, single traces, v2 observations with string I/O, UI downloads),
tests/data/vercel (Vercel AI SDK spans, SDK 5 and 7) and tests/data/otel_misc (OpenLIT, TraceLoop,
Koog, pydantic-ai, Semantic Kernel, the Langfuse SDK's own spans) were gathered by someone who had
not read critic's mapping; each folder's expected.json says, from the source, what each file holds
(its README gives provenance and license). These tests check critic against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from critic.config import Config
from critic.ingest import ingest_files
from critic.store import Store

DATA = Path(__file__).resolve().parents[1] / "data"
# Inputs critic does not read, with why: agno logs Python reprs of its message objects, not JSON
UNREAD_INPUTS = {"b38a82eaa62b551e", "ca136de468e156c9"}


def _cases() -> list[tuple[str, str]]:
    cases = []
    for folder in ("langfuse", "vercel", "otel_misc"):
        expected = json.loads((DATA / folder / "expected.json").read_text())
        cases += [(folder, name) for name in expected if not name.startswith("_")]
    return cases


@pytest.mark.parametrize(("folder", "name"), _cases())
def test_every_llm_call_of_an_export_is_accounted_for(folder: str, name: str, tmp_path: Path) -> None:
    expected = json.loads((DATA / folder / "expected.json").read_text())[name]
    with Store.open(tmp_path / "critic.duckdb") as store:
        result = ingest_files(store, [str(DATA / folder / name)], Config())
        cur = store.con.execute(
            "SELECT *, coalesce(metadata->'source'->>'observation_id', "
            "metadata->'source'->>'span_id', id) AS key FROM interactions"
        )
        names = [d[0] for d in cur.description]
        rows = {r[-1]: dict(zip(names, r)) for r in cur.fetchall()}
    calls = expected.get("llm_calls", [])
    assert result.interactions == len(calls) == len(rows)
    non_llm = expected.get("non_llm_observations") or {}
    spans = (
        len(expected.get("wrapper_spans", []))
        + len(expected.get("tool_spans", []))
        + len(expected.get("other_spans", []))
    )
    assert result.skipped >= sum(len(ids) for ids in non_llm.values()) + spans
    for kind, ids in non_llm.items():
        assert result.skipped_by_reason.get(f"langfuse {kind} observation") == len(ids)
    for call in calls:
        _check(rows[call.get("id") or call["span_id"]], call)
    scores = expected.get("scores")
    if isinstance(scores, list):  # each score is an event, or a skipped score on a session
        assert result.events + result.skipped_by_reason.get("langfuse score on a session", 0) == len(scores)


def _check(row: dict[str, Any], call: dict[str, Any]) -> None:
    where = call.get("id") or call["span_id"]
    outcome = call["outcome"]
    if outcome == "error":
        assert row["finish_reason"] == "error" and row["error"], where
        return
    assert row["finish_reason"] != "error", where
    if outcome == "no_content":
        assert not row["has_content"] and row["output"] == "", where
        return
    assert row["has_content"], where
    if call.get("last_user_message") and where not in UNREAD_INPUTS:
        assert row["input"].strip() == call["last_user_message"].strip(), where
    if outcome == "ok" and call.get("output_text"):
        assert row["output"] == call["output_text"], where
    if outcome == "tool_calls":
        lines = row["output"].splitlines()
        tools = call["tool_calls"]
        assert [line.split("(")[0] for line in lines[-len(tools) :]] == [t["name"] for t in tools], (where, lines)
