"""The shapes shared by every reminder: what fell due (`Due`), the planning window, and what a
message builder is handed at delivery time.

A rule looks at the domain tables and the window and says which messages fall due; it never
stores a timer (DESIGN.md §3). A builder turns one outbox row back into a message from the data
as it is *now*, and returns None when the cause is gone (booked, left, changed) — so a nudge
stops the moment its cause is resolved, even when it was already waiting in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.core import ui
from bot.core.i18n import Translator
from bot.core.working_calendar import WorkingCalendar
from bot.reminders.policy import ReminderPolicy
from storage.models import Person

if TYPE_CHECKING:
    from bot.booking.calendar_port import CalendarPort


@dataclass(frozen=True)
class Due:
    """One message that falls due. `key` is deterministic: the same cause on the same day always
    gives the same key, which the outbox holds unique."""

    key: str
    kind: str
    subject: str  # what it is about; snoozes name it ("booking:12")
    due_on: date  # the organisation-local day it fell due
    recipient_id: int | None = None
    channel: str | None = None
    capped: bool = True
    payload: Mapping[str, Any] = field(default_factory=dict)


class Workdays:
    """Working-day arithmetic with a memo: planning a large organisation asks the same
    (day, offset) questions thousands of times in one pass."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        self.calendar = calendar
        self._memo: dict[tuple[date, int], date] = {}

    def add(self, day: date, count: int) -> date:
        key = (day, count)
        found = self._memo.get(key)
        if found is None:
            found = self.calendar.add_working_days(day, count)
            self._memo[key] = found
        return found

    def on_or_after(self, day: date) -> date:
        return self.calendar.next_working_day(day)

    def days_due_between(self, offset: int, after: date, until: date) -> tuple[date, date] | None:
        """The days `d` whose `add(d, offset)` lies in (after, until]: a contiguous range,
        since adding working days never goes backwards. None when there are none."""
        span = abs(offset) * 3 + 14
        start, end = after - timedelta(days=span), until + timedelta(days=span)
        found = [
            start + timedelta(days=i)
            for i in range((end - start).days + 1)
            if after < self.add(start + timedelta(days=i), offset) <= until
        ]
        return (found[0], found[-1]) if found else None


class Cursors(Protocol):
    """The planner's memory between ticks (storage: scheduler_cursors)."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...


@dataclass
class PlanWindow:
    """What the planner asks each rule: "what falls due in the days (since_day, today], and
    what became due because of rows that appeared since the last tick?"."""

    now: datetime
    today: date  # organisation-local
    since_day: date  # days after this one are new in this pass
    org_tz: str
    calendar: WorkingCalendar
    policy: ReminderPolicy
    secretariat_channel: str | None
    cursors: Cursors
    workdays: Workdays
    memo: dict[str, Any] = field(default_factory=dict)  # shared by rules within one pass
    # The Outlook calendar, in a real pass only (a preview never calls Graph): the rule that
    # notices events changed in Outlook (bot/booking/outlook_rules.py) reads it.
    outlook: CalendarPort | None = None

    @property
    def new_day(self) -> bool:
        return self.since_day < self.today

    def fresh(self, day: date) -> bool:
        """Did `day` come within this pass's new days?"""
        return self.since_day < day <= self.today

    def midnight(self, day: date) -> datetime:
        return local_midnight(day, self.org_tz)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.org_tz)).date()


Rule = Callable[[Session, PlanWindow], Iterable[Due]]


def _by_name(person: Person) -> ui.Rich:
    return ui.mention(person.id or 0, person.name)


@dataclass
class BuildContext:
    """What a message builder is handed for one outbox row at delivery (or preview) time."""

    session: Session
    now: datetime
    recipient: Person | None  # None for a channel post
    language: str
    tz: str
    calendar: WorkingCalendar
    policy: ReminderPolicy
    default_tz: str
    default_language: str
    # Every feature's builders by outbox kind (`Registry.builders`, bot/core/feature.py).
    builders: Mapping[str, Builder]
    outbox_id: int | None = None
    # Whether a message fits the platform it goes to (delivery asks its transport).
    fits: ui.Fits = ui.fits_anywhere
    # A person as a mention, with their id on the platform the message goes to (a preview has
    # none: the renderer writes the name).
    mention: Callable[[Person], ui.Rich] = _by_name

    @property
    def t(self) -> Translator:
        return Translator(self.language)

    def build(self, kind: str, payload: Mapping[str, Any]) -> ui.Message | None:
        """The message for one outbox row, from the data as it is now; None when its cause is
        gone (or its kind is unknown to this version of the code)."""
        builder = self.builders.get(kind)
        return builder(self, payload) if builder is not None else None


Builder = Callable[["BuildContext", Mapping[str, Any]], "ui.Message | None"]


def local_midnight(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the 31st becomes the month's last day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def secretariat_targets(
    session: Session, channel: str | None
) -> list[tuple[int | None, str | None]]:
    """Where the secretariat is reached: its channel when configured, else each member by DM
    (DESIGN.md §4: NETVAERK_SECRETARIAT_CHANNEL)."""
    if channel:
        return [(None, channel)]
    members = session.exec(
        select(Person.id).where(col(Person.is_secretariat).is_(True), col(Person.active).is_(True))
    ).all()
    return [(person_id, None) for person_id in members]


def target_suffix(recipient_id: int | None, channel: str | None) -> str:
    return f"p{recipient_id}" if recipient_id is not None else f"c{channel}"


def for_each_target(
    session: Session,
    window: PlanWindow,
    *,
    key: str,
    kind: str,
    subject: str,
    due_on: date,
    payload: Mapping[str, Any],
) -> list[Due]:
    """One Due per secretariat target, uncapped (reports to the secretariat are not nudges)."""
    return [
        Due(
            key=f"{key}:{target_suffix(rid, chan)}",
            kind=kind,
            subject=subject,
            due_on=due_on,
            recipient_id=rid,
            channel=chan,
            capped=False,
            payload=payload,
        )
        for rid, chan in secretariat_targets(session, window.secretariat_channel)
    ]
