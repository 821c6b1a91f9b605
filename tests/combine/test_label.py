"""The label model on data with known truth, on the sample traffic, and its degenerate cases."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from critic.cli import cli
from critic.combine.label import fit_probabilities, run_label
from critic.combine.sources import ABSTAIN, BAD, GOOD
from critic.config import Config
from critic.store import Store, Window
from tests.conftest import SAMPLE


def synthetic(seed: int = 0, n: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    """Snorkel-style: sources of known accuracy and coverage voting on a known truth."""
    rng = np.random.default_rng(seed)
    truth = (rng.random(n) < 0.3).astype(int)
    specs = [(0.92, 0.25), (0.85, 0.4), (0.75, 0.6), (0.65, 0.8), (0.6, 0.9)]
    matrix = np.full((n, len(specs)), ABSTAIN)
    for j, (accuracy, coverage) in enumerate(specs):
        votes = rng.random(n) < coverage
        right = rng.random(n) < accuracy
        matrix[votes, j] = np.where(right[votes], truth[votes], 1 - truth[votes])
    return matrix, truth


def test_label_model_beats_majority_vote_and_every_single_source() -> None:
    matrix, truth = synthetic()
    probs, model, _, weights = fit_probabilities(matrix)
    assert model == "snorkel" and weights is not None
    accuracy = float(((probs > 0.5).astype(int) == truth).mean())
    bad, good = (matrix == BAD).sum(1), (matrix == GOOD).sum(1)
    majority = np.where(bad > good, 1, np.where(good > bad, 0, -1))
    majority_accuracy = float((majority == truth).mean() + 0.5 * (majority == -1).mean())  # ties broken at chance
    assert accuracy > majority_accuracy + 0.03
    for j in range(matrix.shape[1]):
        assert accuracy > float((matrix[:, j] == truth).mean())  # abstaining is not being right
    # the learned weights order the sources as their true accuracies do
    assert list(np.argsort(-weights)) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("matrix", "model", "phrase"),
    [
        (np.full((5, 3), ABSTAIN), "none", "no source voted"),
        (np.array([[BAD], [GOOD], [ABSTAIN]]), "majority", "only 1 source"),
        (
            np.array([[BAD, BAD, ABSTAIN], [BAD, ABSTAIN, BAD], [ABSTAIN, ABSTAIN, ABSTAIN]]),
            "majority",
            "every vote agrees",
        ),
        (np.array([[BAD, ABSTAIN, GOOD], [GOOD, ABSTAIN, GOOD], [BAD, ABSTAIN, BAD]]), "majority", "only 2"),
    ],
)
def test_degenerate_matrices_fall_back_and_say_why(matrix: np.ndarray, model: str, phrase: str) -> None:
    probs, used, why, _ = fit_probabilities(matrix)
    assert used == model and phrase.split()[0] in why
    if used == "majority":
        assert ((0 <= probs) & (probs <= 1)).all()
        covered = (matrix != ABSTAIN).any(axis=1)
        prior = max(0.01, probs[covered].sum() / len(probs))  # the majority vote's share of bad, no vote = fine
        assert (probs[~covered] == prior).all() and f"class prior {prior:.2f}" in why


def test_always_abstaining_source_is_ignored_by_the_model() -> None:
    matrix, _ = synthetic(1, 500)
    with_silent = np.hstack([matrix, np.full((500, 1), ABSTAIN)])
    probs, model, _, weights = fit_probabilities(with_silent)
    assert model == "snorkel" and weights is not None and np.isnan(weights[-1])
    assert np.allclose(probs, fit_probabilities(matrix)[0])


def _auc(y: list[int], score: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def test_sample_traffic_planted_failures_rank_above_normal(sample_store: Store) -> None:
    result = run_label(sample_store, Config(), Window())
    assert result.label_model == "snorkel" and result.interactions == 2000
    truth = {
        r["id"]: int(bool(r["failure_mode"])) for r in csv.DictReader((SAMPLE / "truth.csv").read_text().splitlines())
    }
    rows = sample_store.con.execute("SELECT interaction_id, p_bad, sources_bad FROM labels").fetchall()
    y = [truth[i] for i, _, _ in rows]
    fused = _auc(y, [p for _, p, _ in rows])
    thumbs = _auc(y, [float("event:thumb_down" in b) for _, _, b in rows])
    assert fused > 0.85 and fused > thumbs + 0.1


def test_user_source_that_raises_is_counted_faulty_and_abstains(
    sample_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my_sources.py").write_text(
        "def shouting(row):\n"
        "    if row['feature'] == 'summarizer':\n        raise ValueError('boom')\n"
        "    return 1 if row['output'].isupper() else -1\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    config = Config(raw={"label": {"sources": ["my_sources:shouting"]}})
    result = run_label(sample_store, config, Window())
    stats = {s.name: s for s in result.sources}
    n_summaries = sample_store.con.execute("SELECT count(*) FROM interactions WHERE feature = 'summarizer'").fetchone()
    assert stats["user:shouting"].faulty == (n_summaries[0] if n_summaries else -1)
    assert stats["user:shouting"].coverage == 0.0


def test_gold_labels_give_each_source_an_accuracy(store: Store, tmp_path: Path) -> None:
    from critic.ingest import ingest_files

    rows = [
        {
            "id": f"g{i}",
            "ts": "2026-11-02T10:00:00Z",
            "output": "I'm sorry, but I can't help with that." if i % 2 else "Sure: do X.",
            "metadata": {"gold": "bad" if i % 2 else "good"},
        }
        for i in range(20)
    ]
    events = [
        {"interaction_id": f"g{i}", "kind": "thumb_down" if i % 2 else "copy", "ts": "2026-11-02T10:01:00Z"}
        for i in range(20)
    ]
    (tmp_path / "g.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows + events))
    ingest_files(store, [str(tmp_path / "g.jsonl")], Config())
    result = run_label(store, Config(), Window())
    accuracy = {s.name: s.gold_accuracy for s in result.sources}
    assert (
        accuracy["heuristic:refusal"] == 1.0 and accuracy["event:thumb_down"] == 1.0 and accuracy["event:copy"] == 1.0
    )


def test_label_cli_json_contract_and_out_file(sample_store: Store, db_path: Path, tmp_path: Path) -> None:
    sample_store.close()
    out = tmp_path / "labels.jsonl"
    result = CliRunner().invoke(cli, ["label", "--db", str(db_path), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["interactions"] == 2000 and payload["label_model"] == "snorkel"
    assert {"name", "coverage", "conflicts", "weight"} <= set(payload["sources"][0])
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 2000 and {"id", "p_bad", "p_bad_votes", "sources_bad", "sources_good", "drivers"} == set(
        lines[0]
    )


def test_label_on_an_empty_store_explains(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["label", "--db", str(tmp_path / "empty.duckdb")])
    assert result.exit_code == 0 and "no source voted" in result.stdout
