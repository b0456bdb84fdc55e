"""Walks through real calendars with a frozen clock: which messages fall due, when, and to whom.

Each walk ticks as the running bot does (after midnight, then hourly in the sending window) and
records what delivery sends. Times are Copenhagen wall-clock times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from freezegun import freeze_time

from bot.booking.rules import booking_subject
from bot.reminders import snooze
from storage.db import Database
from tests.schedule_support import (  # noqa: F401 (a fixture)
    RecordingTransport,
    agree,
    book,
    build_org,
    cph,
    hold,
    make_deps,
    only_scheduler_rules,
    puls_talk,
    sent_log,
    tick_at,
    walk,
)
from tests.slack_ids import slack_id

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")


def test_easter_2027_and_the_spring_switch_to_summer_time(db: Database) -> None:
    # Anne and Fatima start leading their networks on Tuesday in Holy Week.
    org = build_org(db, cph(2027, 3, 23, 7, 30), references=False)
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 23), date(2027, 4, 26))
    assert sent_log(db, transport, org) == [
        # The network leaders' prompt to invite their personnel leader, the next working day.
        ("2027-03-24 09:00:00", "Anne", "booking_prompt"),
        ("2027-03-24 09:00:00", "Fatima", "booking_prompt"),
        # 2 working days: Wednesday, then skærtorsdag, langfredag, the weekend, 2. påskedag.
        ("2027-03-30 09:00:00", "Lars", "booking_nudge"),
        ("2027-03-30 09:00:01", "Lars", "booking_nudge"),  # one per second per channel
        ("2027-04-06 09:00:00", "Lars", "booking_nudge"),  # every 5 working days
        ("2027-04-06 09:00:01", "Lars", "booking_nudge"),
        # Three weeks before 1 May is Saturday 10 April: the next working day.
        ("2027-04-12 09:00:00", "Mette", "theme_invite"),
        ("2027-04-12 09:00:00", "Lars", "theme_invite"),
        ("2027-04-13 09:00:00", "Lars", "booking_nudge"),  # the third and last
        ("2027-04-13 09:00:01", "Lars", "booking_nudge"),
        # Still nothing booked 5 working days later (20 April): the next weekly digest.
        ("2027-04-26 09:00:00", "Ida", "escalation"),
    ]
    at = {
        (line[0][:10], line[1]): item.at
        for line, item in zip(sent_log(db, transport, org), transport.delivered, strict=True)
    }
    assert at[("2027-03-24", "Anne")].astimezone(UTC).hour == 8  # 09:00 CET
    assert at[("2027-03-30", "Lars")].astimezone(UTC).hour == 7  # 09:00 CEST


def test_kristi_himmelfartsdag_2027(db: Database) -> None:
    org = build_org(db, cph(2027, 5, 4, 7, 30), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 4, 1, 10))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 5, 4), date(2027, 5, 13))
    assert sent_log(db, transport, org) == [
        ("2027-05-05 09:00:00", "Anne", "booking_prompt"),
        # Wednesday 5 May, then Thursday 6 May is Kristi himmelfartsdag: Friday.
        ("2027-05-07 09:00:00", "Lars", "booking_nudge"),
        # 10, 11, 12, 13 and 14 May are working days again.
    ]


def test_christmas_and_new_year(db: Database) -> None:
    org = build_org(db, cph(2027, 12, 20, 7, 30), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 11, 1, 10))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 12, 20), date(2028, 1, 10))
    assert sent_log(db, transport, org) == [
        ("2027-12-21 09:00:00", "Anne", "booking_prompt"),
        ("2027-12-22 09:00:00", "Lars", "booking_nudge"),
        # 23 Dec, then juleaftensdag (closed), juledag, 2. juledag, the weekend: 27–30 Dec.
        ("2027-12-30 09:00:00", "Lars", "booking_nudge"),
        # Nytårsaftensdag (closed), nytårsdag, the weekend: 3–7 Jan.
        ("2028-01-07 09:00:00", "Lars", "booking_nudge"),
    ]


def test_puls_reminders_across_the_autumn_switch_to_winter_time(db: Database) -> None:
    org = build_org(db, cph(2027, 9, 1, 10), references=False)
    for employee in (org.anne, org.fatima):
        hold(db, employee, org.lars, cph(2027, 9, 1, 11))
    puls_talk(db, org.anne, org.lars, date(2027, 11, 2), time(10), cph(2027, 9, 1, 12))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 10, 18), date(2027, 11, 2))
    log = sent_log(db, transport, org)
    assert log == [
        ("2027-10-19 09:00:00", "Lars", "puls_manager"),  # 10 working days before
        ("2027-10-26 09:00:00", "Anne", "puls_employee"),  # 5 working days before
        ("2027-11-01 09:00:00", "Lars", "puls_manager"),  # 1 working day before
    ]
    utc_hours = [item.at.astimezone(UTC).hour for item in transport.delivered]
    assert utc_hours == [7, 7, 8]  # summer time, summer time, winter time (31 October)


def test_a_weekend_and_the_end_of_the_sending_window(db: Database) -> None:
    org = build_org(db, cph(2027, 5, 3, 10), references=False)
    conversation = hold(db, org.anne, org.lars, cph(2027, 5, 3, 11))
    hold(db, org.fatima, org.lars, cph(2027, 5, 3, 11))
    agree(db, conversation, date(2027, 6, 12), cph(2027, 5, 3, 12))  # a Saturday
    # Booked on Friday after the window closed, for Tuesday: the reflection is due at once
    # (two working days before Tuesday is that Friday) but waits for Monday morning.
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 6, 10), date(2027, 6, 10))
    book(db, org.fatima, org.lars, cph(2027, 6, 15, 10), at=cph(2027, 6, 11, 15, 40))
    tick_at(deps, transport, cph(2027, 6, 11, 15, 45))
    walk(deps, transport, date(2027, 6, 12), date(2027, 6, 14))
    assert sorted(sent_log(db, transport, org)) == [
        ("2027-06-14 09:00:00", "Anne", "agreement_review"),  # due Saturday
        ("2027-06-14 09:00:00", "Fatima", "reflection"),
        ("2027-06-14 09:00:00", "Lars", "reflection"),
        ("2027-06-14 09:00:01", "Lars", "agreement_review"),  # a second later: same DM
    ]


def test_a_snooze_and_a_vacation(db: Database) -> None:
    org = build_org(db, cph(2027, 8, 2, 7, 30), references=False)
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 8, 2), date(2027, 8, 4))
    # Lars: "Udsæt en uge" on Anne's nudge at 10:00 on Wednesday 4 August …
    with freeze_time(cph(2027, 8, 4, 10, 0)), db.session() as s:
        snooze.snooze(
            s,
            org.lars.id or 0,
            booking_subject(org.anne.id or 0),
            cph(2027, 8, 11, 10, 0),
            cph(2027, 8, 4, 10, 0),
        )
        # … and a vacation from Monday 16 to Friday 20 August.
        snooze.pause(s, org.lars.id or 0, cph(2027, 8, 16), cph(2027, 8, 21))
    walk(deps, transport, date(2027, 8, 5), date(2027, 8, 24))
    assert sent_log(db, transport, org) == [
        ("2027-08-03 09:00:00", "Anne", "booking_prompt"),
        ("2027-08-03 09:00:00", "Fatima", "booking_prompt"),
        ("2027-08-04 09:00:00", "Lars", "booking_nudge"),
        ("2027-08-04 09:00:01", "Lars", "booking_nudge"),
        ("2027-08-11 09:00:00", "Lars", "booking_nudge"),  # Fatima's: not snoozed
        ("2027-08-11 10:00:00", "Lars", "booking_nudge"),  # Anne's: when the week is up
        # Both third nudges fall on Wednesday 18 August, in the vacation: the Monday after.
        ("2027-08-23 09:00:00", "Lars", "booking_nudge"),
        ("2027-08-23 09:00:01", "Lars", "booking_nudge"),
    ]


def test_a_recipient_in_another_time_zone_gets_it_in_their_morning(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7, 30), references=False)
    with db.session() as s:
        fatima = s.get(type(org.fatima), org.fatima.id)
        assert fatima is not None
        fatima.timezone = "America/New_York"
        s.add(fatima)
        s.commit()
    deps, transport = make_deps(db), RecordingTransport()
    for hour in range(24):  # hourly for a day, so New York's morning is ticked too
        tick_at(deps, transport, datetime(2027, 3, 2, hour, 5, tzinfo=UTC))
    log = [(item.address, item.at) for item in transport.delivered]
    assert log == [
        (slack_id(org.anne), datetime(2027, 3, 2, 8, 5, tzinfo=UTC)),  # 09:05 in Copenhagen
        (slack_id(org.fatima), datetime(2027, 3, 2, 14, 5, tzinfo=UTC)),  # 09:05 in New York
    ]
