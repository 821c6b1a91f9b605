"""Agreement metrics against values computed by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.agreement import Scale, agreement, quadratic_kappa
from critic.cli import cli
from tests.conftest import DATA


def test_hand_computed_small_case() -> None:
    judge, human = [1, 2, 3, 4], [1, 3, 3, 7]
    r = agreement(judge, human)
    # |d| = 0, 1, 0, 3 → MAE 1.0; within one label 3/4; exact 2/4
    assert r["mae"] == pytest.approx(1.0) and r["within_1"] == pytest.approx(0.75) and r["exact"] == pytest.approx(0.5)
    # ranks: judge 1,2,3,4; human 1,2.5,2.5,4 → Spearman = Pearson of ranks = 0.9487
    assert r["spearman"] == pytest.approx(0.948683, abs=1e-6)
    # Kendall τ-b: concordant 5, tied-in-human 1 → 5 / sqrt(6·5) = 0.9129
    assert r["kendall"] == pytest.approx(5 / (6 * 5) ** 0.5, abs=1e-6)
    # rows are the human label, columns the judge: (1,1), (3,2), (3,3), (7,4)
    assert r["confusion"][0][0] == r["confusion"][2][1] == r["confusion"][2][2] == r["confusion"][6][3] == 1
    assert sum(map(sum, r["confusion"])) == 4


def test_quadratic_kappa_by_hand() -> None:
    assert quadratic_kappa([1.0, 7.0], [1.0, 7.0]) == pytest.approx(1.0)  # type: ignore[arg-type]
    # observed: (1,7) and (7,1), each weight 1; expected: 4 cells ×0.5 with weights 0,1,1,0 → sum 1
    assert quadratic_kappa([1.0, 7.0], [7.0, 1.0]) == pytest.approx(1 - 2 / 1)  # type: ignore[arg-type]


def test_human_scale_is_mapped_for_distances_not_for_ranks() -> None:
    r = agreement([1, 4, 7], [1, 3, 5], human_scale=Scale(1, 5))  # 1,3,5 on 1–5 → 1,4,7 on 1–7
    assert r["mae"] == pytest.approx(0.0) and r["exact"] == pytest.approx(1.0)
    assert r["spearman"] == pytest.approx(1.0)
    binary = agreement([7, 1], [1, 0], human_scale=Scale.parse("0-1"))
    assert binary["mae"] == pytest.approx(0.0)


def test_grouped_skips_constant_groups_and_averages() -> None:
    judge = [1, 2, 3, 5, 5, 5, 1, 2]
    human = [1, 2, 3, 1, 2, 3, 2, 1]
    r = agreement(judge, human, groups=["a", "a", "a", "b", "b", "b", "c", "c"])
    grouped = r["grouped"]
    assert isinstance(grouped, dict)
    assert grouped["groups"] == 2  # b has a constant judge
    assert grouped["spearman"] == pytest.approx((1.0 + -1.0) / 2)


def test_hanna_sanity_check_reproduced_to_three_decimals(tmp_path: Path, runner: CliRunner) -> None:
    path = DATA / "hanna" / "chatgpt_prompt1.jsonl"  # HANNA's recorded ChatGPT scores (tests/data/README.md)
    result = runner.invoke(
        cli,
        [
            "calibrate",
            "--scores",
            str(path),
            "--human-scale",
            "1-5",
            "--judge-scale",
            "1-5",
            "--db",
            str(tmp_path / "s.duckdb"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    found = {c["criterion"]: c for c in json.loads(result.stdout)["criteria"]}
    assert round(found["Relevance"]["spearman"], 3) == 0.365
    assert round(found["Coherence"]["spearman"], 3) == 0.447
    assert found["Relevance"]["n"] == 1056 and found["Relevance"]["grouped"]["groups"] > 80
    history = runner.invoke(cli, ["calibrate", "--history", "--db", str(tmp_path / "s.duckdb"), "--format", "json"])
    assert [h["criterion"] for h in json.loads(history.stdout)] == ["Coherence", "Relevance"]


def test_malformed_scores_file_names_the_line(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"id": 1, "criterion": "c", "judge": "j", "score": 3, "human": 4}\n'
        '{"id": 2, "criterion": "c", "judge": "j", "score": 3}\n'
    )
    result = runner.invoke(cli, ["calibrate", "--scores", str(path), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1 and f"{path}:2: missing field 'human'" in result.stderr
