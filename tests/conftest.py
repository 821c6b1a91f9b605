"""Shared fixtures: a temporary store, the sample traffic (raw and labelled), the provider server, a CliRunner."""

from __future__ import annotations

import asyncio
import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from critic.combine.label import run_label
from critic.config import Config
from critic.data import resource
from critic.ingest import ingest_files
from critic.judge.backends import resolve_judge
from critic.judge.run import Runner, Selection, select_work
from critic.rubrics import resolve_rubric
from critic.store import Store, Window
from tests.fakes.judges import noisy_judge, planted_modes
from tests.fakes.provider import ProviderServer

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = resource("sample")
GOLDEN = resource("golden")
OASST = ROOT / "datasets" / "oasst"
DATA = Path(__file__).resolve().parent / "data"  # small slices of public datasets, with provenance (README)


def golden_check(
    candidate: str, judge: str, base_url: str, *, baseline: str | None = None, rubric: str = "tone"
) -> list[str]:
    """`critic check` arguments for a candidate of the shipped golden set (BASELINE: the golden baseline)."""
    return [
        "check",
        "--baseline",
        baseline or str(GOLDEN / "baseline.jsonl"),
        "--candidate",
        str(GOLDEN / candidate),
        "--golden",
        str(GOLDEN / "inputs.jsonl"),
        "--rubric",
        rubric,
        "--judge",
        judge,
        "--base-url",
        base_url,
    ]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "critic.duckdb"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as s:
        yield s


@pytest.fixture
def provider() -> Iterator[ProviderServer]:
    """The loopback provider server (OpenAI and Anthropic APIs) on 127.0.0.1."""
    with ProviderServer() as server:
        yield server


@pytest.fixture
def sample_store(db_path: Path) -> Iterator[Store]:
    """A store holding the sample traffic."""
    with Store.open(db_path) as s:
        ingest_files(s, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], Config())
        yield s


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CRITIC_DB", raising=False)
    monkeypatch.delenv("CRITIC_CONFIG", raising=False)
    return CliRunner()


@pytest.fixture(scope="session")
def labelled_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("triage") / "labelled.duckdb"
    with Store.open(path) as store:
        ingest_files(store, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], Config())
        run_label(store, Config(), Window())
    return path


@pytest.fixture
def labelled_store(labelled_sample: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "critic.duckdb"
    shutil.copy(labelled_sample, path)
    with Store.open(path) as store:
        yield store


@pytest.fixture(scope="session")
def planted() -> dict[str, str]:
    """{interaction id: planted failure mode} from the generator's truth file (no mode: absent)."""
    with (SAMPLE / "truth.csv").open() as f:
        return {r["id"]: r["failure_mode"] for r in csv.DictReader(f) if r["failure_mode"]}


@pytest.fixture(scope="session")
def judged_sample(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The sample traffic judged on three rubrics by the noisy, partly blind loopback judge, then labelled."""
    store = Store.open(tmp_path_factory.mktemp("endmodel") / "critic.duckdb")
    from critic.ingest import ingest_files

    ingest_files(store, [str(SAMPLE / "interactions.jsonl"), str(SAMPLE / "events.jsonl")], Config())
    with (
        ProviderServer(reply=noisy_judge(planted_modes(SAMPLE), seed=3), keep_prompts=False) as server,
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setenv("OPENAI_API_KEY", "sk-test")
        judge = resolve_judge("openai:noisy", base_url=server.url)
        rubrics = [resolve_rubric(r) for r in ("accuracy", "helpfulness", "tone")]
        asyncio.run(
            Runner(store, judge, Config(), concurrency=32, budget_usd=None).run(
                select_work(store, rubrics, judge.spec, Selection())
            )
        )
    run_label(store, Config(), Window())
    return store
