"""Logs where teams keep them: each format round-trips the sample traffic into the same store content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.config import Config
from critic.errors import InputError
from critic.ingest import ingest_files
from critic.store import Store
from tests.conftest import SAMPLE
from tests.ingest.convert import to_langfuse, to_litellm, to_otlp

ROWS = [json.loads(line) for line in (SAMPLE / "interactions.jsonl").read_text().splitlines()][:300]
EVENTS = [
    e
    for e in (json.loads(line) for line in (SAMPLE / "events.jsonl").read_text().splitlines())
    if e["interaction_id"] in {r["id"] for r in ROWS}
]
FIELDS = "ts, output, round(latency_ms, 3), input_tokens, output_tokens, model, feature, finish_reason, session_id"


def content(store: Store, by_id: bool) -> list[tuple[Any, ...]]:
    key = "id, " if by_id else ""
    return store.con.execute(
        f"SELECT {key}{FIELDS}, round(coalesce(cost_usd, -1), 9) FROM interactions ORDER BY ts, output"
    ).fetchall()


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("original")
    traffic = folder / "traffic.jsonl"
    traffic.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    events = folder / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS))
    with Store.open(folder / "critic.duckdb") as store:
        ingest_files(store, [str(traffic), str(events)], Config())
    return folder / "critic.duckdb"


def test_otel_genai_spans_round_trip(original: Path, tmp_path: Path) -> None:
    path = to_otlp(ROWS, tmp_path / "spans.jsonl")
    with Store.open(tmp_path / "critic.duckdb") as store:
        result = ingest_files(store, [str(path)], Config())
        assert (result.interactions, result.skipped) == (len(ROWS), len(ROWS))  # retriever spans are no LLM call
        assert result.skipped_by_reason == {"otel span with no GenAI attributes": len(ROWS)}
        got = [r[:-1] + (-1,) for r in content(store, by_id=False)]  # OTel GenAI has no cost attribute
        inputs = store.con.execute("SELECT input FROM interactions ORDER BY ts, output").fetchall()
        source = store.con.execute(
            "SELECT metadata->'source'->>'format', length(metadata->'source'->>'span_id'), "
            "id = metadata->'source'->>'span_id' FROM interactions LIMIT 1"
        ).fetchone()
    with Store.open(original) as store:
        want = [r[:-1] + (-1,) for r in content(store, by_id=False)]
        want_inputs = store.con.execute("SELECT input FROM interactions ORDER BY ts, output").fetchall()
    assert got == want and inputs == want_inputs
    assert source == ("otel", 16, True)


def test_otlp_with_base64_ids_as_protobuf_json_writes_them(tmp_path: Path) -> None:
    path = to_otlp(ROWS[:10], tmp_path / "spans.json", hex_ids=False, per_request=100)
    with Store.open(tmp_path / "critic.duckdb") as store:
        assert ingest_files(store, [str(path)], Config()).interactions == 10
        ids = store.con.execute("SELECT id FROM interactions").fetchall()
    assert all(len(i) == 16 and int(i, 16) >= 0 for (i,) in ids)


def test_langfuse_observations_and_scores_round_trip(original: Path, tmp_path: Path) -> None:
    path = to_langfuse(ROWS, EVENTS, tmp_path / "langfuse.jsonl")
    with Store.open(tmp_path / "critic.duckdb") as store:
        result = ingest_files(store, [str(path)], Config())
        assert (result.interactions, result.skipped) == (len(ROWS), len(ROWS))
        got = content(store, by_id=True)
        got_events = store.con.execute("SELECT interaction_id, kind, ts FROM events ORDER BY ALL").fetchall()
        extra = store.con.execute(
            "SELECT prompt_version, metadata->>'app_version', metadata->'source'->>'trace_id' "
            "FROM interactions WHERE id = ?",
            [ROWS[0]["id"]],
        ).fetchone()
    with Store.open(original) as store:
        want = [r[:8] + (None,) + r[9:] for r in content(store, by_id=True)]  # Langfuse has no finish_reason
        want_events = store.con.execute(
            "SELECT interaction_id, kind, ts FROM events WHERE kind IN ('thumb_up', 'thumb_down') ORDER BY ALL"
        ).fetchall()
    assert got == want and got_events == want_events and len(got_events) > 10
    assert extra == ("support@3", ROWS[0]["metadata"]["app_version"], f"trace-{ROWS[0]['id']}")


def test_litellm_payloads_round_trip(original: Path, tmp_path: Path) -> None:
    path = to_litellm(ROWS, tmp_path / "litellm.jsonl")
    with Store.open(tmp_path / "critic.duckdb") as store:
        assert ingest_files(store, [str(path)], Config()).interactions == len(ROWS)
        got = content(store, by_id=True)
    with Store.open(original) as store:
        want = content(store, by_id=True)
    assert got == want


def test_langfuse_scores_that_are_not_feedback_keep_their_name(tmp_path: Path) -> None:
    path = tmp_path / "scores.jsonl"
    obs = {
        "id": "g1",
        "traceId": "t1",
        "type": "GENERATION",
        "startTime": "2026-11-02T10:00:00Z",
        "endTime": "2026-11-02T10:00:01Z",
        "model": "m",
        "input": "q",
        "output": "a",
    }
    score = {
        "id": "s1",
        "traceId": "t1",
        "name": "hallucination",
        "value": 0.8,
        "dataType": "NUMERIC",
        "source": "EVAL",
        "timestamp": "2026-11-02T10:05:00Z",
    }
    thumbs = {**score, "id": "s2", "name": "thumbs", "value": -1}
    path.write_text("\n".join(json.dumps(x) for x in (obs, score, thumbs)) + "\n")
    with Store.open(tmp_path / "critic.duckdb") as store:
        ingest_files(store, [str(path)], Config())
        rows = store.con.execute("SELECT interaction_id, kind, value->>'value' FROM events ORDER BY kind").fetchall()
    assert rows == [("g1", "score:hallucination", "0.8"), ("g1", "thumb_down", "-1")]


def test_a_span_critic_cannot_map_names_its_line(tmp_path: Path) -> None:
    path = to_otlp(ROWS[:3], tmp_path / "spans.jsonl", per_request=1)
    lines = path.read_text().splitlines()
    broken = json.loads(lines[1])
    for span in broken["resourceSpans"][0]["scopeSpans"][0]["spans"]:
        span["attributes"] = [a for a in span.get("attributes", []) if a["key"] != "gen_ai.output.messages"]
    lines[1] = json.dumps(broken)
    path.write_text("\n".join(lines) + "\n")
    with Store.open(tmp_path / "critic.duckdb") as store, pytest.raises(InputError) as err:
        ingest_files(store, [str(path)], Config())
    assert str(err.value).startswith(f"{path}:2: ") and "'output'" in str(err.value)


def test_from_requires_the_named_format(tmp_path: Path) -> None:
    path = to_litellm(ROWS[:2], tmp_path / "litellm.jsonl")
    result = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "c.duckdb"), "--from", "otel", str(path)])
    assert result.exit_code == 1 and f"{path}:1: not a otel record" in result.stderr
    ok = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "c.duckdb"), "--from", "litellm", str(path)])
    assert ok.exit_code == 0, ok.output
