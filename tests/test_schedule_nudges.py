"""The reminders' rules: what falls due for whom, and that each stops when its cause is gone."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.booking.rules import mark_held
from bot.core.refusal import Refusal
from bot.organisation.directory import DirectoryEntry
from bot.organisation.importer import import_files
from bot.reminders.themes import propose
from schedules.outbox import DbCursors
from schedules.planner import make_window, plan
from storage.db import Database
from storage.models import Agreement, Conversation, ConversationStatus, Network, Person
from storage.scheduling_models import OutboxStatus
from tests.schedule_support import (  # noqa: F401 (a fixture)
    CPH,
    RecordingTransport,
    agree,
    book,
    build_org,
    cph,
    hold,
    keys,
    make_deps,
    only_scheduler_rules,
    outbox,
    puls_talk,
    sent_log,
    tick_at,
    walk,
)
from tests.slack_ids import link_slack, slack_id

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")


def _set(db: Database, model: type, row_id: int | None, **values: object) -> None:
    with db.session() as s:
        row = s.get(model, row_id)
        for name, value in values.items():
            setattr(row, name, value)
        s.add(row)
        s.commit()


def test_booking_a_conversation_stops_the_nudge_even_when_it_is_already_waiting(
    db: Database,
) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 2))
    tick_at(deps, transport, cph(2027, 3, 3, 0, 5))  # nudge 1 planned, not yet sent
    [nudge] = outbox(db, kind="booking_nudge")
    book(db, org.anne, org.lars, cph(2027, 3, 10, 10), at=cph(2027, 3, 3, 8))
    tick_at(deps, transport, cph(2027, 3, 3, 9))
    [nudge] = outbox(db, kind="booking_nudge")
    assert nudge.status == OutboxStatus.DROPPED and nudge.last_error == "resolved"
    assert [line[2] for line in sent_log(db, transport, org)] == ["booking_prompt"]
    # And the series does not come back while the conversation is booked.
    walk(deps, transport, date(2027, 3, 4), date(2027, 3, 9))
    assert [k for k in keys(db) if k.startswith("booking-nudge")] == [nudge.dedupe_key]


def test_a_manager_change_moves_the_nudge_to_the_new_manager(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 3))  # nudge 1 to Lars
    tick_at(deps, transport, cph(2027, 3, 4, 0, 5))
    # Anne gets Mette as her personnel leader on Thursday; Lars's next nudge is waiting already.
    with freeze_time(cph(2027, 3, 4, 8)):
        _set(db, Person, org.anne.id, manager_id=org.mette.id, manager_since=cph(2027, 3, 4, 8))
    walk(deps, transport, date(2027, 3, 4), date(2027, 3, 17))
    assert sent_log(db, transport, org) == [
        ("2027-03-02 09:00:00", "Anne", "booking_prompt"),
        ("2027-03-03 09:00:00", "Lars", "booking_nudge"),
        ("2027-03-05 09:00:00", "Anne", "booking_prompt"),  # invite the new manager
        ("2027-03-08 09:00:00", "Mette", "booking_nudge"),  # 2 working days after the change
        ("2027-03-15 09:00:00", "Mette", "booking_nudge"),
    ]


def test_samtalen_er_holdt_settles_it_and_only_the_current_manager_may_say_so(
    db: Database,
) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    with db.session() as s:
        try:
            mark_held(s, org.mette, org.anne.id or 0, cph(2027, 3, 2, 10))
            raise AssertionError("Mette is not Anne's manager")
        except Refusal as refusal:
            assert refusal.key == "scheduler.held.refusal.not_manager"
        conversation = mark_held(s, org.lars, org.anne.id or 0, cph(2027, 3, 2, 10))
    assert conversation.status == ConversationStatus.HELD and conversation.proposals == []
    assert conversation.uid.startswith("samtale-") and conversation.proposed_by_id == org.lars.id
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 3), date(2027, 3, 5))
    assert not [k for k in keys(db) if k.startswith(f"booking-nudge:{org.anne.id}:")]


def test_a_year_after_the_conversation_the_series_starts_again(db: Database) -> None:
    org = build_org(db, cph(2026, 1, 5, 7), references=False)
    hold(db, org.anne, org.lars, cph(2026, 3, 2, 10))
    hold(db, org.fatima, org.lars, cph(2027, 1, 4, 10))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 5))
    # Valid until 2 March 2027; the new series starts that day.
    assert sent_log(db, transport, org) == [
        ("2027-03-03 09:00:00", "Anne", "booking_prompt"),
        ("2027-03-04 09:00:00", "Lars", "booking_nudge"),
    ]


def test_a_cancelled_conversation_starts_a_new_series(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    conversation = book(db, org.anne, org.lars, cph(2027, 3, 9, 10), at=cph(2027, 3, 1, 8))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 3))
    _set(
        db,
        Conversation,
        conversation.id,
        status=ConversationStatus.CANCELLED,
        closed_at=cph(2027, 3, 3, 12),
    )
    walk(deps, transport, date(2027, 3, 4), date(2027, 3, 5))
    kinds = [line[1:] for line in sent_log(db, transport, org)]
    assert ("Lars", "booking_nudge") in kinds
    [nudge] = outbox(db, kind="booking_nudge")
    assert nudge.dedupe_key.endswith(":2027-03-03:1")  # anchored at the cancellation


def test_participants_are_not_nudged_by_default(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    for leader in (org.anne, org.fatima):
        hold(db, leader, org.lars, cph(2027, 3, 1, 7))
    with freeze_time(cph(2027, 3, 3, 0, 5)):
        assert plan(make_deps(db)).inserted == 0


def test_participants_are_nudged_when_configured(db: Database, tmp_path: Path) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    for leader in (org.anne, org.fatima):
        hold(db, leader, org.lars, cph(2027, 3, 1, 7))
    deps = make_deps(db, None, "[booking_nudge]\ninclude_participants = true\n", tmp_path)
    with freeze_time(cph(2027, 3, 3, 0, 5)):
        result = plan(deps)
    assert [d.key for d in result.due] == [
        f"booking-nudge:{org.soren.id}:{org.lars.id}:2027-03-01:1"
    ]
    # No prompt: the network leader invites; a participant's manager just gets the nudges.
    assert not [k for k in keys(db) if k.startswith("booking-prompt")]


def test_reflection_to_both_and_follow_up_to_the_manager(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    conversation = book(db, org.anne, org.lars, cph(2027, 3, 10, 13), at=cph(2027, 3, 1, 8))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 12))
    assert sent_log(db, transport, org) == [
        ("2027-03-08 09:00:00", "Anne", "reflection"),  # Monday: 2 working days before
        ("2027-03-08 09:00:00", "Lars", "reflection"),
        ("2027-03-11 09:00:00", "Lars", "follow_up"),  # the working day after
    ]
    assert conversation.id is not None


def test_the_follow_up_stops_when_the_agreement_is_recorded(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    conversation = book(db, org.anne, org.lars, cph(2027, 3, 10, 13), at=cph(2027, 3, 1, 8))
    deps, transport = make_deps(db), RecordingTransport()
    tick_at(deps, transport, cph(2027, 3, 11, 0, 5))
    assert outbox(db, kind="follow_up")
    agree(db, conversation, date(2027, 9, 10), cph(2027, 3, 11, 8))
    tick_at(deps, transport, cph(2027, 3, 11, 9))
    [row] = outbox(db, kind="follow_up")
    assert row.status == OutboxStatus.DROPPED


def test_rescheduling_makes_a_new_reflection(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    conversation = book(db, org.anne, org.lars, cph(2027, 3, 10, 13), at=cph(2027, 3, 1, 8))
    deps, transport = make_deps(db), RecordingTransport()
    tick_at(deps, transport, cph(2027, 3, 8, 0, 5))  # planned for the old time
    _set(db, Conversation, conversation.id, starts_at=cph(2027, 3, 12, 10))
    walk(deps, transport, date(2027, 3, 8), date(2027, 3, 10))
    log = sent_log(db, transport, org)
    assert log == [
        ("2027-03-10 09:00:00", "Anne", "reflection"),
        ("2027-03-10 09:00:00", "Lars", "reflection"),
    ]
    assert {r.status for r in outbox(db, kind="reflection")} == {"dropped", "sent"}


def test_agreement_review_to_both_on_its_review_date(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    conversation = hold(db, org.anne, org.lars, cph(2027, 3, 1, 7))
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    agreement = agree(db, conversation, date(2027, 9, 1), cph(2027, 3, 1, 8))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 8, 31), date(2027, 9, 1))
    assert sent_log(db, transport, org) == [
        ("2027-09-01 09:00:00", "Lars", "agreement_review"),
        ("2027-09-01 09:00:00", "Anne", "agreement_review"),
    ]
    assert agreement.id is not None


def test_a_puls_talk_registered_late_gets_its_latest_reminder_at_once(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    for leader in (org.anne, org.fatima):
        hold(db, leader, org.lars, cph(2027, 3, 1, 7))
    deps, transport = make_deps(db), RecordingTransport()
    tick_at(deps, transport, cph(2027, 3, 8, 9))
    puls_talk(db, org.anne, org.lars, date(2027, 3, 10), time(10), cph(2027, 3, 8, 9, 30))
    tick_at(deps, transport, cph(2027, 3, 8, 10))
    walk(deps, transport, date(2027, 3, 9), date(2027, 3, 10))
    assert sent_log(db, transport, org) == [
        ("2027-03-08 10:00:00", "Lars", "puls_manager"),  # 10 days before: already passed
        ("2027-03-08 10:00:00", "Anne", "puls_employee"),
        ("2027-03-09 09:00:00", "Lars", "puls_manager"),  # 1 working day before
    ]
    [first] = [r for r in outbox(db, kind="puls_manager") if r.payload["before"] == 10]
    assert first.payload["talk_date"] == "2027-03-10"


def test_reference_leader_introduction_and_quarterly_sparring(db: Database) -> None:
    org = build_org(db, cph(2027, 1, 4, 7))
    for leader in (org.anne, org.fatima):
        hold(db, leader, org.lars, cph(2027, 1, 4, 7))
    _set(db, Network, org.english_network.id, end_date=date(2027, 5, 31))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 1, 4), date(2027, 1, 4))
    walk(deps, transport, date(2027, 4, 2), date(2027, 4, 6))
    walk(deps, transport, date(2027, 7, 2), date(2027, 7, 5))
    log = [line for line in sent_log(db, transport, org) if line[2] != "theme_invite"]
    assert log == [
        ("2027-01-04 09:00:00", "Anne", "reference_intro"),
        ("2027-01-04 09:00:00", "Mette", "reference_intro"),
        ("2027-01-04 09:00:00", "Fatima", "reference_intro"),
        ("2027-01-04 09:00:01", "Mette", "reference_intro"),
        # 4 April is a Sunday: Monday.
        ("2027-04-05 09:00:00", "Mette", "reference_sparring"),
        ("2027-04-05 09:00:01", "Mette", "reference_sparring"),
        # 4 July is a Sunday: Monday. Digital inklusion ended in May.
        ("2027-07-05 09:00:00", "Mette", "reference_sparring"),
    ]


def test_theme_invitations_and_proposals_to_the_secretariat(db: Database) -> None:
    org = build_org(db, cph(2027, 1, 4, 7), references=False)
    for leader in (org.anne, org.fatima):
        hold(db, leader, org.lars, cph(2027, 1, 4, 7))
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 11, 9), date(2027, 11, 10))  # 1 Dec − 21 days = 10 Nov
    with freeze_time(cph(2027, 11, 10, 11)), db.session() as s:
        proposal = propose(s, org.lars, "Ensomhed blandt ældre – på tværs af Social og Kultur")
    tick_at(deps, transport, cph(2027, 11, 10, 12))
    assert sent_log(db, transport, org) == [
        ("2027-11-10 09:00:00", "Mette", "theme_invite"),
        ("2027-11-10 09:00:00", "Lars", "theme_invite"),
        ("2027-11-10 12:00:00", "Ida", "theme_proposal"),
    ]
    assert "Lars Nielsen" in transport.delivered[-1].text
    assert proposal.id is not None


def test_a_person_who_left_gets_nothing(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    deps, transport = make_deps(db), RecordingTransport()
    tick_at(deps, transport, cph(2027, 3, 3, 0, 5))
    _set(db, Person, org.lars.id, active=False, left_at=cph(2027, 3, 3, 8))
    tick_at(deps, transport, cph(2027, 3, 3, 9))
    [row] = outbox(db, kind="booking_nudge")
    assert row.status == OutboxStatus.DROPPED
    assert [d for d in transport.delivered if d.address == slack_id(org.lars)] == []


def test_the_cap_with_six_real_nudges_in_one_week(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    with freeze_time(cph(2027, 3, 1, 7)), db.session() as s:
        for i in range(4):  # four more network leaders under Lars
            person = Person(
                email=f"leder{i}@example.dk",
                name=f"Leder {i}",
                manager_id=org.lars.id,
            )
            s.add(person)
            s.flush()
            link_slack(s, person, f"U0LEDER{i:03d}")
            s.add(Network(name=f"Netværk {i}", theme="…", leader_id=person.id or 0))
        s.commit()
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 7))
    to_lars = [d for d in transport.delivered if d.address == slack_id(org.lars)]
    assert len(to_lars) == 3
    assert to_lars[2].text == "Du har 4 påmindelser fra Netværksbot."
    assert len(outbox(db, kind="booking_nudge")) == 6
    assert len(outbox(db, status="digested")) == 4


def test_a_network_that_has_not_started_yet_is_not_nudged(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    hold(db, org.fatima, org.lars, cph(2027, 3, 1, 7))
    _set(db, Network, org.network.id, start_date=date(2027, 4, 1))
    deps = make_deps(db)
    with freeze_time(cph(2027, 3, 3, 0, 5)):
        assert plan(deps).inserted == 0
    with freeze_time(cph(2027, 4, 5, 0, 5)):  # started 1 April (Thursday): 2 working days
        plan(deps)
    assert [k.split(":")[0] for k in keys(db)] == ["booking-prompt", "booking-nudge"]
    assert keys(db)[1].endswith(":2027-04-01:1")


def test_agreements_table_is_untouched_by_planning(db: Database) -> None:
    build_org(db, cph(2027, 3, 1, 7))
    with freeze_time(cph(2027, 3, 3, 0, 5)):
        plan(make_deps(db))
    with db.session() as s:
        assert s.exec(select(Agreement)).all() == []


class _Directory:
    """Every imported person has a Slack ID made from their email (no Slack in this test)."""

    platform = "slack"

    def lookup(self, email: str) -> DirectoryEntry | None:
        return DirectoryEntry(f"U{email.split('@')[0].upper()}", None, "da-DK")


def test_a_nudge_due_between_the_import_and_the_first_tick_is_not_lost(
    db: Database, tmp_path: Path
) -> None:
    """Imported on Monday 8 March 2027, a network that started the Monday before, the first tick
    only on Saturday: the personnel leader's first nudge (due Wednesday, two working days after
    the import) goes out on the Monday after, not at the next 5-working-day slot."""
    files = {
        "people.csv": "email,name,department,manager_email\n"
        "lars@example.dk,Lars Nielsen,By og Miljø,\n"
        "anne@example.dk,Anne Jensen,By og Miljø,lars@example.dk\n",
        "networks.csv": "network,theme,leader_email,reference_leader_email,participant_emails,"
        "start_date\nKlimatilpasning,Skybrud,anne@example.dk,,,2027-03-01\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with freeze_time(cph(2027, 3, 8, 10)):  # Monday
        report = import_files(db, [str(tmp_path / n) for n in files], _Directory(), "da")
    assert report.accepted, report.error_lines()
    deps, transport = make_deps(db), RecordingTransport()
    walk(deps, transport, date(2027, 3, 13), date(2027, 3, 15))  # Saturday .. Monday
    sent = [(item.at.astimezone(CPH), item.address) for item in transport.delivered]
    assert [(moment.date(), moment.hour, address) for moment, address in sent] == [
        (date(2027, 3, 15), 9, "UANNE"),  # the leader's prompt to invite (due Tuesday)
        (date(2027, 3, 15), 9, "ULARS"),  # nudge 1 (due Wednesday)
    ]
    nudges = outbox(db, kind="booking_nudge")
    assert [(row.payload["n"], row.due_on.date()) for row in nudges] == [(1, date(2027, 3, 9))]


def test_the_first_tick_after_a_long_gap_still_reaches_back_only_catch_up_days(
    db: Database,
) -> None:
    """Data that arrived long before the first tick: only what fell due within catch_up_days
    (14) is still sent, as after any downtime."""
    build_org(db, cph(2027, 1, 4, 7), references=False)
    deps = make_deps(db)
    with freeze_time(cph(2027, 3, 1, 0, 5)), db.session() as s:
        window = make_window(s, deps, cph(2027, 3, 1, 0, 5), DbCursors(s, read_only=True))
    assert window.since_day == date(2027, 2, 14)
