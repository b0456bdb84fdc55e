"""Department meetings (the seed's task 6): the personnel leader "skaber opmærksomhed og viden om
netværk i afdelingen, ved blandt andet at opfordre medarbejdere, som leder og deltager i
netværk, til at præsentere netværksarbejdet på afdelingsmøder".

- The rhythm (weekday, time, every N weeks) comes from departments.csv and can be changed in
  Slack by the secretariat and the department's personnel leader, with the department's other
  showcase setting (single posts or a weekly digest).
- Three working days before a meeting the personnel leader gets a prompt, but only when one of
  their employees has something to present: results shared since the last meeting, a network
  that started since then, or nobody has invited them for `meeting_suggest_after_months`. Those
  come first with "Invitér til at fortælle på mødet" each; the others in networks in one line.
  The employee answers by DM, and the answer goes back.
- The working day after, only when someone was invited: "Blev netværksarbejdet præsenteret?",
  counted for the secretariat.

An every-N-weeks rhythm counts its weeks from the department's first meeting (`meeting_anchor`,
set in Slack) or, without one, from Monday 1 January 2024, so the weeks are the same every year.
A meeting that falls on a closed day (a holiday) is taken not to happen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot.core import actions, audit, ui
from bot.core.clock import now
from bot.core.due import BuildContext, Due, PlanWindow, add_months, local_midnight
from bot.core.formatting import format_date
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.core.working_calendar import WorkingCalendar
from bot.organisation.people import networks_of
from bot.showcase import domain as showcase
from bot.showcase.messages import first_name
from bot.showcase.rules import setting
from storage.models import Department, Network, Person
from storage.showcase_models import (
    DepartmentShowcase,
    InvitationStatus,
    MeetingAnswer,
    MeetingInvitation,
)

EPOCH = date(2024, 1, 1)  # a Monday: every-N-weeks rhythms without an anchor count from here
PEOPLE_SHOWN = 15  # a message holds 50 blocks; each person takes three
RESULTS_PER_PERSON = 3
OTHERS_NAMED = 10
FALLBACK_SINCE_DAYS = 30  # "since the last meeting" when there is no earlier meeting
STATS_DAYS = 90


# --- the rhythm -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rhythm:
    weekday: int  # 0 = Monday
    at: time | None
    every_weeks: int
    anchor: date  # a Monday in a meeting week

    def is_meeting_day(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        return ((day - self.anchor).days // 7) % self.every_weeks == 0


def rhythm_of(department: Department, settings: DepartmentShowcase | None) -> Rhythm | None:
    if department.meeting_weekday is None:
        return None
    anchor = settings.meeting_anchor if settings and settings.meeting_anchor else EPOCH
    return Rhythm(
        weekday=department.meeting_weekday,
        at=department.meeting_time,
        every_weeks=max(1, department.meeting_interval_weeks or 1),
        anchor=anchor - timedelta(days=anchor.weekday()),
    )


def meetings_between(
    rhythm: Rhythm, start: date, end: date, calendar: WorkingCalendar
) -> list[date]:
    """Meeting days in [start, end] that are working days."""
    first = start + timedelta(days=(rhythm.weekday - start.weekday()) % 7)
    found = []
    day = first
    while day <= end:
        if rhythm.is_meeting_day(day) and calendar.is_working_day(day):
            found.append(day)
        day += timedelta(days=7)
    return found


def previous_meeting(rhythm: Rhythm, before: date, calendar: WorkingCalendar) -> date | None:
    span = timedelta(weeks=rhythm.every_weeks * 3 + 1)
    earlier = meetings_between(rhythm, before - span, before - timedelta(days=1), calendar)
    return earlier[-1] if earlier else None


def next_meeting(rhythm: Rhythm, after: date, calendar: WorkingCalendar) -> date | None:
    later = meetings_between(
        rhythm, after, after + timedelta(weeks=rhythm.every_weeks * 3 + 1), calendar
    )
    return later[0] if later else None


def _rhythms(session: Session) -> list[tuple[Department, Rhythm]]:
    departments = session.exec(
        select(Department).where(col(Department.meeting_weekday).is_not(None))
    ).all()
    found = []
    for department in departments:
        rhythm = rhythm_of(department, session.get(DepartmentShowcase, department.id))
        if rhythm is not None:
            found.append((department, rhythm))
    return found


# --- who is who in a department ---------------------------------------------------------------


def personnel_leaders(session: Session, department_id: int) -> list[int]:
    """The department's personnel leaders: people in it who manage someone in it; when nobody
    does, the managers of its people."""
    people = session.exec(
        select(Person).where(Person.department_id == department_id, col(Person.active).is_(True))
    ).all()
    inside = {p.id for p in people}
    managers = {p.manager_id for p in people if p.manager_id is not None}
    own = sorted(m for m in managers if m in inside)
    if own:
        return [m for m in own if m is not None]
    active = session.exec(
        select(Person.id).where(col(Person.id).in_(sorted(managers) or [0]), col(Person.active))
    ).all()
    return sorted(i for i in active if i is not None)


def may_manage(session: Session, actor: Person, department_id: int) -> bool:
    return actor.is_secretariat or (actor.id or 0) in personnel_leaders(session, department_id)


def departments_for(session: Session, actor: Person) -> list[Department]:
    """The departments whose settings `actor` may change."""
    departments = session.exec(select(Department).order_by(col(Department.name))).all()
    if actor.is_secretariat:
        return list(departments)
    return [d for d in departments if (actor.id or 0) in personnel_leaders(session, d.id or 0)]


@dataclass(frozen=True)
class InNetworks:
    person: Person
    roles: tuple[tuple[str, str], ...]  # (network name, leader/participant)
    networks: tuple[Network, ...] = ()


def people_in_networks(session: Session, department_id: int) -> list[InNetworks]:
    people = session.exec(
        select(Person)
        .where(Person.department_id == department_id, col(Person.active).is_(True))
        .order_by(col(Person.name))
    ).all()
    found = []
    for person in people:
        networks = networks_of(session, person.id or 0)
        if networks:
            roles = tuple(
                (n.name, "leader" if n.leader_id == person.id else "participant") for n in networks
            )
            found.append(InNetworks(person, roles, tuple(networks)))
    return found


# --- the rules ------------------------------------------------------------------------------


def _meeting_dues(
    session: Session, window: PlanWindow, offset: int, kind: str, key: str
) -> list[Due]:
    days = window.workdays.days_due_between(offset, window.since_day, window.today)
    if days is None:
        return []
    found = []
    for department, rhythm in _rhythms(session):
        for meeting in meetings_between(rhythm, days[0], days[1], window.calendar):
            due_on = window.workdays.add(meeting, offset)
            if not window.fresh(due_on):
                continue
            for leader_id in personnel_leaders(session, department.id or 0):
                found.append(
                    Due(
                        key=f"{key}:{department.id}:{meeting.isoformat()}:{leader_id}",
                        kind=kind,
                        subject=f"meeting:{department.id}:{meeting.isoformat()}",
                        due_on=due_on,
                        recipient_id=leader_id,
                        payload={"department_id": department.id, "meeting": meeting.isoformat()},
                    )
                )
    return found


def meeting_prompt_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """N working days before each department meeting, to the department's personnel leaders."""
    if not window.new_day:
        return []
    before = int(setting(window.calendar, "meeting_prompt_working_days_before"))
    return _meeting_dues(session, window, -before, "meeting_prompt", "dept-meeting-prompt")


