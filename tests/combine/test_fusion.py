"""Fusion when a judge's labels sit in a narrow band and a heuristic fires on the good replies."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from critic.combine.label import run_label
from critic.config import Config
from critic.ingest import ingest_files
from critic.store import Store, Window

JUDGE = "openai:narrow-judge"


def _traffic(store: Store, tmp_path: Path, n: int = 400, seed: int = 0) -> dict[str, int]:
    """N grounded answers, 30% bad; the judge scores only 3–5; good answers quote figures the context lacks."""
    rng = random.Random(seed)
    truth, rows = {}, []
    for i in range(n):
        iid = f"i{i:03d}"
        bad = rng.random() < 0.3
        truth[iid] = int(bad)
        figures = not bad and rng.random() < 0.5  # specific figures: what a good answer gives, and a heuristic flags
        output = (
            "It depends on the plan, really."
            if bad
            else "Plan B costs 4,200 per year, 17 of 19 sites."
            if figures
            else "Plan B is cheaper for most teams."
        )
        output += " Let me know." * rng.randint(0, 3)  # length says nothing about quality here
        row = {
            "id": iid,
            "ts": f"2026-11-{2 + i % 5:02d}T10:00:00Z",
            "input": "Which plan should we buy?",
            "context": "Plan A and plan B are both available to teams.",
            "output": output,
            "feature": "qa",
        }
        rows.append(row)
        score = (3.0 if rng.random() < 0.7 else 4.0) if bad else rng.choice([4.0, 4.0, 5.0])
        store.con.execute(
            "INSERT INTO judgments (interaction_id, rubric, rubric_version, judge, expected, status, created_at) "
            "VALUES (?, 'helpfulness', 'v1', ?, ?, 'ok', now())",
            [iid, JUDGE, score],
        )
        thumb = "thumb_down" if bad and rng.random() < 0.15 else "thumb_up" if not bad and rng.random() < 0.15 else None
        if thumb:
            rows.append({"interaction_id": iid, "kind": thumb, "ts": f"2026-11-{2 + i % 5:02d}T10:05:00Z"})
    path = tmp_path / "traffic.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files(store, [str(path)], Config())
    return truth


def fires_on_figures(row: dict[str, object]) -> int:
    """A team's own heuristic: "specific figures are made up" — here it fires on the good answers."""
    return 1 if any(ch.isdigit() for ch in str(row["output"])) else -1


def test_a_narrow_band_judge_counts_and_a_contradicted_source_loses_its_say(store: Store, tmp_path: Path) -> None:
    truth = _traffic(store, tmp_path)
    config = Config(raw={"label": {"sources": ["tests.combine.test_fusion:fires_on_figures"]}})
    result = run_label(store, config, Window())
    sources = {s.name: s for s in result.sources}
    judge = sources[f"critic:helpfulness@{JUDGE}"]
    assert judge.votes_bad > 0 and judge.trusted  # labels 3–5 never reach "≤ 2", and still vote
    contradicted = sources["user:fires_on_figures"]
    assert contradicted.votes_bad > 50 and not contradicted.trusted and contradicted.distrusted_because
    assert "not trusted: " in result.note and "user:fires_on_figures" in result.note
    assert "heuristic:invented_numbers" not in sources  # precision 0.56 on real replies: it does not vote
    p_bad = dict(store.con.execute("SELECT interaction_id, p_bad FROM labels").fetchall())
    scores = dict(store.con.execute("SELECT interaction_id, expected FROM judgments").fetchall())
    ids = sorted(truth)
    y = np.array([truth[i] for i in ids])
    fused = roc_auc_score(y, [p_bad[i] for i in ids])
    judge_alone = roc_auc_score(y, [-scores[i] for i in ids])
    assert fused >= judge_alone - 0.01 and fused > 0.8


def test_a_judge_not_trusted_says_nothing_to_the_class_prior() -> None:
    from critic.combine.label import _judges_silence

    matrix = np.array([[1, -1], [-1, -1], [-1, -1]])  # column 1: a judge whose votes were withdrawn
    scores = {"tone@a": np.array([1.0, 2.0, 3.0]), "tone@b": np.array([1.0, 2.0, 3.0])}
    silence = _judges_silence(matrix, ["critic:tone@a", "critic:tone@b"], scores)
    assert silence[:, 0].tolist() == [1, 0, 0]  # a trusted judge's silence on what it scored: "not bad"
    assert silence[:, 1].tolist() == [-1, -1, -1]  # not counted as "not bad" where it scored
