from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from critic.config import Config
from critic.errors import InputError
from critic.ingest import ingest_files
from critic.store import Store
from tests.conftest import OASST, SAMPLE

CONFIG = Config()


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_sample_traffic_loads_whole(store: Store) -> None:
    result = ingest_files(store, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], CONFIG)
    n_events = len((SAMPLE / "events.jsonl").read_text().splitlines())
    assert result.interactions == 2000
    assert result.events == n_events
    assert result.duplicates == 0
    features = dict(store.con.execute("SELECT feature, count(*) FROM interactions GROUP BY 1").fetchall())
    assert set(features) == {"support_chat", "summarizer", "search_answer"}


def test_reingesting_adds_nothing(store: Store) -> None:
    files = [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")]
    first = ingest_files(store, files, CONFIG)
    again = ingest_files(store, files, CONFIG)
    assert (again.interactions, again.events) == (0, 0)
    assert again.duplicates == first.interactions + first.events
    assert store.count("interactions") == 2000


def test_oasst_sample_loads_with_thumbs(store: Store) -> None:
    result = ingest_files(store, [str(OASST / "interactions.jsonl"), str(OASST / "events.jsonl")], CONFIG)
    assert result.interactions == 687
    kinds = dict(store.con.execute("SELECT kind, count(*) FROM events GROUP BY 1").fetchall())
    assert kinds == {"thumb_up": 854, "thumb_down": 372}
    rows = store.con.execute(
        "SELECT input, messages FROM interactions WHERE json_array_length(messages) > 2"
    ).fetchall()
    assert rows, "the sample holds multi-turn chats"
    for text, messages in rows:  # input is the last user turn; the conversation stays in messages
        users = [m["content"] for m in json.loads(messages) if m["role"] == "user"]
        assert text == users[-1] and not text.startswith("user: ")


def test_user_ids_are_hashed_never_stored_raw(store: Store, tmp_path: Path) -> None:
    f = write_jsonl(
        tmp_path / "a.jsonl", [{"id": "1", "ts": "2026-11-02T10:00:00Z", "output": "x", "user_id": "alice@example.com"}]
    )
    ingest_files(store, [str(f)], CONFIG)
    (user_hash,) = store.con.execute("SELECT user_hash FROM interactions").fetchone() or (None,)
    assert user_hash and "alice" not in user_hash and len(user_hash) == 64
    dump = store.con.execute("SELECT * FROM interactions").fetchall()
    assert "alice@example.com" not in repr(dump)


def test_openai_logs_are_understood(store: Store, tmp_path: Path) -> None:
    rec = {
        "id": "chatcmpl-1",
        "created": 1793700000,
        "latency_ms": 812,
        "team": "search",
        "request": {
            "model": "gpt-4.1-mini",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi?"}],
        },
        "response": {
            "choices": [{"message": {"role": "assistant", "content": "Hello."}, "finish_reason": "length"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 2},
        },
        "metadata": {"env": "prod"},
    }
    ingest_files(store, [str(write_jsonl(tmp_path / "oai.jsonl", [rec]))], CONFIG)
    row = store.con.execute(
        "SELECT id, model, input, output, finish_reason, input_tokens, output_tokens, latency_ms, metadata, system "
        "FROM interactions"
    ).fetchone()
    assert row is not None
    assert row[:8] == ("chatcmpl-1", "gpt-4.1-mini", "Hi?", "Hello.", "length", 11, 2, 812.0)
    assert row[9] == "Be brief."  # the system prompt is kept apart from the user's turn
    assert json.loads(row[8]) == {"env": "prod", "team": "search"}


def test_openai_logs_without_id_get_a_stable_one(store: Store, tmp_path: Path) -> None:
    rec = {
        "created": 1793700000,
        "request": {"model": "m", "messages": []},
        "response": {"choices": [{"message": {"content": "a"}}]},
    }
    f = write_jsonl(tmp_path / "oai.jsonl", [rec])
    ingest_files(store, [str(f)], CONFIG)
    again = ingest_files(store, [str(f)], CONFIG)
    assert again.interactions == 0 and store.count("interactions") == 1


def test_unknown_fields_go_into_metadata(store: Store, tmp_path: Path) -> None:
    f = write_jsonl(
        tmp_path / "a.jsonl",
        [{"id": "1", "ts": "2026-11-02T10:00:00Z", "output": "x", "tenant": "acme", "metadata": {"a": 1}}],
    )
    ingest_files(store, [str(f)], CONFIG)
    (meta,) = store.con.execute("SELECT metadata FROM interactions").fetchone() or ("{}",)
    assert json.loads(meta) == {"a": 1, "tenant": "acme"}


def test_nested_events_and_event_file_dedupe_together(store: Store, tmp_path: Path) -> None:
    a = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {
                "id": "1",
                "ts": "2026-11-02T10:00:00Z",
                "output": "x",
                "events": [{"kind": "thumb_down", "ts": "2026-11-02T10:01:00Z"}, {"kind": "copy"}],
            }
        ],
    )
    b = write_jsonl(
        tmp_path / "b.jsonl",
        [
            {"interaction_id": "1", "kind": "thumb_down", "ts": "2026-11-02T10:01:00Z"},
            {"interaction_id": "1", "kind": "regenerate", "ts": 1793613700},
        ],
    )
    result = ingest_files(store, [str(a), str(b)], CONFIG)
    assert (result.interactions, result.events, result.duplicates) == (1, 3, 1)
    copy_ts = store.con.execute("SELECT ts = (SELECT ts FROM interactions) FROM events WHERE kind = 'copy'").fetchone()
    assert copy_ts == (True,)


