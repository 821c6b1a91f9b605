"""One store judged by two judges: every stage reads the same judgments (critic.store.views)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from critic.combine.compare import judged_rubrics
from critic.combine.label import run_label
from critic.config import Config
from critic.export import verdicts
from critic.ingest import ingest_files
from critic.store import Store, Window
from critic.triage.period import Period
from critic.triage.report import _examples
from critic.triage.sections import score_histogram

WEEK = Period(datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 9, tzinfo=UTC), "2026-W45")


def _two_judges(store: Store, tmp_path: Path) -> None:
    """60 interactions judged by openai:a (label 6; 2 on the last ten); 20 judged later by anthropic:b (label 2)."""
    rows = [
        {
            "id": f"i{i:02d}",
            "ts": f"2026-11-0{2 + i % 5}T10:00:00Z",
            "input": "q",
            "output": f"answer {i}",
            "prompt_version": "v1" if i % 2 else "v2",
        }
        for i in range(60)
    ]
    (tmp_path / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files(store, [str(tmp_path / "t.jsonl")], Config())
    for i in range(60):
        for judge, label, at in (
            ("openai:a", 2 if i >= 50 else 6, "2026-11-10 10:00:00"),
            ("anthropic:b", 2, "2026-11-11 10:00:00"),
        ):
            if judge == "anthropic:b" and i >= 20:
                continue
            store.con.execute(
                "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, label, expected, status, "
                "created_at) "
                "VALUES (?, 'helpfulness', 'v1', ?, ?, ?, 'ok', ?)",
                [f"i{i:02d}", judge, label, float(label), at],
            )


def test_label_triage_export_and_compare_read_the_same_judgments(store: Store, tmp_path: Path) -> None:
    _two_judges(store, tmp_path)
    sources = {s.name for s in run_label(store, Config(), Window()).sources}
    assert {"critic:helpfulness@openai:a", "critic:helpfulness@anthropic:b"} <= sources  # each judge its own source
    # what is shown per rubric is the primary judge's (most judgments): never a mix of the two
    assert score_histogram(store, WEEK)["helpfulness"] == [0, 10, 0, 0, 0, 50, 0]
    from critic.triage.cluster import Member

    shown = _examples(store, [Member(id="i00", p_bad=0.9, severity=0, output="", sources=[], context={})])
    assert shown[0]["scores"] == {"helpfulness": 6.0}
    assert judged_rubrics(store) == [("helpfulness", "openai:a", "v1")]
    listed = {v.interaction_id: {j["judge"] for j in v.judgments} for v in verdicts(store, Window())}
    assert listed["i00"] == {"openai:a", "anthropic:b"} and listed["i30"] == {"openai:a"}
