from __future__ import annotations

from datetime import UTC, datetime

from freezegun import freeze_time
from icalendar import Calendar

from bot.booking.invitation import invitation
from bot.core.i18n import Translator
from storage.models import Conversation, ConversationStatus, Person

ANNE = Person(id=1, email="anne@example.dk", name="Anne Jensen")
LARS = Person(id=2, email="lars@example.dk", name="Lars Nielsen")


def _conversation(status: str, sequence: int) -> Conversation:
    return Conversation(
        id=7,
        uid="samtale-abc@netvaerksbot",
        employee_id=1,
        manager_id=2,
        proposed_by_id=1,
        status=status,
        sequence=sequence,
        duration_minutes=45,
        place_kind="room",
        place_text="Mødelokale 3",
        starts_at=datetime(2027, 3, 30, 8, 0, tzinfo=UTC),
    )


@freeze_time("2027-03-01 09:00:00")
def test_invitation_is_in_copenhagen_time_with_stable_uid_and_sequence() -> None:
    ics = invitation(
        Translator("da"), _conversation(ConversationStatus.BOOKED, 1), ANNE, LARS, ANNE, "Klima"
    )
    calendar = Calendar.from_ical(ics.content)
    assert calendar["method"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == "samtale-abc@netvaerksbot"
    assert event["sequence"] == 1
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Copenhagen"
    assert (start.hour, start.minute) == (10, 0)  # summer time began on 28 March 2027
    assert event.decoded("dtend") - start == __import__("datetime").timedelta(minutes=45)
    assert str(event["location"]) == "Mødelokale 3"
    assert b"BEGIN:VTIMEZONE" in ics.content
    attendees = {str(a) for a in event["attendee"]}
    assert attendees == {"mailto:anne@example.dk", "mailto:lars@example.dk"}


@freeze_time("2027-03-01 09:00:00")
def test_cancellation_keeps_the_uid_and_raises_the_sequence() -> None:
    ics = invitation(
        Translator("en"), _conversation(ConversationStatus.CANCELLED, 3), ANNE, LARS, ANNE, None
    )
    calendar = Calendar.from_ical(ics.content)
    event = calendar.walk("VEVENT")[0]
    assert calendar["method"] == "CANCEL"
    assert event["status"] == "CANCELLED"
    assert event["sequence"] == 3
    assert str(event["uid"]) == "samtale-abc@netvaerksbot"
    assert ics.title.startswith("Cancellation")
