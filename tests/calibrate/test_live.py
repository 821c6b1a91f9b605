"""critic calibrate --human: items people scored, judged now through the real client, then the metrics."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from critic.cli import cli
from tests.conftest import GOLDEN
from tests.fakes.provider import ProviderServer


def _human_file(tmp_path: Path) -> Path:
    """Golden items: the baseline outputs rated 6 by a person, the rude or refusing ones rated 1."""
    inputs = {r["id"]: r for r in map(json.loads, (GOLDEN / "inputs.jsonl").read_text().splitlines())}
    rows = []
    for name, score in (("baseline", 6), ("candidate_worse", 1)):
        for line in (GOLDEN / f"{name}.jsonl").read_text().splitlines()[:12]:
            item = json.loads(line)
            rude = any(w in item["output"].lower() for w in ("obviously", "honestly", "can't help", "cannot help"))
            if name == "baseline" or rude:
                rows.append(
                    {
                        "id": f"{name}-{item['id']}",
                        "input": inputs[item["id"]]["input"],
                        "output": item["output"],
                        "human": {"tone": score},
                    }
                )
    path = tmp_path / "rated.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _calibrate(db: Path, server: ProviderServer, human: Path, *extra: str) -> CliRunner:
    return CliRunner().invoke(
        cli,
        [
            "calibrate",
            "--human",
            str(human),
            "--rubric",
            "tone",
            "--judge",
            "openai:gpt-4.1-mini",
            "--base-url",
            server.url,
            "--db",
            str(db),
            *extra,
        ],
        env={"OPENAI_API_KEY": "sk-test"},
    )


def test_human_items_are_judged_then_compared_and_cached(
    db_path: Path, provider: ProviderServer, tmp_path: Path
) -> None:
    human = _human_file(tmp_path)
    result = _calibrate(db_path, provider, human, "--format", "json")
    assert result.exit_code == 0, result.output
    (tone,) = json.loads(result.stdout)["criteria"]
    assert tone["judge"] == "openai:gpt-4.1-mini" and tone["criterion"] == "tone"
    assert tone["n"] == len(human.read_text().splitlines()) and tone["spearman"] > 0.5
    calls = provider.stats.calls
    assert _calibrate(db_path, provider, human).exit_code == 0 and provider.stats.calls == calls, "judged once"
    history = CliRunner().invoke(cli, ["calibrate", "--history", "--db", str(db_path), "--format", "json"])
    assert len(json.loads(history.stdout)) == 2


def test_a_human_line_without_a_score_for_the_rubric_names_the_line(
    db_path: Path, provider: ProviderServer, tmp_path: Path
) -> None:
    path = tmp_path / "rated.jsonl"
    path.write_text(
        '{"id": "a", "output": "x", "human": {"tone": 5}}\n{"id": "b", "output": "y", "human": {"accuracy": 5}}\n'
    )
    result = _calibrate(db_path, provider, path)
    assert result.exit_code == 1 and "rated.jsonl:2: 'human' needs a number for rubric 'tone'" in result.stderr
    assert provider.stats.calls == 0