def test_custom_event_kinds_are_accepted_when_declared(store: Store, tmp_path: Path) -> None:
    f = write_jsonl(
        tmp_path / "e.jsonl",
        [{"interaction_id": "1", "kind": "share", "ts": "2026-11-02T10:00:00Z", "value": {"to": "slack"}}],
    )
    with pytest.raises(InputError, match="unknown event kind"):
        ingest_files(store, [str(f)], CONFIG)
    ingest_files(store, [str(f)], Config(custom_event_kinds=("share",)))
    assert store.con.execute("SELECT kind, value FROM events").fetchone() == ("share", '{"to":"slack"}')


def test_csv_json_and_parquet_inputs(store: Store, tmp_path: Path) -> None:
    rows = [
        {"id": f"r{i}", "ts": "2026-11-02T10:00:00Z", "output": f"out {i}", "latency_ms": 10 * i, "feature": "f"}
        for i in range(3)
    ]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    (tmp_path / "a.csv").write_text(buf.getvalue())
    (tmp_path / "b.json").write_text(json.dumps([{**r, "id": "j" + r["id"]} for r in rows]))
    pd.DataFrame([{**r, "id": "p" + r["id"]} for r in rows]).to_parquet(tmp_path / "c.parquet")
    result = ingest_files(store, [str(tmp_path / n) for n in ("a.csv", "b.json", "c.parquet")], CONFIG)
    assert result.interactions == 9
    assert store.con.execute("SELECT sum(latency_ms) FROM interactions").fetchone() == (90.0,)


def test_very_large_fields_are_kept_whole(store: Store, tmp_path: Path) -> None:
    big = "word " * 5_000_000  # 25 MB, above DuckDB's default 16 MB object limit
    f = write_jsonl(tmp_path / "big.jsonl", [{"id": "big", "ts": "2026-11-02T10:00:00Z", "input": big, "output": "ok"}])
    ingest_files(store, [str(f)], CONFIG)
    assert store.con.execute("SELECT length(input) FROM interactions").fetchone() == (len(big),)


def test_a_bad_file_among_good_ones_writes_nothing(store: Store, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [{"id": "1", "ts": "2026-11-02T10:00:00Z", "output": "x"}])
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"id": "2", "ts": "2026-11-02T10:00:00Z"}])
    with pytest.raises(InputError) as err:
        ingest_files(store, [str(good), str(bad)], CONFIG)
    assert str(err.value).startswith(f"{bad}:1: missing field 'output'")
    assert store.count("interactions") == 0 and store.count("events") == 0


def test_timestamps_without_zone_are_utc_and_epochs_work(store: Store, tmp_path: Path) -> None:
    f = write_jsonl(
        tmp_path / "t.jsonl",
        [
            {"id": "a", "ts": "2026-11-02 10:00:00", "output": "x"},
            {"id": "b", "ts": 1793613600, "output": "x"},
            {"id": "c", "ts": "2026-11-02T11:00:00+01:00", "output": "x"},
        ],
    )
    ingest_files(store, [str(f)], CONFIG)
    hours = store.con.execute("SELECT id, hour(ts) FROM interactions ORDER BY id").fetchall()
    assert hours == [("a", 10), ("b", 10), ("c", 10)]


