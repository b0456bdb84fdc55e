"""Working days, Danish public holidays and opening hours: the one calendar every rule uses."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bot.core.policy import Policy, get_policy

# holidays.DK's optional category holds days that are customary but not statutory holidays.
# The names map our policy file's keys onto holidays' English names for them.
_OPTIONAL_DAYS = {
    "grundlovsdag": "Constitution Day",
    "juleaftensdag": "Christmas Eve",
    "nytaarsaftensdag": "New Year's Eve",
    "arbejdernes_kampdag": "Workers' Day",
}


@lru_cache(maxsize=64)
def _closed_dates(year: int, closed_days: frozenset[str]) -> frozenset[date]:
    public = holidays.DK(years=year, language="en_US")
    optional = holidays.DK(years=year, categories=("optional",), language="en_US")
    wanted = {_OPTIONAL_DAYS[name] for name in closed_days}
    extra = {day for day, name in optional.items() if name in wanted}
    return frozenset(set(public.keys()) | extra)


class WorkingCalendar:
    def __init__(self, policy: Policy | None = None) -> None:
        self.policy = policy or get_policy()

    def is_holiday(self, day: date) -> bool:
        return day in _closed_dates(day.year, self.policy.closed_days)

    def closed_days_between(self, first: date, last: date, language: str) -> list[tuple[date, str]]:
        """The holidays and policy closed days from `first` to `last`, with their names (for
        operators: `netvaerk doctor` shows what the bot will treat as closed)."""
        names: dict[date, str] = {}
        locale = "da" if language == "da" else "en_US"
        for year in range(first.year, last.year + 1):
            names.update(holidays.DK(years=year, language=locale))
            names.update(holidays.DK(years=year, categories=("optional",), language=locale))
        return [
            (day, names.get(day, ""))
            for day in sorted(names)
            if first <= day <= last and self.is_holiday(day)
        ]

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.policy.working_weekdays and not self.is_holiday(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days after (or, negative, before) `day`."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first one after it."""
        current = day
        while not self.is_working_day(current):
            current += timedelta(days=1)
        return current

    def meeting_problem(self, start: datetime, minutes: int, now: datetime) -> str | None:
        """Why a conversation may not start at `start`, as a catalogue key; None if it may."""
        if start <= now:
            return "booking.error.past"
        if not self.is_working_day(start.date()):
            if self.is_holiday(start.date()):
                return "booking.error.holiday"
            return "booking.error.weekend"
        end = start + timedelta(minutes=minutes)
        if start.time() < self.policy.meeting_start or (
            end.date() != start.date() or end.time() > self.policy.meeting_end
        ):
            return "booking.error.hours"
        return None

    def is_send_open(self, moment: datetime, tz: str) -> bool:
        local = moment.astimezone(ZoneInfo(tz))
        return self.is_working_day(local.date()) and (
            self.policy.send_start <= local.time() < self.policy.send_end
        )

    def next_send_opening(self, moment: datetime, tz: str) -> datetime:
        """The first moment at or after `moment` when a message may be sent to someone in `tz`."""
        zone = ZoneInfo(tz)
        local = moment.astimezone(zone)
        if self.is_send_open(moment, tz):
            return moment
        day = local.date()
        if local.time() >= self.policy.send_start:
            day += timedelta(days=1)
        day = self.next_working_day(day)
        return datetime.combine(day, self.policy.send_start, tzinfo=zone).astimezone(moment.tzinfo)


def local_datetime(day: date, at: time, tz: str) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz))
