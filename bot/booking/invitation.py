"""Calendar invitations (.ics) for the conversation.

One stable UID per conversation and a SEQUENCE raised on every change, so calendar programs
update or cancel the same event instead of adding new ones (RFC 5545 §3.8.7.4).
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from bot.core import ui
from bot.core.clock import now
from bot.core.i18n import Translator
from storage.models import Conversation, ConversationStatus, Person

CALENDAR_TZ = "Europe/Copenhagen"


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    return address


def invitation(
    t: Translator,
    conversation: Conversation,
    employee: Person,
    manager: Person,
    organiser: Person,
    network_name: str | None,
) -> ui.Attachment:
    assert conversation.starts_at is not None
    cancelled = conversation.status == ConversationStatus.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Netvaerksbot//Albertslund Kommune//DA")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    zone = ZoneInfo(CALENDAR_TZ)
    start = conversation.starts_at.astimezone(zone)
    event.add("uid", conversation.uid)
    event.add("sequence", conversation.sequence)
    event.add("dtstamp", now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=conversation.duration_minutes))
    event.add("summary", t("invitation.summary", employee=employee.name, manager=manager.name))
    description = t("invitation.description", network=network_name or "-")
    event.add("description", description)
    location = conversation.place_text or t(f"booking.place.{conversation.place_kind}")
    event.add("location", location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event["organizer"] = _address(organiser)
    for person in (employee, manager):
        attendee = _address(person)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return ui.Attachment(
        filename="samtale.ics",
        title=t("invitation.cancel_title" if cancelled else "invitation.title"),
        content=calendar.to_ical(),
    )
