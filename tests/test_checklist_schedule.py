"""The checklist in the scheduler: the invitation every 6 months, one reminder after 3 working
days (counted toward the weekly cap), the monthly interest message, talent nominations to the
secretariat, and the PULS talking points — walked on the calendar with freezegun."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from freezegun import freeze_time

from bot.checklist import domain as checklist
from bot.checklist import interest, talent
from bot.checklist.puls_notes import add_note
from bot.core import ui
from bot.core.clock import now
from bot.core.due import BuildContext
from bot.core.i18n import Translator
from bot.reminders import puls
from bot.reminders.policy import reminder_policy
from platforms.slack.blocks import mrkdwn
from storage.db import Database
from storage.models import Person
from storage.scheduling_models import OutboxMessage, OutboxStatus
from tests.schedule_support import (
    CPH,
    RecordingTransport,
    build_org,
    cph,
    hold,
    make_deps,
    outbox,
    puls_talk,
    sent_log,
    tick_at,
    walk,
)
from tests.slack_ids import slack_id

CHECKLIST_KINDS = ("checklist_invite", "checklist_reminder", "checklist_interest")


def _quiet_org(db: Database, created: datetime) -> Any:
    """The organisation with both network leaders' conversations held: no booking nudges."""
    org = build_org(db, created, references=False)
    hold(db, org.anne, org.lars, created)
    hold(db, org.fatima, org.lars, created)
    return org


def _start(db: Database, person: Person, at: datetime, answered: int) -> int:
    with freeze_time(at), db.session() as s:
        round_, _ = checklist.start_round(s, person, "command", now())
        for point in range(1, answered + 1):
            checklist.answer(s, person, round_.id or 0, point, "yes", now())
        return round_.id or 0


def _checklist_log(db: Database, transport: RecordingTransport, org: Any) -> list[tuple[str, ...]]:
    return [line for line in sent_log(db, transport, org) if line[2] in CHECKLIST_KINDS]


def _day(deps: Any, transport: Any, day: date) -> None:
    for at in (time(0, 5), time(9)):
        tick_at(deps, transport, datetime.combine(day, at, tzinfo=CPH))


def test_one_reminder_after_3_working_days_then_silence(db: Database) -> None:
    org = _quiet_org(db, cph(2027, 3, 1, 7))
    _start(db, org.lars, cph(2027, 3, 1, 10), answered=2)
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 19))
    assert _checklist_log(db, transport, org) == [
        ("2027-03-04 09:00:00", "Lars", "checklist_reminder"),  # Monday + 3 working days
    ]
    (delivered,) = [d for d in transport.delivered if d.text.startswith("Din tjekliste venter")]
    assert delivered.text == "Din tjekliste venter ved punkt 3 / 10."


def test_no_reminder_when_the_round_is_finished_in_time(db: Database) -> None:
    org = _quiet_org(db, cph(2027, 3, 1, 7))
    round_id = _start(db, org.lars, cph(2027, 3, 1, 10), answered=2)
    with freeze_time(cph(2027, 3, 3, 11)), db.session() as s:
        for point in range(3, 11):
            checklist.answer(s, org.lars, round_id, point, "partly", now())
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 12))
    assert _checklist_log(db, transport, org) == []


def test_the_reminder_counts_toward_the_weekly_cap(db: Database) -> None:
    org = _quiet_org(db, cph(2027, 3, 1, 7))
    with db.session() as s:  # three nudges already went to Lars this week
        for n in range(3):
            s.add(
                OutboxMessage(
                    dedupe_key=f"earlier:{n}",
                    kind="booking_nudge",
                    subject=f"earlier:{n}",
                    recipient_id=org.lars.id,
                    capped=True,
                    due_on=cph(2027, 3, 1),
                    status=OutboxStatus.SENT,
                    next_attempt_at=cph(2027, 3, 1, 9),
                    send_started_at=cph(2027, 3, 1, 9, n),
                    sent_at=cph(2027, 3, 1, 9, n),
                )
            )
        s.commit()
    _start(db, org.lars, cph(2027, 3, 1, 10), answered=2)
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 12))
    # Due Thursday, but the week's 3 are used up: it waits for Monday, and comes once.
    assert _checklist_log(db, transport, org) == [
        ("2027-03-08 09:00:00", "Lars", "checklist_reminder"),
    ]
    (row,) = outbox(db, kind="checklist_reminder")
    assert row.capped


def test_the_invitation_comes_every_6_months_and_a_round_moves_it(db: Database) -> None:
    org = _quiet_org(db, cph(2027, 3, 1, 7))
    deps, transport = make_deps(db), RecordingTransport()
    for day in (date(2027, 3, 1), date(2027, 6, 1), date(2027, 8, 31), date(2027, 9, 1)):
        _day(deps, transport, day)
    # Lars has had employees in networks since 1 March: the first invitation 6 months on.
    assert _checklist_log(db, transport, org) == [
        ("2027-09-01 09:00:00", "Lars", "checklist_invite"),
    ]
    # He takes the checklist a month later (from the reflection message, say) …
    _start(db, org.lars, cph(2027, 10, 4, 10), answered=10)
    for day in (date(2028, 3, 1), date(2028, 3, 3)):
        _day(deps, transport, day)
    assert len(_checklist_log(db, transport, org)) == 1  # not 6 months after the invitation
    # … so the next invitation is 6 months after his round.
    _day(deps, transport, date(2028, 4, 4))
    assert _checklist_log(db, transport, org)[-1] == (
        "2028-04-04 09:00:00",
        "Lars",
        "checklist_invite",
    )
    invitations = [d.text for d in transport.delivered if "tjeklisten" in d.text.lower()]
    assert invitations[0] == (
        "Tag tjeklisten med personalelederens 10 punkter – det tager få minutter."
    )


