"""What `critic eval` reads and writes (critic.store.judgments), on small stores built by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from critic.config import Config
from critic.ingest import ingest_files
from critic.store import PROCESS, Store, Window
from critic.store.judgments import (
    JUDGMENT_COLUMNS,
    batches_in_flight,
    close_batch,
    finish_run,
    finished_judgments,
    interaction_fields,
    item_scores,
    items_to_judge,
    judged_prompts,
    judgment_probs,
    paired_scores,
    record_batch,
    start_run,
    stored_judgments,
    write_eval_items,
    write_judgments,
)

T0 = datetime(2026, 11, 10, 10, tzinfo=UTC)


def _traffic(store: Store, tmp_path: Path) -> None:
    """Five interactions, one a day from 3 Nov (i0 … i4); i2's call failed."""
    rows = [
        {
            "id": f"i{i}",
            "ts": f"2026-11-0{3 + i}T10:00:00Z",
            "input": f"q{i}",
            "output": f"answer {i}",
            "reference": "ref" if i == 1 else None,
        }
        for i in range(5)
    ]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files(store, [str(tmp_path / "t.jsonl")], Config())
    store.con.execute("UPDATE interactions SET finish_reason = 'error' WHERE id = 'i2'")


def _judgment(
    iid: str,
    judge: str = "openai:a",
    *,
    status: str = "ok",
    label: int | None = 5,
    expected: float | None = 5.0,
    version: str = "v1",
    minutes: int = 0,
    **more: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(JUDGMENT_COLUMNS)
    row.update(
        interaction_id=iid,
        rubric="helpfulness",
        rubric_version=version,
        judge=judge,
        label=label,
        expected=expected,
        status=status,
        raw=str(label),
        created_at=T0 + timedelta(minutes=minutes),
        prompt_hash=f"h-{iid}",
        run_id="r1",
        **more,
    )
    return row


def test_a_run_is_recorded_running_then_finished_in_its_own_columns(store: Store) -> None:
    start_run(store, "r1", "openai:a", ["helpfulness@v1", "tone@v2"])
    started, finished, judge, rubrics, status, stats = store.con.execute(
        "SELECT started_at, finished_at, judge, rubrics, status, stats FROM runs WHERE run_id = 'r1'"
    ).fetchone()
    assert started is not None and finished is None and judge == "openai:a" and status == "running"
    assert json.loads(rubrics) == ["helpfulness@v1", "tone@v2"] and json.loads(stats) == {"process": PROCESS}

    finish_run(store, "r1", "budget", {"judged": 3, "cost_usd": 0.25})
    finished, status, stats = store.con.execute(
        "SELECT finished_at, status, stats FROM runs WHERE run_id = 'r1'"
    ).fetchone()
    assert finished is not None and status == "budget" and json.loads(stats) == {"judged": 3, "cost_usd": 0.25}


def test_judgments_written_in_bulk_are_read_back_by_key_prompt_and_item(store: Store) -> None:
    write_judgments(
        store,
        [
            _judgment("i0", probs=json.dumps({"5": 0.75, "6": 0.25}), expected=5.25),
            _judgment("i1", status="unparseable", label=None, expected=None),
            _judgment("i2", status="error", label=None, expected=None),
            _judgment("i3", version="v0"),
            _judgment("i0", "anthropic:b", label=3, expected=3.0),
        ],
    )
    assert store.count("judgments") == 5
    assert set(finished_judgments(store, "openai:a", ["v1"])) == {
        ("i0", "helpfulness", "v1"),
        ("i1", "helpfulness", "v1"),
    }
    assert set(finished_judgments(store, "openai:a", ["v0", "v1"])) >= {("i3", "helpfulness", "v0")}

    prompts = judged_prompts(store, "openai:a", ["h-i0", "h-i1", "h-i2", "h-none"])
    assert set(prompts) == {"h-i0"}  # neither an error nor an unparseable reply is ever reused (issue 22)
    assert prompts["h-i0"] == {
        "label": 5,
        "probs": json.dumps({"5": 0.75, "6": 0.25}),
        "expected": 5.25,
        "method": None,
        "raw": "5",
        "status": "ok",
    }

    assert item_scores(store, "openai:a", "helpfulness", "v1", ["i0", "i1", "i2", "i3"]) == {"i0": 5.25}
    assert judgment_probs(store, "openai:a", ["v1"]) == [("i0", "helpfulness", json.dumps({"5": 0.75, "6": 0.25}))]
    assert paired_scores(store, "openai:a", "anthropic:b", "helpfulness", "v1") == [("i0", 5.25, 3.0)]


def test_a_judgment_written_again_under_its_key_replaces_the_first(store: Store) -> None:
    write_judgments(store, [_judgment("i0", status="error", label=None, expected=None)])
    write_judgments(store, [_judgment("i0", label=6, expected=6.0, minutes=5)])
    assert store.count("judgments") == 1
    assert item_scores(store, "openai:a", "helpfulness", "v1", ["i0"]) == {"i0": 6.0}


def test_stored_judgments_of_one_interaction_come_oldest_first_rounded(store: Store) -> None:
    write_judgments(
        store,
        [
            _judgment("i0", "anthropic:b", expected=4.4567, minutes=2),
            _judgment("i0", expected=5.0, minutes=1),
            _judgment("i1", expected=1.0),
        ],
    )
    assert stored_judgments(store, "i0", "helpfulness") == [
        ("openai:a", "v1", "ok", 5, 5.0),
        ("anthropic:b", "v1", "ok", 5, 4.46),
    ]
    assert stored_judgments(store, "i0", "tone") == []


def test_items_to_judge_skip_failed_calls_and_follow_window_ids_order_and_limit(store: Store, tmp_path: Path) -> None:
    _traffic(store, tmp_path)
    every = items_to_judge(store, "interactions", Window())
    assert [iid for iid, _ in every] == ["i0", "i1", "i3", "i4"]  # by ts; the failed call i2 is never judged
    assert every[1][1] == {
        "input": "q1",
        "output": "answer 1",
        "reference": "ref",
        "context": None,
        "finish_reason": None,
    }
    window = Window("2026-11-04T00:00:00Z", "2026-11-07T00:00:00Z")
    assert [iid for iid, _ in items_to_judge(store, "interactions", window)] == ["i1", "i3"]
    assert [iid for iid, _ in items_to_judge(store, "interactions", Window(), ids=("i4", "i0"))] == ["i0", "i4"]
    assert [iid for iid, _ in items_to_judge(store, "interactions", Window(), limit=2)] == ["i0", "i1"]

    shuffled = [iid for iid, _ in items_to_judge(store, "interactions", Window(), seed=7)]
    assert sorted(shuffled) == ["i0", "i1", "i3", "i4"]
    assert [iid for iid, _ in items_to_judge(store, "interactions", Window(), seed=7)] == shuffled
    assert [iid for iid, _ in items_to_judge(store, "interactions", Window(), seed=7, limit=2)] == shuffled[:2]
    orders = {tuple(iid for iid, _ in items_to_judge(store, "interactions", Window(), seed=s)) for s in range(8)}
    assert len(orders) > 1  # the seed decides the order


def test_eval_items_are_kept_once_and_read_like_interactions(store: Store, tmp_path: Path) -> None:
    _traffic(store, tmp_path)
    item = {"id": "check:a:1", "created_at": T0, "output": "out", "input": "in", "reference": None, "context": "doc"}
    write_eval_items(store, [item, {"id": "check:b:2", "created_at": T0, "output": "other"}])
    write_eval_items(store, [{**item, "output": "changed"}])  # an id already kept stays as it is
    assert store.count("eval_items") == 2 and store.count("interactions") == 5

    assert interaction_fields(store, "check:a:1") == {
        "input": "in",
        "output": "out",
        "reference": None,
        "context": "doc",
    }
    assert interaction_fields(store, "i1") == {"input": "q1", "output": "answer 1", "reference": "ref", "context": None}
    assert interaction_fields(store, "nope") is None

    items = items_to_judge(store, "eval_items", Window(), ids=["check:a:1"])
    assert items == [
        ("check:a:1", {"input": "in", "output": "out", "reference": None, "context": "doc", "finish_reason": None})
    ]
    assert [iid for iid, _ in items_to_judge(store, "interactions", Window(), ids=["check:a:1"])] == []


def test_batches_in_flight_until_closed(store: Store) -> None:
    record_batch(store, "b1", "openai:a", ["h1", "h2"])
    record_batch(store, "b2", "openai:a", ["h3"])
    record_batch(store, "b3", "anthropic:b", ["h4"])
    assert batches_in_flight(store, "openai:a") == [("b1", ["h1", "h2"]), ("b2", ["h3"])]
    close_batch(store, "b1", "ended")
    assert batches_in_flight(store, "openai:a") == [("b2", ["h3"])]
    judge, status, hashes, submitted, finished = store.con.execute(
        "SELECT judge, status, prompt_hashes, submitted_at, finished_at FROM batches WHERE batch_id = 'b1'"
    ).fetchone()
    assert (judge, status, json.loads(hashes)) == ("openai:a", "ended", ["h1", "h2"])
    assert submitted is not None and finished is not None