def test_epoch_milliseconds_and_microseconds_land_in_the_right_year(store: Store, tmp_path: Path) -> None:
    seconds = 1764000000  # 2025-11-24
    rows = [
        {"id": "s", "ts": seconds, "output": "a"},
        {"id": "ms", "ts": seconds * 1000, "output": "b"},
        {"id": "us", "ts": str(seconds * 1_000_000), "output": "c"},
    ]
    ingest_files(store, [str(write_jsonl(tmp_path / "t.jsonl", rows))], CONFIG)
    years = store.con.execute("SELECT DISTINCT year(ts) FROM interactions").fetchall()
    assert years == [(2025,)]


def test_identical_duplicates_in_one_file_are_counted_not_errors(store: Store, tmp_path: Path) -> None:
    row = {"id": "d1", "ts": "2026-11-02T10:00:00Z", "output": "same"}
    result = ingest_files(store, [str(write_jsonl(tmp_path / "d.jsonl", [row, row, {**row, "id": "d2"}]))], CONFIG)
    assert (result.interactions, result.duplicates) == (2, 1)


def test_content_parts_are_rendered_as_text_with_markers(store: Store, tmp_path: Path) -> None:
    parts = [
        {"type": "text", "text": "What is in this picture?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
    ]
    log = {
        "id": "p1",
        "created": 1764000000,
        "request": {"model": "gpt-4.1", "messages": [{"role": "user", "content": parts}]},
        "response": {"choices": [{"message": {"content": [{"type": "text", "text": "A cat."}]}}]},
    }
    ingest_files(store, [str(write_jsonl(tmp_path / "p.jsonl", [log]))], CONFIG)
    inp, out = store.con.execute("SELECT input, output FROM interactions").fetchone() or ("", "")
    assert inp == "What is in this picture?\n[image]" and out == "A cat."
    assert "base64" not in inp


def test_openai_logs_keep_top_level_columns(store: Store, tmp_path: Path) -> None:
    log = {
        "id": "o1",
        "created": 1764000000,
        "feature": "support_chat",
        "prompt_version": "v7",
        "session_id": "s-1",
        "cost_usd": 0.002,
        "team": "growth",
        "request": {"model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]},
        "response": {"choices": [{"message": {"content": "hello"}}]},
    }
    ingest_files(store, [str(write_jsonl(tmp_path / "o.jsonl", [log]))], CONFIG)
    row = store.con.execute(
        "SELECT feature, prompt_version, session_id, cost_usd, metadata->>'team', "
        "metadata->>'feature' FROM interactions"
    ).fetchone()
    assert row == ("support_chat", "v7", "s-1", 0.002, "growth", None)


def test_csv_quoted_fields_keep_commas_quotes_and_line_breaks(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('id,ts,output\nq1,2026-11-02T10:00:00Z,"one, two\nthree ""four"""\n', encoding="utf-8")
    ingest_files(store, [str(path)], CONFIG)
    assert store.con.execute("SELECT output FROM interactions").fetchone() == ('one, two\nthree "four"',)


def test_a_csv_saved_by_excel_with_a_byte_order_mark_reads(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffid,ts,output\nb1,2026-11-02T10:00:00Z,hello\n".encode())
    assert ingest_files(store, [str(path)], CONFIG).interactions == 1


def test_json_null_does_not_hide_a_fallback_field(store: Store, tmp_path: Path) -> None:
    payload = {
        "id": "l1",
        "call_type": "completion",
        "model_group": "m",
        "model": "m",
        "status": "success",
        "startTime": 1764000000.0,
        "endTime": 1764000001.0,
        "messages": [{"role": "user", "content": "q"}],
        "response": {"choices": [{"message": {"content": "a"}}]},
        "end_user": None,
        "metadata": {"user_api_key_user_id": "u-7"},
    }
    ingest_files(store, [str(write_jsonl(tmp_path / "l.jsonl", [payload]))], CONFIG)
    assert store.con.execute("SELECT user_hash IS NOT NULL FROM interactions").fetchone() == (True,)
