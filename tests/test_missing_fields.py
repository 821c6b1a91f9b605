"""Every optional field may be missing: ingest → eval → label → triage → export → check never fail inside.

Hypothesis builds traffic from the sample where any subset of rows lacks any subset of the optional
fields (absent or null), with failed calls and calls logged without their content mixed in, and runs
every stage through the CLI against the loopback provider. A stage may refuse with a usage message,
never with an internal error; every text signal is defined (0/1) on every row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from critic.cli import cli
from critic.combine.endmodel import features
from critic.signals import NAMES as SIGNALS
from critic.store import Store, Window
from critic.store.labels import choose_for_label
from critic.store.signals import signals_sql
from tests.conftest import SAMPLE
from tests.fakes.provider import ProviderServer

BASE = [json.loads(line) for line in (SAMPLE / "interactions.jsonl").read_text().splitlines()[:24]]
OPTIONAL = (
    "ts",
    "feature",
    "model",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "finish_reason",
    "user_id",
    "session_id",
    "context",
    "metadata",
    "input",
    "reference",
    "prompt_version",
)
KINDS = ("ok", "ok", "ok", "failed", "no_content")


@st.composite
def traffic(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows, events = [], []
    for base in BASE:
        row = dict(base)
        for name in draw(st.sets(st.sampled_from(OPTIONAL))):
            if draw(st.booleans()):
                row.pop(name, None)
            else:
                row[name] = None
        kind = draw(st.sampled_from(KINDS))
        if kind == "failed":
            row.update(finish_reason="error", error="InternalServerError")
            row.pop("output")
        elif kind == "no_content":
            row.update(has_content=False)
            row.pop("output")
            row.pop("input", None)
        rows.append(row)
        if draw(st.booleans()):
            events.append(
                {
                    "interaction_id": row["id"],
                    "kind": draw(st.sampled_from(["thumb_down", "thumb_up", "regenerate"])),
                    "ts": base["ts"],
                }
            )
    return rows, events


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with ProviderServer() as provider:
        yield provider


def _run(args: list[str], server: ProviderServer) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env={"OPENAI_API_KEY": "sk-test", "CRITIC_BASE_URL": server.url})
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "internal error" not in output.lower() and "Traceback" not in output, (args, output)
    return result.exit_code, output


def _write(path: Path, records: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


# each example runs seven commands (seconds each): no shrinking, the failing traffic is printed whole
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=traffic())
def test_every_stage_runs_whatever_optional_field_is_missing(
    data: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    server: ProviderServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rows, events = data
    folder = tmp_path_factory.mktemp("missing")
    db = str(folder / "critic.duckdb")
    code, out = _run(
        ["ingest", "--db", db, _write(folder / "t.jsonl", rows), _write(folder / "e.jsonl", events)], server
    )
    assert code == 0, out
    judgeable = [r for r in rows if "output" in r]
    code, out = _run(["eval", "--db", db, "--judge", "openai:gpt-4.1-mini", "--rubric", "helpfulness"], server)
    assert code == 0, out
    code, out = _run(["label", "--db", db], server)
    assert code == 0, out
    with Store.open(db) as store:
        store.con.execute("CREATE OR REPLACE TEMP TABLE every_id AS SELECT id FROM interactions")
        signals = store.con.execute(f"SELECT * FROM ({signals_sql('every_id')})").fetchall()
        assert len(signals) == len(rows) and all(v is not None for r in signals for v in r[1:]), signals
        assert len(signals[0]) == len(SIGNALS) + 1
        judged = store.con.execute(
            "SELECT count(DISTINCT interaction_id) FROM judgments WHERE status = 'ok'"
        ).fetchone()
        assert judged == (len(judgeable),)
        failed = store.con.execute(
            "SELECT count(*) FROM labels l JOIN interactions i ON i.id = l.interaction_id "
            "WHERE i.finish_reason = 'error' AND l.p_bad < 1"
        ).fetchone()
        assert failed == (0,)
        choose_for_label(store, Window())
        assert not features(store).isna().any().any()
    code, out = _run(
        [
            "triage",
            "--db",
            db,
            "--since",
            "2000-01-01",
            "--until",
            "2099-01-01",
            "--out",
            str(folder / "report"),
            "--format",
            "json",
        ],
        server,
    )
    assert code == 0, out
    for target in ("jsonl", "otel", "langfuse-scores"):
        code, out = _run(["export", "--db", db, "--to", target, "--out", str(folder / f"x.{target}")], server)
        assert code == 0, out
    golden = [
        {k: v for k, v in r.items() if k in ("id", "input", "reference", "context") and v is not None}
        for r in judgeable
    ]
    sides = [{"id": r["id"], "output": r["output"]} for r in judgeable]
    if sides:
        code, out = _run(
            [
                "check",
                "--db",
                db,
                "--judge",
                "openai:gpt-4.1-mini",
                "--rubric",
                "helpfulness",
                "--baseline",
                _write(folder / "b.jsonl", sides),
                "--candidate",
                _write(folder / "c.jsonl", sides),
                "--golden",
                _write(folder / "g.jsonl", golden),
                "--min-n",
                "1",
            ],
            server,
        )
        assert code == 0, out
