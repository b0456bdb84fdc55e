"""The booking's use of the Outlook calendar: free times to offer, busy times to refuse, and the
booked conversation as one real event kept in step.

Every call goes through the calendar port (bot/booking/calendar_port.py). A calendar that
cannot be read or written for these people (a mailbox outside the app's RBAC scope, Graph
down, throttling beyond its small budget) never stops a booking: the form says so and the
conversation goes on with proposed times and the `.ics` invitation, as without a calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.booking.calendar_port import (
    CalendarBusy,
    CalendarPort,
    CalendarUnavailable,
    EventText,
    MeetingEvent,
)
from bot.booking.free_times import Interval, collides, free_slots, search_window
from bot.core.i18n import Translator
from bot.core.working_calendar import WorkingCalendar
from storage.models import Conversation, Person

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Offer:
    """What the booking form shows from the calendar: the free starts (maybe none), or that the
    calendar could not be read (`unavailable`), in which case the form says so."""

    slots: tuple[datetime, ...] = ()
    unavailable: bool = False


def offer(
    port: CalendarPort,
    calendar: WorkingCalendar,
    people: Sequence[Person],
    minutes: int,
    now: datetime,
    tz: str,
) -> Offer:
    """The next free starts of both people (one getSchedule for both)."""
    start, end = search_window(now, calendar)
    try:
        busy = port.busy([p.email for p in people], start, end)
    except (CalendarUnavailable, CalendarBusy) as error:
        log.info("calendar: free times not read (%s)", type(error).__name__)
        return Offer(unavailable=True)
    return Offer(tuple(free_slots(busy, calendar, minutes, now, tz)))


def colliding(
    port: CalendarPort,
    people: Sequence[Person],
    times: Sequence[datetime],
    minutes: int,
    ignore: Interval | None = None,
) -> list[datetime]:
    """The proposed times that sit on someone's busy time; none when the calendar cannot be
    read (the proposal then goes as without a calendar). `ignore` is the conversation's own
    event when it is being moved: it is busy time, but not a collision."""
    if not times:
        return []
    start = min(times)
    end = max(times) + timedelta(minutes=minutes)
    try:
        busy = port.busy([p.email for p in people], start, end)
    except (CalendarUnavailable, CalendarBusy) as error:
        log.info("calendar: proposal not checked (%s)", type(error).__name__)
        return []
    busy = [b for b in busy if b != ignore]
    return [moment for moment in times if collides(busy, moment, minutes)]


def organiser_of(conversation: Conversation, employee: Person, manager: Person) -> Person:
    """Whose calendar holds the event: the inviter, whose proposal was accepted."""
    return employee if conversation.proposed_by_id == employee.id else manager


def event_text(t: Translator, other: Person, network: str | None) -> EventText:
    """Subject and body in the organiser's language (the attendee reads the same event)."""
    subject = t("booking.outlook.subject", name=other.name)
    body = t("booking.outlook.body_network" if network else "booking.outlook.body", network=network)
    return EventText(subject=subject, body_html=f"<p>{_escape(body)}</p>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def transaction_id(conversation: Conversation) -> str:
    """The same for every attempt at creating this conversation's event, so a retried POST
    gives the one event Graph already made."""
    return f"netvaerk-{conversation.uid}"[:100]


def create(
    port: CalendarPort,
    conversation: Conversation,
    organiser: Person,
    attendee: Person,
    text: EventText,
) -> MeetingEvent | None:
    """The booked conversation as an event in the organiser's mailbox; None when the calendar
    cannot take it (the `.ics` invitation is the meeting then). Throttling beyond the client's
    budget raises `CalendarBusy`: the caller leaves it to the tick (outlook_rules.py)."""
    assert conversation.starts_at is not None
    end = conversation.starts_at + timedelta(minutes=conversation.duration_minutes)
    try:
        return port.create_event(
            organiser.email,
            attendee.email,
            conversation.starts_at,
            end,
            text,
            transaction_id(conversation),
        )
    except CalendarUnavailable as error:
        log.warning(
            "calendar: event for conversation %s not created (%s)",
            conversation.id,
            type(error).__name__,
        )
        return None


def move(port: CalendarPort, conversation: Conversation) -> bool:
    """The event follows the conversation's new time. False when it could not."""
    if not (conversation.outlook_mailbox and conversation.outlook_event_id):
        return False
    assert conversation.starts_at is not None
    end = conversation.starts_at + timedelta(minutes=conversation.duration_minutes)
    try:
        port.move_event(
            conversation.outlook_mailbox, conversation.outlook_event_id, conversation.starts_at, end
        )
    except (CalendarUnavailable, CalendarBusy) as error:
        log.warning(
            "calendar: event of conversation %s not moved (%s)",
            conversation.id,
            type(error).__name__,
        )
        return False
    return True


def cancel(port: CalendarPort, conversation: Conversation, comment: str) -> bool:
    """Cancel the event (Outlook tells the attendee). False when it could not be reached; the
    tick tries again (bot/booking/outlook_rules.py)."""
    if not (conversation.outlook_mailbox and conversation.outlook_event_id):
        return True
    try:
        port.cancel_event(conversation.outlook_mailbox, conversation.outlook_event_id, comment)
    except (CalendarUnavailable, CalendarBusy) as error:
        log.warning(
            "calendar: event of conversation %s not cancelled (%s)",
            conversation.id,
            type(error).__name__,
        )
        return False
    return True