def meeting_follow_up_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """The working day after each department meeting: "Blev netværksarbejdet præsenteret?"."""
    if not window.new_day:
        return []
    after = int(setting(window.calendar, "meeting_follow_up_working_days_after"))
    return _meeting_dues(session, window, after, "meeting_follow_up", "dept-meeting-follow-up")


# --- the builders ---------------------------------------------------------------------------


def _when(t: Translator, department: Department, meeting: date) -> str:
    day = format_date(meeting, t.language)
    if department.meeting_time is None:
        return day
    return t("format.datetime", date=day, time=department.meeting_time.strftime("%H:%M"))


def _meeting(ctx: BuildContext, payload: Mapping[str, Any]) -> tuple[Department, date] | None:
    department = ctx.session.get(Department, int(payload["department_id"]))
    if department is None or ctx.recipient is None:
        return None
    if (ctx.recipient.id or 0) not in personnel_leaders(ctx.session, department.id or 0):
        return None
    return department, date.fromisoformat(str(payload["meeting"]))


def _since(session: Session, department: Department, meeting: date, calendar: Any) -> date:
    rhythm = rhythm_of(department, session.get(DepartmentShowcase, department.id))
    earlier = previous_meeting(rhythm, meeting, calendar) if rhythm else None
    return earlier or meeting - timedelta(days=FALLBACK_SINCE_DAYS)


