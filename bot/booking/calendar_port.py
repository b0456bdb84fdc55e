"""The calendar the booking may use, whatever serves it (Outlook through Graph, or none).

Without a calendar the conversation is booked by proposed times and an `.ics` invitation, as
always; with one, the form offers free times and the booked conversation is one real event.
The port says only what booking needs, in booking's terms; the Graph adapter lives in
`platforms/microsoft/`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.booking.free_times import Interval


class CalendarUnavailable(Exception):
    """The calendar cannot be used for this mailbox (outside the app's RBAC scope, unknown,
    or the service refused): booking falls back to proposed times and the `.ics` file."""


class CalendarBusy(Exception):
    """The calendar is throttling or briefly down; the work is retried later, nothing lost."""


@dataclass(frozen=True)
class MeetingEvent:
    id: str
    start: datetime
    end: datetime
    cancelled: bool = False
    join_url: str | None = None


@dataclass(frozen=True)
class EventText:
    """What the event says, in the organiser's language (the attendee reads the same)."""

    subject: str
    body_html: str


class CalendarPort(Protocol):
    def busy(self, mailboxes: Sequence[str], start: datetime, end: datetime) -> list[Interval]:
        """Everyone's busy time between `start` and `end`, together (one interval list).
        Raises CalendarUnavailable when a mailbox may not be read, CalendarBusy when throttled."""
        ...

    def create_event(
        self,
        organiser: str,
        attendee: str,
        start: datetime,
        end: datetime,
        text: EventText,
        transaction_id: str | None = None,
    ) -> MeetingEvent:
        """One event in the organiser's calendar, the attendee invited, with a Teams meeting.
        The same `transaction_id` twice gives the same event (a retried request)."""
        ...

    def move_event(
        self, organiser: str, event_id: str, start: datetime, end: datetime
    ) -> MeetingEvent: ...

    def cancel_event(self, organiser: str, event_id: str, comment: str) -> None:
        """Cancel the event (the attendee is told by Outlook). An event already gone is fine."""
        ...

    def get_event(self, organiser: str, event_id: str) -> MeetingEvent | None:
        """The event as it stands in Outlook now; None when it was deleted there."""
        ...
