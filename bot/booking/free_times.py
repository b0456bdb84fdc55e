"""Free times for the conversation, from both people's Outlook calendars.

The seed asks the two to find time for the conversation; in a municipality on Microsoft 365 the
truth about who is free lives in Exchange. Given both people's busy intervals (from the calendar
port), this finds the next starts that suit both: inside the policy's booking hours, on working
days, never on holidays, for the conversation's length. Pure functions, so the rules are tested
with freezegun over real calendars and no calendar service at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.working_calendar import WorkingCalendar, local_datetime

SLOT_STEP_MINUTES = 30  # proposals start on the hour or the half hour, as people book
SEARCH_WORKING_DAYS = 15  # three working weeks ahead, so a busy fortnight still gives times
SLOTS_OFFERED = 3  # the booking form takes 1–3 times


@dataclass(frozen=True)
class Interval:
    """A busy stretch of someone's calendar (aware datetimes)."""

    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


def collides(busy: Iterable[Interval], start: datetime, minutes: int) -> bool:
    """Whether a conversation at `start` would sit on anyone's busy time."""
    end = start + timedelta(minutes=minutes)
    return any(interval.overlaps(start, end) for interval in busy)


def _first_start(day: date, now: datetime, calendar: WorkingCalendar, tz: str) -> datetime:
    opening = local_datetime(day, calendar.policy.meeting_start, tz)
    if opening > now:
        return opening
    # Today: the next half hour after now, never a time already past.
    local = now.astimezone(ZoneInfo(tz)).replace(second=0, microsecond=0)
    minutes = SLOT_STEP_MINUTES - local.minute % SLOT_STEP_MINUTES
    return local + timedelta(minutes=minutes)


def _starts_on(
    day: date, now: datetime, calendar: WorkingCalendar, tz: str, minutes: int
) -> list[datetime]:
    starts = []
    moment = _first_start(day, now, calendar, tz)
    while moment.date() == day:
        if calendar.meeting_problem(moment, minutes, now) is None:
            starts.append(moment)
        elif moment.time() >= calendar.policy.meeting_end:
            break
        moment += timedelta(minutes=SLOT_STEP_MINUTES)
    return starts


def search_window(now: datetime, calendar: WorkingCalendar) -> tuple[datetime, datetime]:
    """The stretch to ask the calendar about: from now to the end of the search's last day."""
    last = calendar.add_working_days(now.date(), SEARCH_WORKING_DAYS)
    return now, datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)


def free_slots(
    busy: Iterable[Interval],
    calendar: WorkingCalendar,
    minutes: int,
    now: datetime,
    tz: str,
    count: int = SLOTS_OFFERED,
) -> list[datetime]:
    """The next `count` starts when neither person is busy, at most one a day so the other
    party has real alternatives (not three half hours of one morning); fewer when the calendars
    are full for the whole search."""
    intervals = sorted(busy, key=lambda interval: interval.start)
    found: list[datetime] = []
    day = calendar.next_working_day(now.astimezone(ZoneInfo(tz)).date())
    for _ in range(SEARCH_WORKING_DAYS + 1):
        for start in _starts_on(day, now, calendar, tz, minutes):
            if not collides(intervals, start, minutes):
                found.append(start)
                break
        if len(found) >= count:
            break
        day = calendar.next_working_day(day + timedelta(days=1))
    return found
