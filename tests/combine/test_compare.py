from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from critic.cli import cli
from critic.combine.compare import compare_values
from critic.store import Store


def test_clear_difference_and_no_difference() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(5.5, 1, 300), rng.normal(5.0, 1, 300)
    m = compare_values("score", a, b, higher_is_better=True)
    assert m.verdict == "A better" and m.p_a_better is not None and m.p_a_better > 0.99
    assert m.diff_ci is not None and m.diff_ci[0] < 0.5 < m.diff_ci[1]
    same = compare_values("score", rng.normal(5, 1, 300), rng.normal(5, 1, 300), higher_is_better=True)
    assert same.verdict == "no detectable difference"


def test_lower_p_bad_is_better() -> None:
    m = compare_values("p_bad", np.full(50, 0.1), np.full(50, 0.3), higher_is_better=False)
    assert m.verdict == "A better"


def test_pairing_removes_shared_input_difficulty() -> None:
    rng = np.random.default_rng(1)
    difficulty = rng.normal(0, 2, 100)
    a, b = difficulty + 0.2, difficulty.copy()
    unpaired = compare_values("score", a, b, higher_is_better=True)
    paired = compare_values("score", a, b, higher_is_better=True, pairs=(a, b))
    assert unpaired.verdict == "no detectable difference" and paired.verdict == "A better" and paired.paired


def test_too_few_items() -> None:
    assert compare_values("s", np.ones(3), np.ones(30), higher_is_better=True).verdict == "insufficient data"


def test_compare_cli_on_sample(sample_store: Store, db_path: Path) -> None:
    from critic.combine.label import run_label
    from critic.config import Config
    from critic.store import Window

    run_label(sample_store, Config(), Window())
    sample_store.close()
    result = CliRunner().invoke(
        cli, ["compare", "--db", str(db_path), "--by", "prompt_version", "--a", "v1", "--b", "v2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    p_bad = payload["metrics"][0]
    assert (
        p_bad["name"] == "p_bad" and p_bad["verdict"] == "A better"
    )  # v2 carries the planted rude tone and invented numbers
    bad = CliRunner().invoke(cli, ["compare", "--db", str(db_path), "--by", "model", "--a", "nope"])
    assert bad.exit_code == 1 and "no interactions with model = 'nope'" in bad.stderr and "llama" in bad.stderr


def test_compare_with_one_variant_says_what_to_log(db_path: Path, tmp_path: Path) -> None:
    traffic = tmp_path / "t.jsonl"
    traffic.write_text(
        "".join(
            json.dumps({"id": f"i{n}", "ts": "2026-11-02T10:00:00Z", "output": "x", "model": "gpt-4.1"}) + "\n"
            for n in range(3)
        )
    )
    assert CliRunner().invoke(cli, ["ingest", "--db", str(db_path), str(traffic)]).exit_code == 0
    result = CliRunner().invoke(cli, ["compare", "--db", str(db_path), "--by", "prompt_version"])
    assert result.exit_code == 1 and "found none" in result.stderr and "log prompt_version" in result.stderr
    result = CliRunner().invoke(cli, ["compare", "--db", str(db_path), "--by", "model"])
    assert result.exit_code == 1 and "found only 'gpt-4.1'" in result.stderr


def test_the_difference_has_the_sign_of_the_means_printed_beside_it() -> None:
    """Paired on the shared inputs: the means printed are over those inputs, so A − B is their difference."""
    rng = np.random.default_rng(2)
    shared_a, shared_b = rng.normal(5.0, 1, 40), rng.normal(5.6, 1, 40)
    only_a = np.full(200, 7.0)  # many more A items on inputs B never saw, all scored high
    m = compare_values("score", np.r_[shared_a, only_a], shared_b, higher_is_better=True, pairs=(shared_a, shared_b))
    assert m.a_mean is not None and m.b_mean is not None and m.diff is not None
    assert np.sign(m.diff) == np.sign(m.a_mean - m.b_mean) and abs(m.diff - (m.a_mean - m.b_mean)) < 1e-9
    assert m.verdict != "A better"


def test_random_splits_of_one_variant_rarely_differ() -> None:
    """100 random splits of one model's P(bad) (skewed: most near 0): differences declared at about the 5% rate."""
    rng = np.random.default_rng(3)
    declared = 0
    for seed in range(100):
        p_bad = np.where(rng.random(400) < 0.1, rng.beta(5, 2, 400), rng.beta(1, 12, 400))
        side = rng.random(400) < 0.5
        m = compare_values("p_bad", p_bad[side], p_bad[~side], higher_is_better=False, seed=seed)
        declared += m.verdict != "no detectable difference"
    assert declared <= 10