def test_talent_nominations_go_to_the_secretariat(db: Database) -> None:
    org = _quiet_org(db, cph(2027, 3, 1, 7))
    with freeze_time(cph(2027, 3, 2, 10)), db.session() as s:
        talent.nominate(s, org.lars, org.soren, "Samler folk på tværs", tell=False)
    deps, transport = make_deps(db), RecordingTransport()
    tick_at(deps, transport, cph(2027, 3, 2, 10, 1))
    texts = [(d.address, d.text) for d in transport.delivered]
    assert (slack_id(org.ida), "Lars Nielsen har nomineret Søren Kjær som talent.") in texts
    assert not [a for a, _ in texts if a == slack_id(org.soren)]  # the employee is not told


def test_the_monthly_interest_message_only_with_news(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = _quiet_org(db, cph(2027, 3, 1, 7))
    deps, transport = make_deps(db), RecordingTransport()
    _day(deps, transport, date(2027, 4, 1))  # first working day of April: no news, no message
    assert _checklist_log(db, transport, org) == []

    def posts(session: Any, network_ids: Any, since: datetime) -> list[interest.NetworkPost]:
        return [
            interest.NetworkPost(
                org.network.id, "Skybrudsplan for Hyldagerparken", date(2027, 4, 20)
            )
        ]

    monkeypatch.setattr(interest, "recent_network_posts", posts)
    _day(deps, transport, date(2027, 5, 3))  # 1 May is a Saturday
    assert _checklist_log(db, transport, org) == [
        ("2027-05-03 09:00:00", "Lars", "checklist_interest"),
    ]
    with freeze_time(cph(2027, 5, 3, 9)), db.session() as s:
        lars = s.get(Person, org.lars.id)
        assert lars is not None
        message = interest.interest_message(s, Translator("da"), lars, now())
    assert message is not None
    text = "\n".join(mrkdwn(getattr(p, "text", "")) for p in message.parts)
    assert "*Anne Jensen* leder netværket *Klimatilpasning*" in text
    assert "– Skybrudsplan for Hyldagerparken (tirsdag d. 20. april 2027)" in text
    assert "*Spørg fx:*" in text


def test_puls_talking_points_reach_the_next_puls_reminder(db: Database) -> None:
    org = _quiet_org(db, cph(2027, 3, 1, 7))
    puls_talk(db, org.anne, org.lars, date(2027, 1, 10), None, cph(2027, 1, 1))
    talk = puls_talk(db, org.anne, org.lars, date(2027, 4, 15), time(10), cph(2027, 3, 1, 8))
    with freeze_time(cph(2026, 12, 1, 10)), db.session() as s:  # before the January talk
        add_note(s, org.lars, org.anne.id, "Gammel note", 10)
    with freeze_time(cph(2027, 3, 2, 10)), db.session() as s:
        add_note(s, org.lars, org.anne.id, "Kompetenceudvikling: facilitering i afdelingen", 9)
    deps = make_deps(db)
    with freeze_time(cph(2027, 4, 1, 9)), db.session() as s:
        ctx = BuildContext(
            session=s,
            now=now(),
            recipient=s.get(Person, org.lars.id),
            language="da",
            tz="Europe/Copenhagen",
            calendar=deps.calendar,
            policy=reminder_policy(deps.calendar.policy),
            default_tz="Europe/Copenhagen",
            default_language="da",
            builders=deps.registry.builders,
        )
        message = puls.puls_manager(ctx, {"talk_id": talk.id, "talk_date": "2027-04-15"})
    assert message is not None
    text = "\n".join(mrkdwn(p.text) for p in message.parts if isinstance(p, ui.Text))
    assert (
        "*Dine egne punkter til samtalen:*\n• Kompetenceudvikling: facilitering i afdelingen"
        in text
    )
    assert "Gammel note" not in text


def test_the_reflection_offers_the_checklist_to_the_personnel_leader_only(db: Database) -> None:
    from bot.booking.conversation_rules import reflection
    from tests.schedule_support import book

    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    conversation = book(db, org.anne, org.lars, cph(2027, 3, 10, 10), at=cph(2027, 3, 1, 8))
    deps = make_deps(db)
    labels = {}
    with freeze_time(cph(2027, 3, 8, 9)), db.session() as s:
        for person in (org.lars, org.anne):
            ctx = BuildContext(
                session=s,
                now=now(),
                recipient=s.get(Person, person.id),
                language="da",
                tz="Europe/Copenhagen",
                calendar=deps.calendar,
                policy=reminder_policy(deps.calendar.policy),
                default_tz="Europe/Copenhagen",
                default_language="da",
                builders=deps.registry.builders,
            )
            assert conversation.starts_at is not None
            message = reflection(
                ctx,
                {
                    "conversation_id": conversation.id,
                    "starts_at": conversation.starts_at.isoformat(),
                },
            )
            assert message is not None
            labels[person.name] = [
                b.label for p in message.parts if isinstance(p, ui.Buttons) for b in p.buttons
            ]
    assert labels["Lars Nielsen"] == ["Tag tjeklisten", "Flyt samtalen"]
    assert labels["Anne Jensen"] == ["Flyt samtalen"]
