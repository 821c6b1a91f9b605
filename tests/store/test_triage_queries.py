"""What `critic triage` reads and writes (critic.store.triage), on small stores built by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from critic.config import Config
from critic.errors import CriticError
from critic.ingest import ingest_files
from critic.store import Store
from critic.store.triage import (
    ClusterWeek,
    cluster_keys,
    known_clusters,
    latency_tail,
    latest_ts,
    likely_bad_ids,
    likely_bad_sample,
    low_score_rubrics,
    set_cluster_status,
    signals_of,
    spend,
    stored_cluster,
    worst_interactions,
    write_cluster_weeks,
)
from critic.triage.signature import ORDER, WEAK

START, END = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC)


def _week(key: str, size: int, status: str = "open") -> ClusterWeek:
    return ClusterWeek(
        key,
        f"problem {key}",
        status,
        None,
        "2026-W45",
        np.array([0.6, 0.8], dtype=np.float32),
        {"feature=chat": 1.0},
        size,
        size / 10,
    )


def _traffic(store: Store, tmp_path: Path) -> None:
    """Six interactions in the week (one priced by tokens only, one with no model) and one the day it ends."""
    rows = [
        {
            "id": f"i{i}",
            "ts": f"2026-11-0{3 + i % 5}T10:00:00Z",
            "input": "q" * (i + 1),
            "output": f"answer {i}.",
            "feature": "chat" if i % 2 else "search",
            "model": "m-a",
            "latency_ms": 100.0 * (i + 1),
            "input_tokens": 1000,
            "output_tokens": 2000,
            "cost_usd": 0.5,
        }
        for i in range(6)
    ]
    rows[1].pop("cost_usd")
    rows[2].pop("model")
    rows.append({"id": "late", "ts": "2026-11-09T00:00:00Z", "input": "q", "output": "late answer.", "feature": "chat"})
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files(store, [str(tmp_path / "t.jsonl")], Config())
    for iid, p_bad in (("i0", 0.9), ("i1", 0.9), ("i2", 0.95), ("i3", 0.2), ("i4", 0.6), ("late", 0.99)):
        store.con.execute(
            "INSERT INTO labels (interaction_id, p_bad, label_model, model_version, created_at) "
            "VALUES (?, ?, 'lm', 'v', now())",
            [iid, p_bad],
        )
    for iid, expected in (("i0", 5.0), ("i1", 2.0), ("i2", 6.0), ("i3", 7.0), ("i4", 4.0), ("i5", 6.5)):
        store.con.execute(
            "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, label, expected, status, "
            "created_at) VALUES (?, 'helpfulness', 'v1', 'openai:a', ?, ?, 'ok', '2026-11-10')",
            [iid, round(expected), expected],
        )


def test_cluster_weeks_round_trip_and_keep_a_fixed_week(store: Store) -> None:
    write_cluster_weeks(store, "2026-W45", [_week("Cb", 3), _week("Ca", 5)])
    known = known_clusters(store)
    assert [k.key for k in known] == ["Ca", "Cb"] == cluster_keys(store)
    assert known[0].status == "open" and known[0].last_week == "2026-W45" and known[0].fixed_week is None
    assert known[0].centroid.dtype == np.float32 and np.allclose(known[0].centroid, [0.6, 0.8])
    assert known[0].profile == {"feature=chat": 1.0}
    set_cluster_status(store, "Ca", "fixed", "deployed", "2026-W45")
    write_cluster_weeks(store, "2026-W46", [_week("Ca", 2, status="fixed")])
    found = stored_cluster(store, "Ca")
    assert found is not None
    assert (found.status, found.note, found.fixed_week, found.last_week, found.first_week) == (
        "fixed",
        None,
        "2026-W45",
        "2026-W46",
        "2026-W45",
    )  # the rewrite keeps fixed_week, takes the note given
    assert store.con.execute("SELECT key, week, size, share_bad FROM triage_weeks ORDER BY ALL").fetchall() == [
        ("Ca", "2026-W45", 5, 0.5),
        ("Ca", "2026-W46", 2, 0.2),
        ("Cb", "2026-W45", 3, 0.3),
    ]
    assert stored_cluster(store, "nope") is None


def test_a_cluster_without_a_centroid_is_not_known(store: Store) -> None:
    store.con.execute(
        "INSERT INTO triage_clusters (key, status, first_week, updated_at) VALUES ('C0', 'open', '2026-W01', now())"
    )
    assert known_clusters(store) == [] and cluster_keys(store) == ["C0"]
    found = stored_cluster(store, "C0")
    assert found is not None and found.centroid.size == 0 and found.profile == {}


def test_a_failed_write_leaves_no_cluster_behind(store: Store) -> None:
    broken = ClusterWeek("Cz", "z", "open", None, "2026-W45", np.zeros(2), {}, None, 0.0)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="NOT NULL"):  # triage_weeks.size, after Ca's rows were written
        write_cluster_weeks(store, "2026-W45", [_week("Ca", 1), broken])
    assert cluster_keys(store) == []
    assert store.con.execute("SELECT count(*) FROM triage_weeks").fetchone() == (0,)


def test_likely_bad_in_a_period(store: Store, tmp_path: Path) -> None:
    _traffic(store, tmp_path)
    assert latest_ts(store) == datetime(2026, 11, 9, tzinfo=UTC)
    assert likely_bad_ids(store, START, END) == ["i0", "i1", "i2", "i4"]  # not i3 (0.2), not late (end is open)
    # ties in P(bad) go to the lower shown score: i1 (2.0) before i0 (5.0)
    assert [r[0] for r in worst_interactions(store, START, END, 3)] == ["i2", "i1", "i0"]
    sample, total = likely_bad_sample(store, START, END, 2, ("feature", "model"))
    assert total == 4 and len(sample) == 2
    everyone, _ = likely_bad_sample(store, START, END, 10, ("feature", "model"))
    by_id = {r.id: r for r in everyone}
    assert by_id["i1"].severity == 2.0 and by_id["i1"].p_bad == 0.9
    assert by_id["i2"].context == {"feature": "search", "model": None}
    with pytest.raises(CriticError, match="not a column"):
        likely_bad_sample(store, START, END, 10, ("feature; DROP TABLE labels",))


def test_low_scores_and_signals(store: Store, tmp_path: Path) -> None:
    _traffic(store, tmp_path)
    # percent ranks among the week's 6 judged: i1 is bottom (0.0) and ≤ 2; i4 ranks 0.2, above LOW_RANK 0.1
    assert low_score_rubrics(store, ["i1", "i4", "i0"], START, END, 0.1) == {"i1": "helpfulness"}
    assert low_score_rubrics(store, ["i1", "i4"], START, END, 0.2) == {"i1": "helpfulness", "i4": "helpfulness"}
    assert low_score_rubrics(store, ["i1", "i4"], START, END, -1.0) == {"i1": "helpfulness"}  # ≤ 2 whatever its rank
    found = signals_of(store, ["i0", "i5"])
    assert set(found) == {"i0", "i5"} and set(ORDER + WEAK) <= set(found["i0"])
    assert signals_of(store, []) == {}


def test_latency_and_spend(store: Store, tmp_path: Path) -> None:
    _traffic(store, tmp_path)
    tail = latency_tail(store, START, END, ("feature",), ("feature", "input_decile"))
    assert (tail.slow, tail.timed) == (1, 6)  # only i5 (600 ms) is at or above the 99th percentile
    assert tail.percentiles["feature"][0][:2] == ("chat", 3)  # chat (200, 400, 600 ms) has the highest p99
    assert dict((v, s) for v, s, _ in tail.shares["feature"]) == {"chat": 1.0, "search": 0.0}
    with pytest.raises(CriticError, match="no column"):
        latency_tail(store, START, END, ("user_hash",), ())
    by = spend(store, START, END, [("m-a", 1.0, 2.0)], ("feature", "model"))
    # i1 has no logged cost: 1000 × $1 + 2000 × $2 per million tokens = $0.005; i2 has no model but a cost
    assert by["feature"] == [("search", 3, 1.5, 3), ("chat", 3, pytest.approx(1.005), 3)]
    assert by["model"] == [("m-a", 5, pytest.approx(2.005), 5), ("(none)", 1, 0.5, 1)]
    unpriced = spend(store, START, END, [], ("model",))
    assert unpriced["model"] == [("m-a", 5, 2.0, 4), ("(none)", 1, 0.5, 1)]
    temps = store.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'temp' AND table_name LIKE 'triage%'"
    )
    assert temps.fetchall() == []  # the working tables of critic.store.triage do not outlive its functions
