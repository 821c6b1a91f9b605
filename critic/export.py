# SPDX-License-Identifier: Apache-2.0
"""`critic export`: send critic's verdicts back to the tool the traffic came from.

Every finished judgment (rubric, label, expected score, judge) and each interaction's P(bad)
are written in the target's ingestion format, keyed by the ids the interaction was logged
under (`metadata.source`, kept by `critic ingest`):

- `langfuse-scores`: score objects for Langfuse's `POST /api/public/scores` (one per line), on
  the trace and observation the generation came from (`critic.<rubric>` numeric scores and
  `critic.p_bad`); the score id is derived from (interaction, name, judge), so exporting again
  updates the same scores instead of adding new ones.
- `otel`: OTLP JSON log records (one export request per line, as the Collector's file exporter
  writes them), each a `gen_ai.evaluation.result` event with `gen_ai.evaluation.name`,
  `gen_ai.evaluation.score.value` and `gen_ai.evaluation.score.label`, carrying the original
  span's trace and span ids.
- `jsonl`: one line per interaction: its ids, P(bad) and judgments, for anything else.

Interactions logged in critic's own format have no source ids: their critic id stands in as the
Langfuse trace id, and OTel records carry it as `critic.interaction_id` only. Sources without a
span id link back by what they have: `gen_ai.response.id` (the provider's response id) on OTel
records, the Langfuse observation id (an OTel span id is the observation id Langfuse gives it).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from critic import __version__
from critic.store import Store, Window
from critic.store.variants import verdict_rows
from critic.store.views import LIKELY_BAD_ABOVE

TARGETS = ("langfuse-scores", "otel", "jsonl")
BATCH = 500  # log records per OTLP export request
_NAMESPACE = uuid.UUID("6f1c2a4e-3b1d-4c8e-9a57-0c6e0f2d9b11")


@dataclass(frozen=True)
class Verdict:
    """One interaction's judgments and P(bad), with the ids it was logged under."""

    interaction_id: str
    source: dict[str, Any]
    ts: datetime | None  # None where the source logged no time
    p_bad: float | None
    judgments: list[dict[str, Any]]
    labelled_at: datetime | None = None


def verdicts(store: Store, window: Window) -> Iterator[Verdict]:
    """Every interaction in WINDOW that has a judgment or a label, oldest first."""
    rows = verdict_rows(store, window)
    for iid, source, ts, p_bad, judged, labelled_at in rows:
        yield Verdict(iid, json.loads(source) if source else {}, ts, p_bad, list(judged), labelled_at)


def write(target: str, found: Iterator[Verdict], out: TextIO) -> int:
    """Write the verdicts in TARGET's format to OUT; how many records (scores, log records, lines) were written."""
    writer = {"langfuse-scores": _langfuse, "otel": _otel, "jsonl": _jsonl}[target]
    return writer(found, out)


def _langfuse(found: Iterator[Verdict], out: TextIO) -> int:
    written = 0
    for v in found:
        trace_id = v.source.get("trace_id") or v.interaction_id
        observation = v.source.get("observation_id") or v.source.get("span_id")
        scores = [
            (
                f"critic.{j['rubric']}",
                j["expected"],
                j["judge"],
                f"label {j['label']} by {j['judge']} (rubric version {j['rubric_version']})",
            )
            for j in v.judgments
        ]
        if v.p_bad is not None:
            scores.append(("critic.p_bad", round(v.p_bad, 4), "critic label", "probability the interaction went badly"))
        for name, value, judge, comment in scores:
            score = {
                "id": str(uuid.uuid5(_NAMESPACE, f"{v.interaction_id}|{name}|{judge}")),
                "traceId": trace_id,
                "name": name,
                "value": value,
                "dataType": "NUMERIC",
                "comment": comment,
                "metadata": {"critic_interaction_id": v.interaction_id, "judge": judge},
            }
            if observation:
                score["observationId"] = observation
            out.write(json.dumps(score) + "\n")
            written += 1
    return written


def _otel(found: Iterator[Verdict], out: TextIO) -> int:
    records: list[dict[str, Any]] = []
    written = 0
    for v in found:
        for j in v.judgments:
            records.append(
                _log_record(
                    v,
                    f"critic.{j['rubric']}",
                    j["expected"],
                    str(j["label"]),
                    j["created_at"],
                    {"critic.judge": j["judge"], "critic.rubric_version": j["rubric_version"]},
                )
            )
        if v.p_bad is not None:
            at = v.ts or v.labelled_at or datetime.now(UTC)
            records.append(
                _log_record(v, "critic.p_bad", v.p_bad, "likely bad" if v.p_bad > LIKELY_BAD_ABOVE else "fine", at, {})
            )
        while len(records) >= BATCH:
            written += _flush(records[:BATCH], out)
            records = records[BATCH:]
    return written + (_flush(records, out) if records else 0)


def _log_record(v: Verdict, name: str, value: float, label: str, at: datetime, extra: dict[str, str]) -> dict[str, Any]:
    attributes = {
        "gen_ai.evaluation.name": name,
        "gen_ai.evaluation.score.label": label,
        "critic.interaction_id": v.interaction_id,
        **extra,
    }
    if v.source.get("response_id"):
        attributes["gen_ai.response.id"] = v.source["response_id"]
    record: dict[str, Any] = {
        "timeUnixNano": str(unix_nano(at)),
        "severityNumber": 9,
        "severityText": "INFO",
        "eventName": "gen_ai.evaluation.result",
        "attributes": [{"key": k, "value": {"stringValue": str(val)}} for k, val in attributes.items()]
        + [{"key": "gen_ai.evaluation.score.value", "value": {"doubleValue": float(value)}}],
    }
    if v.source.get("span_id") and v.source.get("trace_id"):
        record["traceId"], record["spanId"] = v.source["trace_id"], v.source["span_id"]
    return record


def unix_nano(at: datetime) -> int:
    """AT in nanoseconds since the epoch, exactly (a float of seconds loses the last microseconds)."""
    delta = at - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def _flush(records: list[dict[str, Any]], out: TextIO) -> int:
    request = {
        "resourceLogs": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "critic"}}]},
                "scopeLogs": [{"scope": {"name": "critic", "version": __version__}, "logRecords": records}],
            }
        ]
    }
    out.write(json.dumps(request) + "\n")
    return len(records)


def _jsonl(found: Iterator[Verdict], out: TextIO) -> int:
    written = 0
    for v in found:
        judgments = [{k: val for k, val in j.items() if k != "created_at"} for j in v.judgments]
        out.write(
            json.dumps(
                {
                    "interaction_id": v.interaction_id,
                    "source": v.source,
                    "ts": v.ts.isoformat() if v.ts else None,
                    "p_bad": None if v.p_bad is None else round(v.p_bad, 4),
                    "judgments": judgments,
                }
            )
            + "\n"
        )
        written += 1
    return written
