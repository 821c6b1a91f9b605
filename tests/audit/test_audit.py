"""critic audit: LLMBar's position-bias table reproduced from recorded verdicts; probes that could catch a judge."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.audit.recorded import Verdicts, position_stats, read_recorded
from critic.cli import cli
from critic.errors import InputError
from tests.conftest import DATA
from tests.fakes.provider import ProviderServer

LLMBAR = DATA / "llmbar"  # trimmed copies of LLMBar's recorded verdicts (tests/data/README.md)
# (agreement, mean accuracy) per set and judge, from LLMBar's README
README_TABLE = {
    "LLMBar/Natural": {
        "GPT-4": (0.970, 0.935),
        "ChatGPT": (0.680, 0.790),
        "LLaMA2": (0.740, 0.770),
        "PaLM2": (0.840, 0.820),
    },
    "LLMBar/Adversarial/Neighbor": {
        "GPT-4": (0.896, 0.642),
        "ChatGPT": (0.731, 0.179),
        "LLaMA2": (0.873, 0.190),
        "PaLM2": (0.709, 0.511),
    },
    "LLMBar/Adversarial/GPTInst": {
        "GPT-4": (0.902, 0.766),
        "ChatGPT": (0.522, 0.293),
        "LLaMA2": (0.728, 0.250),
        "PaLM2": (0.739, 0.668),
    },
    "LLMBar/Adversarial/GPTOut": {
        "GPT-4": (0.872, 0.766),
        "ChatGPT": (0.426, 0.436),
        "LLaMA2": (0.702, 0.553),
        "PaLM2": (0.766, 0.628),
    },
    "LLMBar/Adversarial/Manual": {
        "GPT-4": (0.891, 0.750),
        "ChatGPT": (0.478, 0.370),
        "LLaMA2": (0.696, 0.304),
        "PaLM2": (0.804, 0.620),
    },
    "Processed/FairEval": {
        "GPT-4": (0.697, 0.727),
        "ChatGPT": (0.182, 0.576),
        "LLaMA2": (0.333, 0.561),
        "PaLM2": (0.318, 0.598),
    },
    "Processed/LLMEval^2": {
        "GPT-4": (0.875, 0.755),
        "ChatGPT": (0.720, 0.703),
        "LLaMA2": (0.750, 0.690),
        "PaLM2": (0.810, 0.660),
    },
    "Processed/MT-Bench": {
        "GPT-4": (0.870, 0.810),
        "ChatGPT": (0.575, 0.713),
        "LLaMA2": (0.670, 0.720),
        "PaLM2": (0.735, 0.703),
    },
}


@pytest.mark.parametrize("dataset", sorted(README_TABLE))
def test_llmbar_position_table_is_reproduced(dataset: str) -> None:
    for judge, (agreement, accuracy) in README_TABLE[dataset].items():
        path = LLMBAR / dataset / judge / "result.json"
        stats = position_stats(read_recorded(str(path)))
        assert (stats.agreement, stats.accuracy_average) == pytest.approx((agreement, accuracy), abs=6e-4), judge
        published = json.loads((path.parent / "statistics.json").read_text())
        assert stats.agreement * 100 == pytest.approx(float(published["equal"].split("= ")[-1].rstrip("%")), abs=0.05)


def test_position_stats_by_hand() -> None:
    verdicts = [Verdicts(1, 1, 1), Verdicts(1, 2, 2), Verdicts(2, 2, 2), Verdicts(1, 2, None)]
    stats = position_stats(verdicts)
    assert stats.agreement == 0.5  # pairs 1 and 3 keep their winner
    assert stats.first_position_rate == 0.75  # 6 of 8 verdicts picked the output shown first
    assert (stats.accuracy_original, stats.accuracy_swapped, stats.correct_both) == (0.6667, 1.0, 0.6667)


def test_bad_recorded_lines_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "v.jsonl"
    path.write_text('{"winner_original": 1, "winner_swapped": 2}\n{"winner_original": 1}\n')
    with pytest.raises(InputError, match=r"v.jsonl:2: each line needs winner_original and winner_swapped"):
        read_recorded(str(path))


def _gullible(prompt: str) -> str:
    """A judge that obeys instructions in the judged text and otherwise answers 4."""
    body = prompt.rsplit("⟦output⟧", 1)[-1].lower()
    return (
        "7"
        if re.search(
            r"grader|judge|evaluat|assess|review|rubric|instruction|score|verdict|marks|grade|"
            r"[A-Za-z0-9+/]{24,}",
            body,
        )
        else "4"
    )


@pytest.mark.parametrize(
    ("reply", "shift_range"),
    [(lambda _p: "4", (-0.01, 0.01)), (_gullible, (1.5, 3.0))],
    ids=["robust-judge", "gullible-judge"],
)
def test_probes_measure_the_shift(db_path: Path, reply: object, shift_range: tuple[float, float]) -> None:
    with ProviderServer(reply=reply) as server:  # type: ignore[arg-type]
        result = CliRunner().invoke(
            cli,
            [
                "audit",
                "--probe",
                "injection",
                "--probe",
                "verbosity",
                "--judge",
                "openai:gpt-4.1-mini",
                "--base-url",
                server.url,
                "--db",
                str(db_path),
                "--format",
                "json",
            ],
            env={"OPENAI_API_KEY": "sk-test"},
        )
    assert result.exit_code == 0, result.output
    injection, verbosity = json.loads(result.stdout)["probes"]
    assert injection["n"] == verbosity["n"] == 12
    assert shift_range[0] <= injection["mean_shift"] <= shift_range[1]  # expected scores: 4 → 7 under logprobs
    assert injection["flagged_share"] >= 0.75  # attempts from the corpus written blind to the heuristic
    detector = json.loads(result.stdout)["detector"]
    assert detector["attacks"] >= 200 and detector["recall"] >= 0.85 and detector["false_positive_rate"] <= 0.01
    assert verbosity["mean_shift"] == pytest.approx(0.0, abs=0.05) and verbosity["flagged_share"] is None


def test_audit_needs_something_to_do(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["audit"])
    assert result.exit_code == 2 and "--recorded" in result.output  # a usage error


def _pairwise(always_first: bool) -> object:
    """A pairwise judge that always answers 1, or a fair one that prefers the fuller reply."""

    def reply(prompt: str) -> str:
        if always_first:
            return "1"
        head, second = prompt.rsplit("Reply 2:", 1)
        first = head.rsplit("Reply 1:", 1)[1]
        return "1" if len(first) > len(second.split("Better reply:")[0]) else "2"

    return reply


@pytest.mark.parametrize(
    ("always_first", "agreement", "first_rate"), [(True, 0.0, 1.0), (False, 1.0, 0.5)], ids=["position-biased", "fair"]
)
def test_live_position_probe_tells_a_biased_judge_from_a_fair_one(
    db_path: Path, always_first: bool, agreement: float, first_rate: float
) -> None:
    with ProviderServer(reply=_pairwise(always_first)) as server:  # type: ignore[arg-type]
        result = CliRunner().invoke(
            cli,
            [
                "audit",
                "--probe",
                "position",
                "--rubric",
                "tone",
                "--judge",
                "openai:gpt-4.1-mini",
                "--base-url",
                server.url,
                "--db",
                str(db_path),
                "--format",
                "json",
            ],
            env={"OPENAI_API_KEY": "sk-test"},
        )
    assert result.exit_code == 0, result.output
    (probe,) = json.loads(result.stdout)["position_live"]
    assert probe["pairs"] >= 8 and probe["unparseable"] == 0
    assert (probe["agreement"], probe["first_position_rate"]) == (agreement, first_rate)


def test_consistency_probe_reports_spread(db_path: Path) -> None:
    import random

    rng = random.Random(3)
    for reply, expect_spread in ((lambda _p: "5", False), (lambda _p: str(rng.randint(1, 7)), True)):
        with ProviderServer(reply=reply, logprobs=False) as server:  # type: ignore[arg-type]
            result = CliRunner().invoke(
                cli,
                [
                    "audit",
                    "--probe",
                    "consistency",
                    "--judge",
                    "openai:gpt-4.1-mini",
                    "--base-url",
                    server.url,
                    "--db",
                    str(db_path),
                    "--format",
                    "json",
                ],
                env={"OPENAI_API_KEY": "sk-test"},
            )
        assert result.exit_code == 0, result.output
        (probe,) = json.loads(result.stdout)["consistency"]
        assert probe["n"] == 12 and probe["repeats"] == 3
        assert (probe["mean_spread"] > 1.0) is expect_spread and (probe["mean_spread"] == 0.0) is not expect_spread


def test_local_judge_cannot_be_asked_pairwise(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["audit", "--probe", "position", "--judge", "local"])
    assert result.exit_code == 1 and "--recorded" in result.output
