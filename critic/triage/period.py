"""The report's period: an ISO week (the default is the last full one in the data) or explicit bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from critic.errors import ConfigError, OptionError
from critic.store import Store, Window
from critic.store.triage import latest_ts

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, with a label such as '2026-W47'."""

    start: datetime
    end: datetime
    label: str

    @property
    def window(self) -> Window:
        return Window(self.start.isoformat(), self.end.isoformat())

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        span = self.end - self.start
        start = self.start - span
        label = iso_week_label(start) if _is_week(self) else f"{start:%Y-%m-%d}..{self.start:%Y-%m-%d}"
        return Period(start, self.start, label)


def iso_week_label(moment: datetime | date) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def week_period(label: str) -> Period:
    """The ISO week named LABEL ('YYYY-Www'), Monday 00:00 UTC to the next Monday."""
    match = WEEK.match(label)
    if not match:
        raise OptionError(f"--week {label!r}: write an ISO week as YYYY-Www, e.g. 2026-W47")
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise OptionError(f"--week {label!r}: {exc}") from exc
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    return Period(start, start + timedelta(days=7), label)


def span_period(since: str, until: str) -> Period:
    """The period [since, until) from two ISO timestamps or dates."""
    try:
        start, end = (_utc(datetime.fromisoformat(v)) for v in (since, until))
    except ValueError as exc:
        raise OptionError(f"--since/--until: {exc}; write ISO dates such as 2026-11-16") from exc
    if end <= start:
        raise OptionError(f"--until {until} is not after --since {since}")
    return Period(start, end, f"{start:%Y-%m-%d}..{end:%Y-%m-%d}")


def last_full_week(store: Store) -> Period:
    """The last ISO week whose Sunday is on or before the day of the newest interaction."""
    newest = latest_ts(store)
    if newest is None:
        raise ConfigError("the store has no interactions; run `critic ingest` first")
    day = newest.astimezone(UTC).date()
    sunday = day if day.isoweekday() == 7 else day - timedelta(days=day.isoweekday())
    return week_period(iso_week_label(sunday))


def _is_week(period: Period) -> bool:
    return bool(WEEK.match(period.label))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
