"""critic export: verdicts go back keyed by the ids the traffic was logged under, in each target's real format."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from google.protobuf.json_format import Parse
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
)

from critic.cli import cli
from critic.config import Config
from critic.ingest import ingest_files
from critic.store import Store
from tests.conftest import SAMPLE
from tests.fakes.provider import ProviderServer
from tests.ingest.convert import to_langfuse, to_otlp

ROWS = [json.loads(line) for line in (SAMPLE / "interactions.jsonl").read_text().splitlines()][:60]


def judged(db: Path, traffic: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingest TRAFFIC, judge it for tone through the loopback provider, and label it."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-export")
    with Store.open(db) as store:
        ingest_files(store, [str(traffic)], Config())
    runner = CliRunner()
    with ProviderServer() as server:
        result = runner.invoke(
            cli,
            ["eval", "--db", str(db), "--judge", "openai:gpt-4.1-mini", "--base-url", server.url, "--rubric", "tone"],
        )
        assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["label", "--db", str(db)]).exit_code == 0


def export(db: Path, target: str, out: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--to", target, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_langfuse_scores_land_on_the_observation_they_judge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "critic.duckdb"
    judged(db, to_langfuse(ROWS, [], tmp_path / "langfuse.jsonl"), monkeypatch)
    scores = export(db, "langfuse-scores", tmp_path / "scores.jsonl")
    by_name: dict[str, list[dict[str, object]]] = {}
    for s in scores:
        by_name.setdefault(str(s["name"]), []).append(s)
    assert set(by_name) == {"critic.tone", "critic.p_bad"} and len(by_name["critic.tone"]) == len(ROWS)
    for s in by_name["critic.tone"]:
        assert s["traceId"] == f"trace-{s['observationId']}" and s["dataType"] == "NUMERIC"
        assert 1 <= float(s["value"]) <= 7  # type: ignore[arg-type]
    again = export(db, "langfuse-scores", tmp_path / "again.jsonl")
    assert [s["id"] for s in again] == [s["id"] for s in scores]  # re-export updates, never duplicates


def test_otel_log_records_reference_the_original_spans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "critic.duckdb"
    judged(db, to_otlp(ROWS, tmp_path / "spans.jsonl"), monkeypatch)
    lines = (tmp_path / "spans.jsonl").read_text().splitlines()
    spans = {
        s["spanId"]: s["traceId"]
        for line in lines
        for rs in json.loads(line)["resourceSpans"]
        for ss in rs["scopeSpans"]
        for s in ss["spans"]
    }
    out = tmp_path / "verdicts.jsonl"
    requests = export(db, "otel", out)
    records = []
    for request in requests:
        # OTLP JSON writes ids in hex; protobuf's own JSON mapping reads bytes as base64: convert, then parse
        for rec in request["resourceLogs"][0]["scopeLogs"][0]["logRecords"]:  # type: ignore[index]
            for key in ("traceId", "spanId"):
                rec[key] = base64.b64encode(bytes.fromhex(rec[key])).decode()
        parsed = Parse(json.dumps(request), ExportLogsServiceRequest())  # the real OTLP schema accepts it
        records += list(parsed.resource_logs[0].scope_logs[0].log_records)
    assert len(records) == 2 * len(ROWS)  # a tone score and P(bad) each
    for r in records:
        attrs = {a.key: a.value for a in r.attributes}
        assert r.event_name == "gen_ai.evaluation.result"
        assert attrs["gen_ai.evaluation.name"].string_value in ("critic.tone", "critic.p_bad")
        assert spans[r.span_id.hex()] == r.trace_id.hex()


def test_jsonl_export_and_an_empty_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "critic.duckdb"
    traffic = tmp_path / "traffic.jsonl"
    traffic.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    judged(db, traffic, monkeypatch)
    lines = export(db, "jsonl", tmp_path / "v.jsonl")
    assert len(lines) == len(ROWS) and {"interaction_id", "p_bad", "judgments", "source"} <= set(lines[0])
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--to", "jsonl", "--since", "2099-01-01"])
    assert result.exit_code == 0 and result.stdout == "" and "wrote 0" in result.stderr


def test_exports_link_back_without_a_span_id_and_keep_the_time_exact(tmp_path: Path) -> None:
    recorded = Path(__file__).resolve().parent / "data" / "realtraffic"
    db = str(tmp_path / "c.duckdb")
    runner = CliRunner()
    for name in ("openai_v2_span_only.jsonl", "litellm_standard_logging.jsonl"):
        assert runner.invoke(cli, ["ingest", "--db", db, str(recorded / name)]).exit_code == 0
    assert runner.invoke(cli, ["label", "--db", db]).exit_code == 0
    out = tmp_path / "x.jsonl"
    assert runner.invoke(cli, ["export", "--db", db, "--to", "otel", "--out", str(out)]).exit_code == 0
    records = [
        r
        for line in out.read_text().splitlines()
        for r in json.loads(line)["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    ]
    spans = {
        s["spanId"]: s["startTimeUnixNano"]
        for line in (recorded / "openai_v2_span_only.jsonl").read_text().splitlines()
        for rs in json.loads(line)["resourceSpans"]
        for ss in rs["scopeSpans"]
        for s in ss["spans"]
    }
    linked = [r for r in records if "spanId" in r]
    by_response = [
        r for r in records if "spanId" not in r and any(a["key"] == "gen_ai.response.id" for a in r["attributes"])
    ]
    assert len(linked) == 16 and len(by_response) >= 13  # 3 failed LiteLLM calls got no response
    for r in linked:  # P(bad) records carry the span's start time, to the microsecond the store keeps
        assert int(r["timeUnixNano"]) == int(spans[r["spanId"]]) // 1000 * 1000
