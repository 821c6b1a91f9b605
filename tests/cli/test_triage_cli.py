"""critic triage and critic triage mark through the CLI: files written, JSON on stdout, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from critic.cli import cli


def test_triage_writes_three_files_and_prints_the_path(runner: CliRunner, labelled_sample: Path) -> None:
    shutil.copy(labelled_sample, "critic.duckdb")
    result = runner.invoke(cli, ["triage"])
    assert result.exit_code == 0, result.output
    assert "reports/2026-W47/report.html" in result.output
    for name in ("report.html", "report.md", "report.json"):
        assert (Path("reports/2026-W47") / name).stat().st_size > 1000


def test_triage_json_then_mark_then_status_shows(runner: CliRunner, labelled_sample: Path) -> None:
    shutil.copy(labelled_sample, "critic.duckdb")
    first = runner.invoke(cli, ["triage", "--week", "2026-W47", "--format", "json", "--out", "out"])
    assert first.exit_code == 0, first.output
    key = json.loads(first.stdout)["clusters"][0]["key"]
    marked = runner.invoke(cli, ["triage", "mark", key, "--status", "investigating", "--note", "see #12"])
    assert marked.exit_code == 0 and f"{key}: investigating (see #12)" in marked.output
    again = json.loads(runner.invoke(cli, ["triage", "--week", "2026-W47", "--format", "json", "--out", "out"]).stdout)
    assert (again["clusters"][0]["key"], again["clusters"][0]["status"]) == (key, "investigating")


def test_triage_usage_errors_exit_2_and_other_errors_1(runner: CliRunner, labelled_sample: Path) -> None:
    shutil.copy(labelled_sample, "critic.duckdb")
    bad_week = runner.invoke(cli, ["triage", "--week", "47"])
    assert bad_week.exit_code == 2 and "YYYY-Www" in bad_week.output
    both = runner.invoke(cli, ["triage", "--week", "2026-W47", "--since", "2026-11-01"])
    assert both.exit_code == 2 and "not both" in both.output
    unknown = runner.invoke(cli, ["triage", "mark", "Cnope", "--status", "fixed"])
    assert unknown.exit_code == 1 and "no triage cluster" in unknown.output
    assert runner.invoke(cli, ["triage", "mark", "Cnope", "--status", "done"]).exit_code == 2
