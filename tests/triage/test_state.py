"""Triage state: keys stay, statuses persist across weeks, a fixed problem that returns is flagged."""

from __future__ import annotations

import pytest

from critic.config import Config
from critic.errors import ConfigError
from critic.store import Store
from critic.triage.period import week_period
from critic.triage.report import build_report
from critic.triage.state import mark


def _cluster_of(report: dict, planted: dict[str, str], mode: str) -> dict:
    return max(report["clusters"], key=lambda c: sum(planted.get(i) == mode for i in c["interaction_ids"]))


def test_rerunning_a_week_keeps_keys(labelled_store: Store) -> None:
    first = build_report(labelled_store, Config(), week_period("2026-W47"))
    again = build_report(labelled_store, Config(), week_period("2026-W47"))
    assert [c["key"] for c in first["clusters"]] == [c["key"] for c in again["clusters"]]


def test_status_persists_and_a_fixed_problem_that_returns_is_a_regression(
    labelled_store: Store, planted: dict[str, str]
) -> None:
    w46 = build_report(labelled_store, Config(), week_period("2026-W46"))
    refusal, rude = _cluster_of(w46, planted, "refusal"), _cluster_of(w46, planted, "rude_tone")
    mark(labelled_store, refusal["key"], "investigating", "prompt change in review", None)
    mark(labelled_store, rude["key"], "fixed", None, None)
    w47 = build_report(labelled_store, Config(), week_period("2026-W47"))
    again = _cluster_of(w47, planted, "refusal")
    assert again["key"] == refusal["key"], "the same problem next week keeps its key"
    assert (again["status"], again["note"], again["regression"]) == ("investigating", "prompt change in review", False)
    back = _cluster_of(w47, planted, "rude_tone")
    assert back["key"] == rude["key"] and back["status"] == "fixed" and back["regression"] is True
    assert all(not c["regression"] for c in w47["clusters"] if c["key"] != rude["key"])


def test_marking_an_unknown_key_lists_known_ones(labelled_store: Store) -> None:
    build_report(labelled_store, Config(), week_period("2026-W47"))
    with pytest.raises(ConfigError, match="known keys: C"):
        mark(labelled_store, "nope", "fixed", None, None)
    with pytest.raises(ConfigError, match="use one of"):
        mark(labelled_store, "nope", "done", None, None)
