"""Dates and times as people type them after a slash command: 2027-03-16, 16-03-2027,
16.03.2027 or 16/3/2027; 10:00 or 10.00. Danes write the day first."""

from __future__ import annotations

import re
from datetime import date, time

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_day(text: str) -> date | None:
    text = text.strip()
    try:
        if match := _ISO.match(text):
            year, month, day = map(int, match.groups())
            return date(year, month, day)
        if match := _DAY_FIRST.match(text):
            day, month, year = map(int, match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def parse_clock(text: str) -> time | None:
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour, minute = map(int, match.groups())
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