@dataclass(frozen=True)
class Presentable:
    """Someone in the department with something to present at a meeting, and why."""

    person: Person
    roles: tuple[tuple[str, str], ...]
    results: tuple[showcase.RecentResult, ...]
    started: tuple[str, ...]  # networks that started since the last meeting
    not_invited_since: date | None  # nobody has invited them since (or since they joined)
    never_invited: bool


def _started_on(network: Network, tz: str) -> date:
    """The network's start date, or the day it was created (in Slack, without one)."""
    if network.start_date is not None:
        return network.start_date
    created = network.created_at
    if created.tzinfo is None:  # SQLite gives naive UTC
        created = created.replace(tzinfo=UTC)
    return created.astimezone(ZoneInfo(tz)).date()


def _running_on(network: Network, day: date, tz: str) -> bool:
    started = _started_on(network, tz)
    return started <= day and (network.end_date is None or network.end_date >= day)


def _last_invited(session: Session, person_ids: list[int], before: date) -> dict[int, date]:
    rows = session.exec(
        select(MeetingInvitation.person_id, func.max(MeetingInvitation.meeting_date))
        .where(
            col(MeetingInvitation.person_id).in_(person_ids or [0]),
            col(MeetingInvitation.meeting_date) < before,
        )
        .group_by(col(MeetingInvitation.person_id))
    ).all()
    return {person_id: day for person_id, day in rows if day is not None}


def _quiet_turn(anchor: date, since: date, meeting: date, months: int) -> bool:
    """Did a whole `months` (or a multiple) without an invitation end in (since, meeting]?
    So a member nobody invites is suggested once every `months`, not at every meeting."""
    if months <= 0:
        return False
    k = 1
    while (turn := add_months(anchor, months * k)) <= meeting:
        if turn > since:
            return True
        k += 1
    return False


def presentable(
    session: Session, department: Department, meeting: date, since: date, tz: str, months: int
) -> tuple[list[Presentable], list[InNetworks]]:
    """Who has something to present at `meeting`: results shared since the last meeting, a
    network that started since then, or nobody has invited them for `months`. Returns them and
    the department's other members of running networks."""
    members = [
        InNetworks(
            item.person,
            tuple(
                (n.name, "leader" if n.leader_id == item.person.id else "participant")
                for n in item.networks
                if _running_on(n, meeting, tz)
            ),
            tuple(n for n in item.networks if _running_on(n, meeting, tz)),
        )
        for item in people_in_networks(session, department.id or 0)
    ]
    members = [m for m in members if m.roles]
    ids = [m.person.id or 0 for m in members]
    results = showcase.recent_results(
        session, ids, local_midnight(since + timedelta(days=1), tz), tz
    )
    last = _last_invited(session, ids, meeting)
    found, others = [], []
    for member in members:
        pid = member.person.id or 0
        own = tuple(r for r in results if r.posted_by_id == pid)
        started = tuple(n.name for n in member.networks if since < _started_on(n, tz) <= meeting)
        joined = min(_started_on(n, tz) for n in member.networks)
        anchor = max(last.get(pid, joined), joined)
        quiet = not own and not started and _quiet_turn(anchor, since, meeting, months)
        if own or started or quiet:
            found.append(
                Presentable(
                    member.person,
                    member.roles,
                    own,
                    started,
                    anchor if quiet else None,
                    pid not in last,
                )
            )
        else:
            others.append(member)
    return found, others


