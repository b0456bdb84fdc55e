"""The showcase's scheduler rules over a real calendar (freezegun): department-meeting prompts
three working days before (across Easter), follow-ups the working day after, meetings on
closed days skipped, every-N-weeks rhythms, the weekly digest day, the recognition nudge."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.core.due import BuildContext
from bot.core.working_calendar import WorkingCalendar
from bot.meetings import domain as meetings
from bot.showcase import domain as showcase
from platforms.slack.blocks import mrkdwn
from storage.db import Database
from storage.models import Department, Network, Person
from storage.showcase_models import DepartmentShowcase, MeetingAnswer
from tests.schedule_support import (
    Org,
    RecordingTransport,
    build_org,
    cph,
    make_deps,
    only_rules,
    outbox,
    sent_log,
    walk,
)
from tests.slack_ids import slack_id

SHOWCASE_RULES = (
    "recognition_nudge",
    "result_digest",
    "showcase_undelivered",
    "meeting_prompt",
    "meeting_follow_up",
)


@pytest.fixture
def only_showcase_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    only_rules(monkeypatch, SHOWCASE_RULES)


def _rhythm(db: Database, weekday: int, every: int, anchor: date | None = None) -> None:
    with db.session() as s:
        department = s.exec(select(Department)).one()
        department.meeting_weekday = weekday
        department.meeting_time = time(10, 0)
        department.meeting_interval_weeks = every
        s.add(department)
        if anchor is not None:
            s.add(DepartmentShowcase(department_id=department.id or 0, meeting_anchor=anchor))
        s.commit()


def test_rhythm_every_two_weeks_from_an_anchor_and_closed_days() -> None:
    department = Department(name="X", meeting_weekday=3, meeting_interval_weeks=2)
    rhythm = meetings.rhythm_of(
        department, DepartmentShowcase(department_id=1, meeting_anchor=date(2027, 3, 11))
    )
    assert rhythm is not None
    calendar = WorkingCalendar()
    found = meetings.meetings_between(rhythm, date(2027, 3, 1), date(2027, 5, 31), calendar)
    # 25 March is skærtorsdag, 6 May Kristi himmelfartsdag: no meeting those days.
    assert found == [
        date(2027, 3, 11),
        date(2027, 4, 8),
        date(2027, 4, 22),
        date(2027, 5, 20),
    ]
    assert meetings.previous_meeting(rhythm, date(2027, 4, 8), calendar) == date(2027, 3, 11)
    assert meetings.next_meeting(rhythm, date(2027, 4, 9), calendar) == date(2027, 4, 22)


def _share(db: Database, person: Person, network: Network, title: str, at: datetime) -> None:
    with freeze_time(at), db.session() as s:
        draft = showcase.save_draft(
            s, person, showcase.ResultInput(network.id or 0, title, "a", "b", None)
        )
        showcase.publish(s, person, draft.id or 0)


def _invite(db: Database, leader: Person, person: Person, meeting: date, at: datetime) -> None:
    with freeze_time(at), db.session() as s:
        department = s.exec(select(Department)).one()
        meetings.invite(s, leader, department.id or 0, meeting, person.id or 0, meeting)


def _prompts(db: Database, transport: RecordingTransport, org: Org) -> list[tuple[str, str, str]]:
    return [(at[:10], who, kind) for at, who, kind in sent_log(db, transport, org)]


@pytest.mark.usefixtures("only_showcase_rules")
def test_meeting_prompts_and_follow_ups_across_easter(db: Database) -> None:
    """Weekly meetings on Thursday. Easter 2027: skærtorsdag 25 March, langfredag 26 March,
    2. påskedag 29 March. Each meeting has something to present (the networks started, then a
    new result) and someone invited, so each gets its prompt and its follow-up."""
    org = build_org(db, cph(2027, 3, 15, 0))  # the networks start on Monday 15 March
    _rhythm(db, weekday=3, every=1)
    deps = make_deps(db)
    transport = RecordingTransport()
    walk(deps, transport, date(2027, 3, 15), date(2027, 3, 15))
    _invite(db, org.lars, org.anne, date(2027, 3, 18), cph(2027, 3, 15, 12))
    walk(deps, transport, date(2027, 3, 16), date(2027, 3, 19))
    _share(db, org.anne, org.network, "Skybrudsplan", cph(2027, 3, 19, 12))
    walk(deps, transport, date(2027, 3, 20), date(2027, 3, 24))
    _invite(db, org.lars, org.anne, date(2027, 4, 1), cph(2027, 3, 24, 12))
    walk(deps, transport, date(2027, 3, 25), date(2027, 4, 2))
    _share(db, org.soren, org.network, "Workshop", cph(2027, 4, 2, 12))
    walk(deps, transport, date(2027, 4, 3), date(2027, 4, 6))
    log = [entry for entry in _prompts(db, transport, org) if entry[2].startswith("meeting")]
    assert log == [
        ("2027-03-15", "Lars", "meeting_prompt"),  # for Thursday 18 March
        ("2027-03-19", "Lars", "meeting_follow_up"),
        # 25 March is a holiday: no meeting, no prompt on the 22nd, no follow-up on the 26th.
        ("2027-03-24", "Lars", "meeting_prompt"),  # for 1 April: Easter days do not count
        ("2027-04-02", "Lars", "meeting_follow_up"),
        ("2027-04-05", "Lars", "meeting_prompt"),  # for Thursday 8 April
    ]
    times = [at[11:16] for at, _, _ in sent_log(db, transport, org)]
    assert all("09:00" <= t <= "15:30" for t in times)  # inside the sending window
    assert {row.capped for row in outbox(db) if row.kind.startswith("meeting")} == {True}


@pytest.mark.usefixtures("only_showcase_rules")
def test_no_prompt_without_news_and_no_follow_up_without_an_invitation(db: Database) -> None:
    """Issue 13: the prompt listing everyone with "no new results", and "Blev
    netværksarbejdet præsenteret?" after every meeting, were the loudest things the bot did.
    Weeks with nothing new are quiet; a new result brings one prompt, to the poster's personnel
    leader, with the poster first and the others in one line."""
    org = build_org(db, cph(2027, 1, 4, 9))
    _rhythm(db, weekday=3, every=1)
    deps = make_deps(db)
    transport = RecordingTransport()
    walk(deps, transport, date(2027, 3, 1), date(2027, 3, 19))
    planned = outbox(db, kind="meeting_prompt") + outbox(db, kind="meeting_follow_up")
    assert len(planned) >= 6 and {row.status for row in planned} == {"dropped"}
    assert transport.delivered == []
    _share(db, org.anne, org.network, "Skybrudsplan", cph(2027, 3, 19, 12))
    walk(deps, transport, date(2027, 3, 20), date(2027, 3, 26))
    log = [entry for entry in _prompts(db, transport, org) if entry[2].startswith("meeting")]
    assert log == [("2027-03-24", "Lars", "meeting_prompt")]  # for 1 April (25 March: Easter)
    [row] = [r for r in outbox(db, kind="meeting_prompt") if r.status == "sent"]
    with db.session() as s:
        message = meetings.meeting_prompt(
            _context(s, org.lars, cph(2027, 3, 24, 9), db), row.payload
        )
    assert message is not None
    lines = [mrkdwn(p.text) for p in message.parts if hasattr(p, "text")]  # as Slack shows them
    assert (
        "*Anne Jensen* – leder *Klimatilpasning*\n"
        "• Nyt resultat: Skybrudsplan (fredag d. 19. marts 2027)" in lines
    )
    assert "Også i netværk: Fatima Ali, Søren Kjær" in lines


@pytest.mark.usefixtures("only_showcase_rules")
def test_a_member_nobody_invites_is_suggested_once_every_six_months(db: Database) -> None:
    """Networks created on 1 September 2026, nobody invited since: the meeting after 1 March
    2027 (Thursday 4 March) suggests them, once; the next meetings are quiet again."""
    org = build_org(db, cph(2026, 9, 1, 9))
    _rhythm(db, weekday=3, every=1)
    deps = make_deps(db)
    transport = RecordingTransport()
    walk(deps, transport, date(2027, 2, 15), date(2027, 3, 19))
    assert _prompts(db, transport, org) == [("2027-03-01", "Lars", "meeting_prompt")]
    [row] = [r for r in outbox(db, kind="meeting_prompt") if r.status == "sent"]
    with db.session() as s:
        message = meetings.meeting_prompt(
            _context(s, org.lars, cph(2027, 3, 1, 9), db), row.payload
        )
    assert message is not None
    text = "\n".join(p.text for p in message.parts if hasattr(p, "text"))
    never = "siden tirsdag d. 1. september 2026 og er ikke blevet inviteret til at fortælle"
    assert text.count(never) == 3  # Anne, Fatima and Søren


def _context(s: Any, recipient: Person, at: datetime, db: Database) -> BuildContext:
    from bot.reminders.policy import reminder_policy

    calendar = WorkingCalendar()
    return BuildContext(
        session=s,
        now=at,
        recipient=recipient,
        language="da",
        tz="Europe/Copenhagen",
        calendar=calendar,
        policy=reminder_policy(calendar.policy),
        default_tz="Europe/Copenhagen",
        default_language="da",
        builders=make_deps(db).registry.builders,
    )


@pytest.mark.usefixtures("only_showcase_rules")
def test_an_answered_follow_up_is_not_sent(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 15, 0))
    _rhythm(db, weekday=3, every=1)
    _invite(db, org.lars, org.anne, date(2027, 3, 18), cph(2027, 3, 15, 12))
    with db.session() as s:
        department = s.exec(select(Department)).one()
        s.add(
            MeetingAnswer(
                department_id=department.id or 0,
                meeting_date=date(2027, 3, 18),
                presented=True,
                answered_by_id=org.lars.id,
            )
        )
        s.commit()
    deps = make_deps(db)
    transport = RecordingTransport()
    walk(deps, transport, date(2027, 3, 18), date(2027, 3, 19))
    assert [row.status for row in outbox(db, kind="meeting_follow_up")] == ["dropped"]


@pytest.mark.usefixtures("only_showcase_rules")
def test_recognition_nudge_on_the_day_and_dropped_when_recognised(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 9))
    with freeze_time(cph(2027, 3, 5, 16)), db.session() as s:  # Friday, after the window
        first = showcase.save_draft(
            s, org.anne, showcase.ResultInput(org.network.id or 0, "Skybrud", "a", "b", None)
        )
        showcase.publish(s, org.anne, first.id or 0)
        second = showcase.save_draft(
            s, org.soren, showcase.ResultInput(org.network.id or 0, "Workshop", "a", "b", None)
        )
        showcase.publish(s, org.soren, second.id or 0)
        assert showcase.recognise(s, org.lars, second.id or 0)
        assert not showcase.recognise(s, org.lars, second.id or 0)  # once per person
    deps = make_deps(db)
    transport = RecordingTransport()
    walk(deps, transport, date(2027, 3, 6), date(2027, 3, 9))
    log = [entry for entry in sent_log(db, transport, org) if entry[2] == "recognition_nudge"]
    # Posted Friday at 16:00: the nudge waits for Monday's sending window.
    assert log == [("2027-03-08 09:00:00", "Lars", "recognition_nudge")]
    assert sorted(r.status for r in outbox(db, kind="recognition_nudge")) == ["dropped", "sent"]


@pytest.mark.usefixtures("only_showcase_rules")
def test_weekly_digest_on_friday_or_the_next_working_day(db: Database) -> None:
    build_org(db, cph(2027, 3, 1, 9))
    with db.session() as s:
        department = s.exec(select(Department)).one()
        s.add(DepartmentShowcase(department_id=department.id or 0, digest=True))
        s.commit()
    org_anne = None
    with db.session() as s:
        from storage.models import Person

        org_anne = s.exec(select(Person).where(Person.name == "Anne Jensen")).one()
        network_id = s.exec(select(showcase.Network.id)).first()
    for moment, title in ((cph(2027, 3, 23, 10), "Før påske"), (cph(2027, 3, 30, 10), "Efter")):
        with freeze_time(moment), db.session() as s:
            result = showcase.save_draft(
                s, org_anne, showcase.ResultInput(network_id or 0, title, "a", "b", None)
            )
            showcase.publish(s, org_anne, result.id or 0)
    deps = make_deps(db)
    transport = RecordingTransport()
    walk(deps, transport, date(2027, 3, 22), date(2027, 4, 9))
    digests = [
        (item.at.astimezone(cph(2027, 1, 1).tzinfo).date(), item.address)
        for item in transport.delivered
        if "netværksresultater" in item.text
    ]
    # Langfredag (26 March) and 2. påskedag (29 March) are closed: that week's digest goes on
    # Tuesday 30 March. The next on Friday 2 April.
    assert digests == [(date(2027, 3, 30), "C0BYMILJO1"), (date(2027, 4, 2), "C0BYMILJO1")]
    rows = outbox(db, kind="result_digest")
    assert [len(r.payload["post_ids"]) for r in rows] == [1, 1]
    assert {r.capped for r in rows} == {False}


@pytest.mark.usefixtures("only_showcase_rules")
def test_a_share_whose_posting_never_ran_is_reported(db: Database) -> None:
    """The process stopped right after the modal closed: the posts stayed pending. The
    secretariat hears of it (with "Prøv igen"); nothing is lost silently."""
    org = build_org(db, cph(2027, 3, 1, 9))
    with freeze_time(cph(2027, 3, 2, 10)), db.session() as s:
        draft = showcase.save_draft(
            s, org.anne, showcase.ResultInput(org.network.id or 0, "Skybrud", "a", "b", None)
        )
        showcase.publish(s, org.anne, draft.id or 0)
    deps = make_deps(db)
    transport = RecordingTransport()
    walk(deps, transport, date(2027, 3, 2), date(2027, 3, 3))
    reports = [i for i in transport.delivered if "fik ikke et opslag" in i.text]
    assert [r.address for r in reports] == [slack_id(org.ida)]
    assert len(outbox(db, kind="showcase_undelivered")) == 1
