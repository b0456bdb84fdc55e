"""Dates and times as people read them, in their language and time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.i18n import t


def format_date(day: date, language: str) -> str:
    return t(
        language,
        "format.date",
        weekday=t(language, f"format.weekday.{day.weekday()}"),
        day=day.day,
        month=t(language, f"format.month.{day.month}"),
        year=day.year,
    )


def format_datetime(moment: datetime, language: str, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return t(
        language,
        "format.datetime",
        date=format_date(local.date(), language),
        time=local.strftime("%H:%M"),
    )


def format_time(moment: datetime, tz: str) -> str:
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M")