def _mine(session: Session, department_id: int, recipient_id: int, items: list[Any]) -> list[Any]:
    """The recipient's own employees (the seed: the personnel leader encourages *their*
    employees), plus people whose manager is not among the department's personnel leaders."""
    leaders = set(personnel_leaders(session, department_id))
    return [
        i
        for i in items
        if i.person.manager_id == recipient_id or i.person.manager_id not in leaders
    ]


def _reasons(t: Translator, item: Presentable) -> list[ui.Rich]:
    lines = [
        t(
            "showcase.meeting.prompt.result",
            title=r.title,
            date=format_date(r.posted_on, t.language),
        )
        for r in item.results[:RESULTS_PER_PERSON]
    ]
    lines += [t("showcase.meeting.prompt.started", network=name) for name in item.started]
    if item.not_invited_since is not None:
        key = "never_invited" if item.never_invited else "not_invited"
        lines.append(
            t(
                f"showcase.meeting.prompt.{key}",
                date=format_date(item.not_invited_since, t.language),
            )
        )
    return lines


def meeting_prompt(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    """Sent only when there is something to present (issue 13: the prompt listing everyone
    with "no new results" before every meeting was the loudest thing the bot did)."""
    found = _meeting(ctx, payload)
    if found is None or ctx.recipient is None:
        return None
    department, meeting = found
    if meeting < ctx.now.date():
        return None  # the meeting has passed
    since = _since(ctx.session, department, meeting, ctx.calendar)
    months = int(setting(ctx.calendar, "meeting_suggest_after_months"))
    items, others = presentable(ctx.session, department, meeting, since, ctx.tz, months)
    items = _mine(ctx.session, department.id or 0, ctx.recipient.id or 0, items)
    if not items:
        return None
    t = ctx.t
    invited = {
        i.person_id: i.status
        for i in ctx.session.exec(
            select(MeetingInvitation).where(
                MeetingInvitation.department_id == department.id,
                MeetingInvitation.meeting_date == meeting,
            )
        ).all()
    }
    when = _when(t, department, meeting)
    parts: list[ui.Part] = [
        ui.Heading(t("showcase.meeting.prompt.heading", department=department.name)),
        ui.Text(t("showcase.meeting.prompt.intro", when=when, department=department.name)),
    ]
    for item in items[:PEOPLE_SHOWN]:
        roles = ui.join(
            ", ", (t(f"showcase.meeting.role.{role}", network=name) for name, role in item.roles)
        )
        lines = [t("showcase.meeting.prompt.person", name=item.person.name, roles=roles)]
        parts += [ui.Divider(), ui.Text(ui.join("\n", lines + _reasons(t, item)))]
        status = invited.get(item.person.id or 0)
        if status is not None:
            parts.append(ui.Note(t(f"showcase.meeting.invitation_status.{status}")))
        else:
            parts.append(
                ui.Buttons(
                    (
                        ui.Button(
                            t("showcase.button.invite"),
                            actions.MEETING_INVITE,
                            f"{department.id}:{meeting.isoformat()}:{item.person.id}",
                        ),
                    ),
                    id=f"invite-{department.id}-{meeting.isoformat()}-{item.person.id}",
                )
            )
    if len(items) > PEOPLE_SHOWN:
        parts.append(ui.Note(t("showcase.meeting.prompt.more", count=len(items) - PEOPLE_SHOWN)))
    if others:
        names = ", ".join(o.person.name for o in others[:OTHERS_NAMED])
        if len(others) > OTHERS_NAMED:
            names += " " + t("showcase.meeting.prompt.more", count=len(others) - OTHERS_NAMED)
        parts.append(ui.Note(t("showcase.meeting.prompt.others", names=names)))
    parts.append(ui.Note(t("showcase.meeting.prompt.why")))
    return ui.Message(
        text=t("showcase.meeting.prompt.text", department=department.name, when=when),
        parts=tuple(parts),
    )


def meeting_follow_up(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    """Only when someone was invited to present, and to whoever invited them (or, when the
    secretariat invited, to the department's personnel leaders)."""
    found = _meeting(ctx, payload)
    if found is None or ctx.recipient is None:
        return None
    department, meeting = found
    answered = ctx.session.exec(
        select(MeetingAnswer.id).where(
            MeetingAnswer.department_id == department.id, MeetingAnswer.meeting_date == meeting
        )
    ).first()
    if answered is not None:
        return None
    inviters = set(
        ctx.session.exec(
            select(MeetingInvitation.invited_by_id).where(
                MeetingInvitation.department_id == department.id,
                MeetingInvitation.meeting_date == meeting,
            )
        ).all()
    )
    leaders = set(personnel_leaders(ctx.session, department.id or 0))
    if ctx.recipient.id not in inviters and (not inviters or inviters & leaders):
        return None
    t = ctx.t
    when = _when(t, department, meeting)
    value = f"{department.id}:{meeting.isoformat()}"
    return ui.Message(
        text=t("showcase.meeting.follow_up.text", when=when),
        parts=(
            ui.Heading(t("showcase.meeting.follow_up.heading")),
            ui.Text(t("showcase.meeting.follow_up.body", when=when, department=department.name)),
            ui.Buttons(
                (
                    ui.Button(
                        t("showcase.button.yes"),
                        actions.MEETING_PRESENTED,
                        f"{value}:yes",
                        "primary",
                    ),
                    ui.Button(t("showcase.button.no"), actions.MEETING_PRESENTED, f"{value}:no"),
                ),
                id=f"presented-{department.id}-{meeting.isoformat()}",
            ),
        ),
    )


# --- invitations and answers ----------------------------------------------------------------


def invite(
    session: Session, actor: Person, department_id: int, meeting: date, person_id: int, today: date
) -> tuple[MeetingInvitation, bool]:
    """The personnel leader asks an employee to tell about their network work at the meeting.
    Returns the invitation and whether it is new (a second click changes nothing)."""
    if not may_manage(session, actor, department_id):
        raise Refusal("showcase.refusal.not_department_leader")
    if meeting < today:
        raise Refusal("showcase.refusal.meeting_passed")
    person = session.get(Person, person_id)
    if person is None or not person.active or person.department_id != department_id:
        raise Refusal("showcase.refusal.gone")
    existing = session.exec(
        select(MeetingInvitation).where(
            MeetingInvitation.department_id == department_id,
            MeetingInvitation.meeting_date == meeting,
            MeetingInvitation.person_id == person_id,
        )
    ).first()
    if existing is not None:
        return existing, False
    invitation = MeetingInvitation(
        department_id=department_id,
        meeting_date=meeting,
        person_id=person_id,
        invited_by_id=actor.id or 0,
    )
    session.add(invitation)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return invite(session, actor, department_id, meeting, person_id, today)
    audit.record(
        session,
        audit.person_actor(actor.id),
        "meeting.invited",
        "meeting_invitation",
        invitation.id,
    )
    session.commit()
    session.refresh(invitation)
    return invitation, True


def answer_invitation(
    session: Session, actor: Person, invitation_id: int, yes: bool
) -> tuple[MeetingInvitation, bool]:
    invitation = session.get(MeetingInvitation, invitation_id)
    if invitation is None:
        raise Refusal("showcase.refusal.gone")
    if invitation.person_id != actor.id:
        raise Refusal("showcase.refusal.not_yours")
    status = InvitationStatus.ACCEPTED if yes else InvitationStatus.DECLINED
    changed = session.execute(
        update(MeetingInvitation)
        .where(
            col(MeetingInvitation.id) == invitation_id,
            col(MeetingInvitation.status) == InvitationStatus.ASKED,
        )
        .values(status=status, answered_at=now())
    )
    session.commit()
    session.refresh(invitation)
    return invitation, changed.rowcount == 1  # type: ignore[attr-defined]


def record_presented(
    session: Session, actor: Person, department_id: int, meeting: date, presented: bool
) -> MeetingAnswer:
    """The answer to "Blev netværksarbejdet præsenteret?"; a later answer replaces it."""
    if not may_manage(session, actor, department_id):
        raise Refusal("showcase.refusal.not_department_leader")
    found = session.exec(
        select(MeetingAnswer).where(
            MeetingAnswer.department_id == department_id, MeetingAnswer.meeting_date == meeting
        )
    ).first()
    if found is None:
        found = MeetingAnswer(department_id=department_id, meeting_date=meeting, presented=False)
    found.presented = presented
    found.answered_by_id = actor.id
    session.add(found)
    try:
        session.flush()
    except IntegrityError:  # both personnel leaders answered at once: the other answer stands
        session.rollback()
        return record_presented(session, actor, department_id, meeting, presented)
    session.commit()
    session.refresh(found)
    return found


def invitation_message(
    t: Translator, invitation: MeetingInvitation, department: Department, manager: Person
) -> ui.Message:
    when = _when(t, department, invitation.meeting_date)
    return ui.Message(
        text=t("showcase.meeting.invite.text", manager=manager.name, when=when),
        parts=(
            ui.Heading(t("showcase.meeting.invite.heading")),
            ui.Text(
                t(
                    "showcase.meeting.invite.body",
                    manager=manager.name,
                    when=when,
                    department=department.name,
                )
            ),
            ui.Buttons(
                (
                    ui.Button(
                        t("showcase.button.accept"),
                        actions.MEETING_INVITE_ANSWER,
                        f"{invitation.id}:yes",
                        "primary",
                    ),
                    ui.Button(
                        t("showcase.button.decline"),
                        actions.MEETING_INVITE_ANSWER,
                        f"{invitation.id}:no",
                    ),
                ),
                id=f"meeting-invitation-{invitation.id}",
            ),
        ),
    )


def invitation_answer_text(
    t: Translator, invitation: MeetingInvitation, department: Department, employee: Person
) -> str:
    when = _when(t, department, invitation.meeting_date)
    return t(
        f"showcase.meeting.answer.{invitation.status}",
        name=first_name(employee.name),
        when=when,
    )


def own_answer_text(t: Translator, invitation: MeetingInvitation, department: Department) -> str:
    when = _when(t, department, invitation.meeting_date)
    return t(f"showcase.meeting.own_answer.{invitation.status}", when=when)


# --- the secretariat's count ----------------------------------------------------------------


@dataclass(frozen=True)
class PresentedCount:
    department: str
    presented: int
    not_presented: int


def presented_counts(session: Session, since: date) -> list[PresentedCount]:
    rows = session.exec(
        select(Department.name, MeetingAnswer.presented)
        .join(MeetingAnswer, col(MeetingAnswer.department_id) == col(Department.id))
        .where(col(MeetingAnswer.meeting_date) >= since)
    ).all()
    counts: dict[str, list[int]] = {}
    for name, presented in rows:
        pair = counts.setdefault(name, [0, 0])
        pair[0 if presented else 1] += 1
    return [PresentedCount(name, yes, no) for name, (yes, no) in sorted(counts.items())]


# --- the department's settings ------------------------------------------------------------


WEEKDAYS = range(7)
INTERVALS = (1, 2, 3, 4, 6, 8)


def department_form(
    t: Translator, departments: list[Department], chosen: Department, settings: DepartmentShowcase
) -> ui.Form:
    weekday = str(chosen.meeting_weekday) if chosen.meeting_weekday is not None else None
    return ui.Form(
        callback=actions.DEPARTMENT_FORM,
        title=t("showcase.department.title"),
        submit=t("showcase.department.submit"),
        close=t("showcase.form.close"),
        metadata=json.dumps({"department": chosen.id}),
        items=(
            ui.Text(t("showcase.department.intro", department=chosen.name)),
            ui.Choice(
                "weekday",
                t("showcase.department.weekday"),
                tuple(ui.Option(str(d), t(f"format.weekday.{d}")) for d in WEEKDAYS),
                optional=True,
                initial=weekday,
            ),
            ui.TimeInput(
                "time", t("showcase.department.time"), optional=True, initial=chosen.meeting_time
            ),
            ui.Choice(
                "interval",
                t("showcase.department.interval"),
                tuple(ui.Option(str(n), t("showcase.department.every", n=n)) for n in INTERVALS),
                initial=str(chosen.meeting_interval_weeks or 1)
                if (chosen.meeting_interval_weeks or 1) in INTERVALS
                else None,
            ),
            ui.DateInput(
                "anchor",
                t("showcase.department.anchor"),
                optional=True,
                initial=settings.meeting_anchor,
                hint=t("showcase.department.anchor_hint"),
            ),
            ui.Choice(
                "digest",
                t("showcase.department.digest"),
                (
                    ui.Option("single", t("showcase.department.single")),
                    ui.Option("digest", t("showcase.department.weekly")),
                ),
                initial="digest" if settings.digest else "single",
            ),
        ),
    )


@dataclass(frozen=True)
class DepartmentInput:
    weekday: int | None
    at: time | None
    interval: int
    anchor: date | None
    digest: bool


def read_department_form(
    t: Translator, values: dict[str, str | None]
) -> tuple[DepartmentInput | None, ui.FormErrors]:
    errors = ui.FormErrors()
    weekday = values.get("weekday")
    at = values.get("time")
    anchor = values.get("anchor")
    anchor_day = date.fromisoformat(anchor) if anchor else None
    if weekday is not None and anchor_day is not None and anchor_day.weekday() != int(weekday):
        errors.add("anchor", t("showcase.department.anchor_weekday"))
    if errors:
        return None, errors
    return (
        DepartmentInput(
            weekday=int(weekday) if weekday is not None else None,
            at=time.fromisoformat(at) if at else None,
            interval=int(values.get("interval") or 1),
            anchor=anchor_day,
            digest=values.get("digest") == "digest",
        ),
        errors,
    )


def save_department(
    session: Session, actor: Person, department_id: int, data: DepartmentInput
) -> tuple[Department, bool]:
    """Store the rhythm and the digest choice. Returns the department and whether the digest
    was switched on just now (the bot then joins its channel)."""
    if not may_manage(session, actor, department_id):
        raise Refusal("showcase.refusal.not_department_leader")
    department = session.get(Department, department_id)
    if department is None:
        raise Refusal("showcase.refusal.gone")
    department.meeting_weekday = data.weekday
    department.meeting_time = data.at
    department.meeting_interval_weeks = data.interval if data.weekday is not None else None
    department.updated_at = now()
    settings = session.get(DepartmentShowcase, department_id) or DepartmentShowcase(
        department_id=department_id
    )
    switched_on = data.digest and not settings.digest
    settings.digest = data.digest
    settings.meeting_anchor = data.anchor
    settings.updated_by_id = actor.id
    settings.updated_at = now()
    session.add(department)
    session.add(settings)
    audit.record(
        session,
        audit.person_actor(actor.id),
        "department.showcase_changed",
        "department",
        department_id,
    )
    session.commit()
    session.refresh(department)
    return department, switched_on
