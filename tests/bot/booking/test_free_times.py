"""Free times for the conversation over real calendars: weekends, Easter, Christmas, summer time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.booking.free_times import Interval, collides, free_slots
from bot.core.working_calendar import WorkingCalendar

CPH = "Europe/Copenhagen"
Z = ZoneInfo(CPH)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=Z)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def test_empty_calendars_give_one_time_a_day_from_the_next_opening(
    calendar: WorkingCalendar,
) -> None:
    # Friday 15:40: too late for an hour today (booking ends 16:00): Monday, Tuesday, Wednesday.
    slots = free_slots([], calendar, 60, at("2027-03-05T15:40"), CPH)
    assert slots == [at("2027-03-08T08:00"), at("2027-03-09T08:00"), at("2027-03-10T08:00")]


def test_later_today_starts_on_the_next_half_hour(calendar: WorkingCalendar) -> None:
    slots = free_slots([], calendar, 30, at("2027-03-08T10:07"), CPH, count=1)
    assert slots == [at("2027-03-08T10:30")]


def test_busy_time_of_either_person_is_skipped(calendar: WorkingCalendar) -> None:
    busy = [
        Interval(at("2027-03-08T08:00"), at("2027-03-08T12:00")),  # one person's morning
        Interval(at("2027-03-08T12:30"), at("2027-03-08T16:00")),  # the other's afternoon
        Interval(at("2027-03-09T07:00"), at("2027-03-09T09:15")),
    ]
    slots = free_slots(busy, calendar, 30, at("2027-03-07T20:00"), CPH)
    assert slots == [at("2027-03-08T12:00"), at("2027-03-09T09:30"), at("2027-03-10T08:00")]
    assert all(not collides(busy, s, 30) for s in slots)


def test_a_gap_shorter_than_the_conversation_is_not_offered(calendar: WorkingCalendar) -> None:
    busy = [
        Interval(at("2027-03-08T08:00"), at("2027-03-08T10:00")),
        Interval(at("2027-03-08T10:30"), at("2027-03-08T16:00")),  # only 30 minutes free
    ]
    slots = free_slots(busy, calendar, 60, at("2027-03-07T20:00"), CPH, count=1)
    assert slots == [at("2027-03-09T08:00")]


def test_easter_is_skipped(calendar: WorkingCalendar) -> None:
    # Wednesday before Easter 2027, afternoon: Thursday 25, Friday 26 and Monday 29 March are
    # holidays; the weekend in between too.
    slots = free_slots([], calendar, 60, at("2027-03-24T15:30"), CPH)
    assert slots == [at("2027-03-30T08:00"), at("2027-03-31T08:00"), at("2027-04-01T08:00")]


def test_christmas_and_new_year_are_skipped(calendar: WorkingCalendar) -> None:
    slots = free_slots([], calendar, 45, at("2027-12-23T16:30"), CPH)
    # 24 (juleaftensdag, closed by policy), 25–26, the weekend, 31 (nytaarsaftensdag), 1 January.
    assert slots == [at("2027-12-27T08:00"), at("2027-12-28T08:00"), at("2027-12-29T08:00")]


def test_summer_time_keeps_local_hours(calendar: WorkingCalendar) -> None:
    # Summer time starts on Sunday 28 March 2027; Monday's 08:00 is 06:00 UTC, Friday's was 07:00.
    slots = free_slots([], calendar, 60, at("2027-03-26T17:00"), CPH, count=1)
    assert slots == [at("2027-03-30T08:00")]  # Monday 29 is Easter Monday
    assert slots[0].utcoffset() == timedelta(hours=2)


def test_full_calendars_give_fewer_times_not_busy_ones(calendar: WorkingCalendar) -> None:
    busy = [Interval(at("2027-03-01T00:00"), at("2027-06-01T00:00"))]
    assert free_slots(busy, calendar, 30, at("2027-03-08T08:00"), CPH) == []
