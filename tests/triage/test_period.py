from __future__ import annotations

from datetime import UTC, datetime

import pytest

from critic.errors import ConfigError
from critic.store import Store
from critic.triage.period import last_full_week, span_period, week_period


def test_week_period_runs_monday_to_monday_utc() -> None:
    p = week_period("2026-W47")
    assert (p.start, p.end) == (datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))
    assert p.previous().label == "2026-W46"
    assert week_period("2027-W01").previous().label == "2026-W53"


@pytest.mark.parametrize("label", ["2026-47", "2026-W7", "2026-W54", "W47"])
def test_bad_week_names_say_how_to_write_one(label: str) -> None:
    with pytest.raises(ConfigError, match="--week"):
        week_period(label)


def test_span_period_checks_order() -> None:
    assert span_period("2026-11-01", "2026-11-08").label == "2026-11-01..2026-11-08"
    with pytest.raises(ConfigError, match="not after"):
        span_period("2026-11-08", "2026-11-01")


@pytest.mark.parametrize(
    ("newest", "week"),
    [
        ("2026-11-22 22:00", "2026-W47"),  # a Sunday: that week is full
        ("2026-11-25 10:00", "2026-W47"),  # a Wednesday: the week before
        ("2026-11-23 00:30", "2026-W47"),
    ],
)
def test_last_full_week_ends_on_or_before_the_newest_day(store: Store, newest: str, week: str) -> None:
    store.con.execute("INSERT INTO interactions (id, ts, output, ingested_at) VALUES ('a', ?, 'x', now())", [newest])
    assert last_full_week(store).label == week


def test_last_full_week_of_an_empty_store_says_to_ingest(store: Store) -> None:
    with pytest.raises(ConfigError, match="critic ingest"):
        last_full_week(store)
