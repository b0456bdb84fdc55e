"""What the delivery tests against the Slack emulator share: the emulator with the
secretariat's channel, the organisation in it, theme invitations queued straight into the
outbox, and how often each outbox id reached Slack."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from freezegun import freeze_time

from bot.core.deps import Deps
from bot.core.due import Due
from emulator import SlackWebAPI
from schedules.outbox import insert_dues
from storage.db import Database
from storage.models import Person
from tests.schedule_support import TOKEN, Org, build_org, cph, hold
from tests.slack_ids import slack_id

MONDAY = cph(2027, 3, 1, 10)  # inside the sending window
SECRETARIAT_CHANNEL = "C0SEKRETAR"


# Imported by the test modules under these names; the fixtures are `api` and `org`.
@pytest.fixture(name="api")
def api_fixture() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        started.add_channel(SECRETARIAT_CHANNEL, "netvaerk-sekretariat")
        yield started


@pytest.fixture(name="org")
def org_fixture(db: Database, api: SlackWebAPI) -> Org:
    built = build_org(db, cph(2027, 2, 1, 10), references=False)
    for leader in (built.anne, built.fatima):  # no booking nudges in these tests
        hold(db, leader, built.lars, cph(2027, 2, 1, 11))
    for person in (built.mette, built.lars, built.anne, built.soren, built.fatima, built.ida):
        api.add_user(slack_id(person), person.email, person.name)
    return built


def queue_theme_invites(
    db: Database, deps: Deps, people: list[Person], per_person: int = 1
) -> None:
    """Theme invitations (a simple message whose cause lasts) straight into the outbox."""
    dues = [
        Due(
            key=f"test:{person.id}:{n}",
            kind="theme_invite",
            subject=f"theme:2027-05-0{n + 1}",
            due_on=date(2027, 3, 1),
            recipient_id=person.id,
            payload={"deadline": f"2027-05-0{n + 1}"},
        )
        for person in people
        for n in range(per_person)
    ]
    with freeze_time(MONDAY), db.session() as s:
        insert_dues(s, dues, cph(2027, 3, 1, 8), deps.calendar, "Europe/Copenhagen")
        s.commit()


def outbox_ids_posted(api: SlackWebAPI) -> Counter[str]:
    """How many times each outbox id reached a conversation."""
    return Counter(
        str(message.get("metadata", {}).get("event_payload", {}).get("outbox_id"))
        for _channel, message in api.message_log()
        if message.get("metadata")
    )
