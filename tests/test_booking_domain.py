"""The conversation's rules, tested on the service functions with a frozen clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.booking import domain as booking
from bot.booking import forms as booking_forms
from bot.booking.domain import Proposal
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.core.working_calendar import WorkingCalendar
from storage.db import Database
from storage.models import AuditEntry, Conversation, ConversationStatus
from tests.factories import Org, build_org

CPH = ZoneInfo("Europe/Copenhagen")
T = Translator("da")


@pytest.fixture
def org(db: Database) -> Org:
    return build_org(db)


def _proposal(*times: datetime) -> Proposal:
    return Proposal(times, 60, "teams", None, None)


def _at(y: int, m: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=CPH)


def test_leader_pairs_with_own_manager_and_manager_sees_employees(db: Database, org: Org) -> None:
    with db.session() as s:
        mine = booking.pairings_for(s, org.anne)
        assert [(p.employee.name, p.manager.name, p.network.name) for p in mine] == [
            ("Anne Jensen", "Lars Nielsen", "Klimatilpasning")
        ]
        theirs = booking.pairings_for(s, org.lars)
        assert {p.employee.name for p in theirs} == {"Anne Jensen", "Søren Kjær"}


def test_people_without_a_way_to_book_are_told_why(db: Database, org: Org) -> None:
    with db.session() as s:
        with pytest.raises(Refusal) as no_manager:
            booking.pairings_for(s, org.nomgr)
        assert no_manager.value.key == "booking.refusal.no_manager"
        with pytest.raises(Refusal) as nothing:
            booking.pairings_for(s, org.fatima)
        assert nothing.value.key == "booking.refusal.nothing_to_book"
        with pytest.raises(Refusal) as unrelated:
            booking.pairings_for(s, org.lars, other=org.fatima)
        assert unrelated.value.key == "booking.refusal.not_related"


def test_employees_without_a_conversation_come_first(db: Database, org: Org) -> None:
    with freeze_time("2027-03-01 09:00:00"), db.session() as s:
        anne_pair = booking.pairings_for(s, org.anne)[0]
        conversation = booking.propose(s, org.anne, anne_pair, _proposal(_at(2027, 3, 4, 10)))
        booking.accept(s, org.lars, conversation.id or 0, conversation.revision, 0)
        order = [p.employee.name for p in booking.pairings_for(s, org.lars)]
        assert order == ["Søren Kjær", "Anne Jensen"]


@freeze_time("2027-03-22 08:00:00")  # Monday in the week before Easter 2027
def test_form_rejects_past_weekend_holiday_and_out_of_hours_times() -> None:
    calendar = WorkingCalendar()
    now = datetime.now(UTC)
    values = {
        "date1": "2027-03-20",
        "time1": "10:00",  # a Saturday, and in the past
        "date2": "2027-03-25",
        "time2": "10:00",  # Skærtorsdag
        "date3": "2027-03-24",
        "time3": "17:00",  # after hours
        "duration": "60",
        "place_kind": "teams",
    }
    proposal, errors = booking_forms.read_proposal(T, values, calendar, "Europe/Copenhagen", now)
    assert proposal is None
    assert errors.errors == {
        "date1": T("booking.error.past"),
        "date2": T("booking.error.holiday"),
        "time3": T("booking.error.hours", start="08:00", end="16:00"),
    }
    values.update({"date1": "2027-03-27", "time1": "10:00"})  # Saturday in the future
    _, errors = booking_forms.read_proposal(T, values, calendar, "Europe/Copenhagen", now)
    assert errors.errors["date1"] == T("booking.error.weekend")


@freeze_time("2027-03-22 08:00:00")
def test_a_meeting_may_not_run_past_the_end_of_the_day() -> None:
    calendar = WorkingCalendar()
    values = {"date1": "2027-03-24", "time1": "15:30", "duration": "60", "place_kind": "teams"}
    _, errors = booking_forms.read_proposal(
        T, values, calendar, "Europe/Copenhagen", datetime.now(UTC)
    )
    assert "time1" in errors.errors
    values["duration"] = "30"
    proposal, errors = booking_forms.read_proposal(
        T, values, calendar, "Europe/Copenhagen", datetime.now(UTC)
    )
    assert not errors and proposal is not None
    assert proposal.times == (_at(2027, 3, 24, 15, 30),)


@freeze_time("2027-03-22 08:00:00")
def test_incomplete_and_duplicate_slots_and_missing_place() -> None:
    calendar = WorkingCalendar()
    values = {
        "date1": "2027-03-24",
        "time1": "10:00",
        "date2": "2027-03-24",
        "time2": "10:00",
        "date3": "2027-03-26",
        "time3": None,
        "duration": "60",
        "place_kind": "room",
        "place_text": None,
    }
    _, errors = booking_forms.read_proposal(
        T, values, calendar, "Europe/Copenhagen", datetime.now(UTC)
    )
    assert errors.errors == {
        "date2": T("booking.error.duplicate"),
        "time3": T("booking.error.time_missing"),
        "place_text": T("booking.error.place_missing"),
    }
    _, errors = booking_forms.read_proposal(T, {}, calendar, "Europe/Copenhagen", datetime.now(UTC))
    assert errors.errors["date1"] == T("booking.error.first_missing")


def test_full_life_of_a_conversation(db: Database, org: Org) -> None:
    with freeze_time("2027-03-01 09:00:00"), db.session() as s:
        pair = booking.pairings_for(s, org.lars, other=org.anne)[0]
        c = booking.propose(s, org.lars, pair, _proposal(_at(2027, 3, 4, 10), _at(2027, 3, 5, 11)))
        assert c.status == ConversationStatus.PROPOSED
        with pytest.raises(Refusal) as own:
            booking.accept(s, org.lars, c.id or 0, c.revision, 0)
        assert own.value.key == "booking.refusal.own_proposal"
        with pytest.raises(Refusal) as stranger:
            booking.accept(s, org.fatima, c.id or 0, c.revision, 0)
        assert stranger.value.key == "booking.refusal.not_party"

        # Anne answers with other times; Lars's first proposal is now outdated.
        old_revision = c.revision
        c = booking.counter_propose(
            s, org.anne, c.id or 0, c.revision, _proposal(_at(2027, 3, 9, 13))
        )
        with pytest.raises(Refusal) as outdated:
            booking.accept(s, org.anne, c.id or 0, old_revision, 0)
        assert outdated.value.key in ("booking.refusal.outdated", "booking.refusal.own_proposal")

        clicked_revision = c.revision
        first = booking.accept(s, org.lars, c.id or 0, clicked_revision, 0)
        assert first.changed and first.conversation.status == ConversationStatus.BOOKED
        assert first.conversation.starts_at == _at(2027, 3, 9, 13)
        assert first.conversation.sequence == 1
        again = booking.accept(s, org.lars, c.id or 0, clicked_revision, 0)  # a double click
        assert not again.changed

        moved = booking.reschedule(s, org.anne, c.id or 0, _at(2027, 3, 10, 9), 45)
        assert moved.changed and moved.conversation.sequence == 2

        data = booking.AgreementInput(
            4, "week", "Sagsbehandling", "Tirsdage", None, None, date(2027, 9, 1)
        )
        agreement = booking.record_agreement(s, org.lars, c.id or 0, data)
        assert agreement.hours == 4
        assert s.get(Conversation, c.id).status == ConversationStatus.HELD  # type: ignore[union-attr]
        actions = [e.action for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions == [
            "conversation.proposed",
            "conversation.counter_proposed",
            "conversation.booked",
            "conversation.rescheduled",
            "agreement.recorded",
        ]


def test_a_booked_future_conversation_blocks_a_second_booking(db: Database, org: Org) -> None:
    with freeze_time("2027-03-01 09:00:00"), db.session() as s:
        pair = booking.pairings_for(s, org.anne)[0]
        c = booking.propose(s, org.anne, pair, _proposal(_at(2027, 3, 4, 10)))
        booking.accept(s, org.lars, c.id or 0, c.revision, 0)
        with pytest.raises(Refusal) as refusal:
            booking.propose(s, org.anne, pair, _proposal(_at(2027, 3, 5, 10)))
        assert refusal.value.key == "booking.refusal.already_booked"
        cancelled = booking.cancel(s, org.anne, c.id or 0)
        assert cancelled.changed and cancelled.conversation.sequence == 2
        assert not booking.cancel(s, org.anne, c.id or 0).changed
        again = booking.propose(s, org.anne, pair, _proposal(_at(2027, 3, 5, 10)))
        assert again.id != c.id


def test_a_new_proposal_replaces_an_unanswered_one(db: Database, org: Org) -> None:
    with freeze_time("2027-03-01 09:00:00"), db.session() as s:
        pair = booking.pairings_for(s, org.anne)[0]
        first = booking.propose(s, org.anne, pair, _proposal(_at(2027, 3, 4, 10)))
        second = booking.propose(s, org.anne, pair, _proposal(_at(2027, 3, 5, 10)))
        assert second.id == first.id
        assert len(s.exec(select(Conversation)).all()) == 1


def test_accepting_a_time_that_has_passed_is_refused(db: Database, org: Org) -> None:
    with freeze_time("2027-03-01 09:00:00"), db.session() as s:
        pair = booking.pairings_for(s, org.anne)[0]
        c = booking.propose(s, org.anne, pair, _proposal(_at(2027, 3, 2, 10)))
    with freeze_time("2027-03-02 12:00:00"), db.session() as s:
        with pytest.raises(Refusal) as late:
            booking.accept(s, org.lars, c.id or 0, c.revision, 0)
        assert late.value.key == "booking.refusal.time_passed"


def test_default_review_date_is_six_months_on() -> None:
    assert booking.default_review_date(date(2027, 3, 31)) == date(2027, 9, 28)
    assert booking.default_review_date(date(2027, 8, 15)) == date(2028, 2, 15)


def test_the_booking_form_is_built_once_per_language_and_day(db: Database, org: Org) -> None:
    calendar, today = WorkingCalendar(), date(2027, 3, 1)
    with db.session() as s:
        pairings = booking.pairings_for(s, org.lars)
    before = booking_forms._booking_form_parts.cache_info()
    danish = booking_forms.booking_form(T, pairings, org.lars.id, calendar, today)
    again = booking_forms.booking_form(T, pairings[:1], org.lars.id, calendar, today)
    english = booking_forms.booking_form(Translator("en"), pairings, org.lars.id, calendar, today)
    after = booking_forms._booking_form_parts.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (2, 1)
    assert danish.title != english.title
    assert danish.items[2:] == again.items[2:]  # all but the intro and the pairing: shared
    assert len(danish.items[1].options) == 2 and len(again.items[1].options) == 1  # type: ignore[union-attr]
