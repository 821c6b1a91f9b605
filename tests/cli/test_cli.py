from __future__ import annotations

import json
import re
from pathlib import Path

import click
from click.testing import CliRunner

from critic import __version__
from critic.cli import cli
from tests.conftest import ROOT, SAMPLE


def _commands(group: click.Group, prefix: str = "critic") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, cmd in group.commands.items():
        full = f"{prefix} {name}"
        found[full] = cmd
        if isinstance(cmd, click.Group):
            found.update(_commands(cmd, full))
    return found


def _readme_sections() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    parts = re.split(r"^### `(critic[^`]*)`\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1].split("\n## ")[0] for i in range(1, len(parts), 2)}


def test_readme_cli_reference_matches_the_commands() -> None:
    # a group is documented when it runs on its own (critic triage) and so has options of its own
    commands = {k: v for k, v in _commands(cli).items() if not isinstance(v, click.Group) or v.invoke_without_command}
    sections = _readme_sections()
    assert set(sections) == set(commands), "README's CLI reference and the CLI disagree on the commands"
    for name, cmd in commands.items():
        for param in cmd.params:
            if isinstance(param, click.Option):
                flag = max(param.opts, key=len)
                assert f"`{flag}" in sections[name], f"README section for {name} does not document {flag}"


def test_version_and_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    result = runner.invoke(cli, ["-h"])
    assert result.exit_code == 0 and "ingest" in result.output


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["ingest"]).exit_code == 2
    assert runner.invoke(cli, ["ingest", "x.jsonl", "--bogus"]).exit_code == 2


def test_ingest_json_output_and_db_from_environment(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "env.duckdb"
    files = [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")]
    result = runner.invoke(cli, ["ingest", *files, "--format", "json"], env={"CRITIC_DB": str(db)})
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["interactions"] == 2000 and payload["duplicates"] == 0
    assert db.exists()


def test_ingest_bad_input_exits_1_with_location(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "ts": "2026-11-02T10:00:00Z"}\n')
    result = runner.invoke(cli, ["ingest", str(bad), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 1
    assert f"{bad}:1: missing field 'output'" in result.stderr


def test_ingest_reads_stdin(runner: CliRunner, tmp_path: Path) -> None:
    line = '{"id": "a", "ts": "2026-11-02T10:00:00Z", "output": "x"}\n'
    result = runner.invoke(cli, ["ingest", "-", "--db", str(tmp_path / "s.duckdb"), "--format", "json"], input=line)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["interactions"] == 1


def test_ingest_csv_format(runner: CliRunner, tmp_path: Path) -> None:
    line = '{"id": "a", "ts": "2026-11-02T10:00:00Z", "output": "x"}\n'
    result = runner.invoke(cli, ["ingest", "-", "--db", str(tmp_path / "s.duckdb"), "--format", "csv"], input=line)
    assert result.stdout.splitlines() == ["interactions,events,duplicates,skipped,skipped_by_reason", "1,0,0,0,{}"]


def test_names_the_cli_repeats_to_stay_fast_match_the_library() -> None:
    """The CLI spells some choices out instead of importing the library at startup; they must agree."""
    from critic.cli import export as export_cli
    from critic.cli import ingest as ingest_cli
    from critic.export import TARGETS
    from critic.ingest.formats import NAMES

    assert ingest_cli.NAMES == NAMES and export_cli.TARGETS == TARGETS
