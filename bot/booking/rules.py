"""Nudge 1, "Book samtalen", and the secretariat's weekly escalation digest.

The seed: "Som personaleleder til en medarbejder, der leder netværk, er du en vigtig
samarbejdspartner i forhold til at skabe tid og rum til netværksarbejdet. Derfor vil du blive
indbudt til samtale af netværkslederen". So the network leader gets one friendly prompt to invite,
and the personnel leader is nudged while the conversation is neither booked nor held.

Everything is derived from the tables: the series starts at the *anchor* — the latest of the
membership's start, the manager change, a cancelled or declined conversation with this manager,
and the end of the last held conversation's validity — so a new manager, a cancellation or a
year gone by each start a fresh series under fresh dedupe keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.core import actions, audit, ui
from bot.core.due import BuildContext, Due, PlanWindow, add_months, for_each_target, local_midnight
from bot.core.refusal import Refusal
from bot.reminders.policy import ReminderPolicy
from storage.models import Conversation, ConversationStatus, Network, NetworkMember, Person

LEADER = "leader"
PARTICIPANT = "participant"
# A proposal waiting for an answer, a booked or a held conversation: nothing to nudge about.
_SETTLING = (ConversationStatus.PROPOSED, ConversationStatus.BOOKED)
_CLOSED = (ConversationStatus.CANCELLED, ConversationStatus.DECLINED)


@dataclass(frozen=True)
class BookingSubject:
    """An employee in a network whose current manager has no conversation with them."""

    employee_id: int
    manager_id: int
    role: str  # leader or participant
    anchor: datetime  # when the current series started

    @property
    def subject(self) -> str:
        return booking_subject(self.employee_id)


def booking_subject(employee_id: int) -> str:
    return f"booking:{employee_id}"


def _running(today: date) -> list[Any]:
    return [
        (col(Network.start_date).is_(None)) | (col(Network.start_date) <= today),
        (col(Network.end_date).is_(None)) | (col(Network.end_date) >= today),
    ]


def _memberships(
    session: Session,
    window_today: date,
    org_midnight: Any,
    include_participants: bool,
    employee_id: int | None,
) -> dict[int, tuple[int, datetime, datetime, str]]:
    """employee → (manager, manager_since, membership start, role) for running networks."""
    manager = aliased(Person)
    found: dict[int, tuple[int, datetime, datetime, str]] = {}

    def _add(rows: Iterable[Any], role: str) -> None:
        for emp_id, mgr_id, mgr_since, since, start_date in rows:
            start = since
            if start_date is not None:
                start = max(start, org_midnight(start_date))
            known = found.get(emp_id)
            if known is None:
                found[emp_id] = (mgr_id, mgr_since, start, role)
            else:  # the series began with the earliest membership; leading outranks joining
                role_now = LEADER if LEADER in (role, known[3]) else PARTICIPANT
                found[emp_id] = (mgr_id, mgr_since, min(start, known[2]), role_now)

    base = [
        col(Person.active).is_(True),
        col(Person.manager_id).is_not(None),
        col(manager.active).is_(True),
        *_running(window_today),
    ]
    if employee_id is not None:
        base.append(Person.id == employee_id)
    led = (
        sa_select(
            col(Person.id),
            col(Person.manager_id),
            col(Person.manager_since),
            col(Network.leader_since),
            col(Network.start_date),
        )
        .join(Network, col(Network.leader_id) == col(Person.id))
        .join(manager, col(manager.id) == col(Person.manager_id))
        .where(*base)
    )
    _add(session.connection().execute(led).all(), LEADER)
    if include_participants:
        joined = (
            sa_select(
                col(Person.id),
                col(Person.manager_id),
                col(Person.manager_since),
                col(NetworkMember.joined_at),
                col(Network.start_date),
            )
            .join(NetworkMember, col(NetworkMember.person_id) == col(Person.id))
            .join(Network, col(Network.id) == col(NetworkMember.network_id))
            .join(manager, col(manager.id) == col(Person.manager_id))
            .where(*base)
        )
        _add(session.connection().execute(joined).all(), PARTICIPANT)
    return found


def booking_subjects(
    session: Session,
    now: datetime,
    today: date,
    org_tz_midnight: Any,
    policy: ReminderPolicy,
    employee_id: int | None = None,
) -> list[BookingSubject]:
    """Every employee in a running network whose current manager has neither a proposed, booked
    nor (within `valid_months`) held conversation with them."""
    members = _memberships(
        session, today, org_tz_midnight, policy.booking_include_participants, employee_id
    )
    if not members:
        return []
    query = sa_select(
        col(Conversation.employee_id),
        col(Conversation.manager_id),
        col(Conversation.status),
        col(Conversation.held_at),
        col(Conversation.starts_at),
        col(Conversation.closed_at),
        col(Conversation.created_at),
    )
    if employee_id is not None:
        query = query.where(col(Conversation.employee_id) == employee_id)
    settled: set[int] = set()
    extra_anchor: dict[int, datetime] = {}
    valid_since = _months_before(now, policy.booking_valid_months)
    for emp, mgr, status, held_at, starts_at, closed_at, created_at in (
        session.connection().execute(query).all()
    ):
        member = members.get(emp)
        if member is None or member[0] != mgr:
            continue
        if status in _SETTLING:
            settled.add(emp)
        elif status == ConversationStatus.HELD:
            held = held_at or starts_at or created_at
            if held >= valid_since:
                settled.add(emp)
            else:
                _later(extra_anchor, emp, _months_after(held, policy.booking_valid_months))
        elif status in _CLOSED and closed_at is not None:
            _later(extra_anchor, emp, closed_at)
    subjects = []
    for emp, (mgr, mgr_since, start, role) in members.items():
        if emp in settled:
            continue
        anchor = max(start, mgr_since, extra_anchor.get(emp, start))
        subjects.append(BookingSubject(emp, mgr, role, anchor))
    return subjects


def _later(into: dict[int, datetime], key: int, moment: datetime) -> None:
    if key not in into or into[key] < moment:
        into[key] = moment


def _months_before(moment: datetime, months: int) -> datetime:
    day = add_months(moment.date(), -months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def _months_after(moment: datetime, months: int) -> datetime:
    day = add_months(moment.date(), months)
    return moment.replace(year=day.year, month=day.month, day=day.day)


def subjects_for(session: Session, window: PlanWindow) -> list[BookingSubject]:
    """The pass's subjects, computed once and shared by the nudge and escalation rules."""
    if "booking_subjects" not in window.memo:
        window.memo["booking_subjects"] = booking_subjects(
            session, window.now, window.today, window.midnight, window.policy
        )
    subjects: list[BookingSubject] = window.memo["booking_subjects"]
    return subjects


@dataclass(frozen=True)
class Series:
    anchor_day: date
    prompt_day: date
    nudge_days: tuple[date, ...]
    escalation_day: date


def series(window: PlanWindow, subject: BookingSubject) -> Series:
    p, wd = window.policy, window.workdays
    anchor_day = window.local_date(subject.anchor)
    offsets = [p.booking_first + p.booking_every * i for i in range(p.booking_max + 1)]
    days = tuple(wd.add(anchor_day, k) for k in offsets)
    prompt_day = wd.add(anchor_day, p.booking_prompt_after)
    return Series(
        anchor_day=anchor_day, prompt_day=prompt_day, nudge_days=days[:-1], escalation_day=days[-1]
    )


def booking_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Nudges 1..max to the manager and the leader's prompt, on the days they fall due. After
    downtime only the latest nudge of a series is sent: the earlier ones say the same."""
    if not window.new_day:
        return []
    found: list[Due] = []
    for subject in subjects_for(session, window):
        s = series(window, subject)
        anchor = s.anchor_day.isoformat()
        payload = {"employee_id": subject.employee_id, "manager_id": subject.manager_id}
        if (
            window.policy.booking_leader_prompt
            and subject.role == LEADER
            and window.fresh(s.prompt_day)
        ):
            found.append(
                Due(
                    key=f"booking-prompt:{subject.employee_id}:{subject.manager_id}:{anchor}",
                    kind="booking_prompt",
                    subject=subject.subject,
                    due_on=s.prompt_day,
                    recipient_id=subject.employee_id,
                    payload=payload,
                )
            )
        due = [(n, day) for n, day in enumerate(s.nudge_days, start=1) if window.fresh(day)]
        if due:
            n, day = due[-1]
            found.append(
                Due(
                    key=f"booking-nudge:{subject.employee_id}:{subject.manager_id}:{anchor}:{n}",
                    kind="booking_nudge",
                    subject=subject.subject,
                    due_on=day,
                    recipient_id=subject.manager_id,
                    payload={**payload, "n": n},
                )
            )
    return found


def digest_day(window: PlanWindow, any_day: date) -> date:
    """The escalation digest's day in the week of `any_day`: the configured weekday, or the
    next working day when that is closed (e.g. 2. påskedag)."""
    monday = any_day - timedelta(days=any_day.weekday())
    wanted = monday + timedelta(days=window.policy.escalation_weekday - 1)
    return window.workdays.on_or_after(wanted)


def escalation_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Once a week, the pairs whose last nudge went unanswered since the previous digest."""
    if not window.new_day:
        return []
    day = digest_day(window, window.today)
    if not window.fresh(day):
        return []
    previous = digest_day(window, day - timedelta(days=7))
    pairs = sorted(
        [s.employee_id, s.manager_id]
        for s in subjects_for(session, window)
        if previous < series(window, s).escalation_day <= day
    )
    if not pairs:
        return []
    return for_each_target(
        session,
        window,
        key=f"escalation:{day.isoformat()}",
        kind="escalation",
        subject="escalation",
        due_on=day,
        payload={"pairs": pairs},
    )


# --- messages ------------------------------------------------------------------------------


def _still_open(ctx: BuildContext, employee_id: int, manager_id: int) -> BookingSubject | None:
    today = ctx.now.astimezone(ZoneInfo(ctx.default_tz)).date()
    found = booking_subjects(
        ctx.session,
        ctx.now,
        today,
        lambda day: local_midnight(day, ctx.default_tz),
        ctx.policy,
        employee_id=employee_id,
    )
    return next((s for s in found if s.manager_id == manager_id), None)


def _network_names(session: Session, employee_id: int, role: str) -> str:
    if role == LEADER:
        names = session.exec(select(Network.name).where(Network.leader_id == employee_id)).all()
    else:
        names = session.exec(
            select(Network.name)
            .join(NetworkMember, col(NetworkMember.network_id) == col(Network.id))
            .where(NetworkMember.person_id == employee_id)
        ).all()
    return ", ".join(sorted(names)) or "–"


def booking_nudge(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    employee_id, manager_id = int(payload["employee_id"]), int(payload["manager_id"])
    subject = _still_open(ctx, employee_id, manager_id)
    if subject is None or ctx.recipient is None or ctx.recipient.id != manager_id:
        return None
    employee = ctx.session.get(Person, employee_id)
    assert employee is not None
    t = ctx.t
    networks = _network_names(ctx.session, employee_id, subject.role)
    n = int(payload.get("n", 1))
    lines = [
        t(f"scheduler.booking.nudge.{subject.role}", employee=employee.name, networks=networks),
        t("scheduler.booking.nudge.why"),
    ]
    if n > 1:
        lines.append(t("scheduler.booking.nudge.count", n=n, max=ctx.policy.booking_max))
    return ui.Message(
        text=t("scheduler.booking.nudge.text", employee=employee.name),
        parts=(
            ui.Heading(t("scheduler.booking.nudge.heading", employee=employee.name)),
            ui.Text(ui.join("\n\n", lines)),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.book"),
                        actions.BOOKING_OPEN,
                        str(employee_id),
                        "primary",
                    ),
                    ui.Button(t("scheduler.button.snooze"), actions.NUDGE_SNOOZE, subject.subject),
                    ui.Button(t("scheduler.button.held"), actions.NUDGE_HELD, str(employee_id)),
                ),
                id=f"nudge-{subject.subject}",
            ),
        ),
    )


def booking_prompt(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    employee_id, manager_id = int(payload["employee_id"]), int(payload["manager_id"])
    subject = _still_open(ctx, employee_id, manager_id)
    if subject is None or ctx.recipient is None or ctx.recipient.id != employee_id:
        return None
    manager = ctx.session.get(Person, manager_id)
    assert manager is not None
    t = ctx.t
    networks = _network_names(ctx.session, employee_id, subject.role)
    return ui.Message(
        text=t("scheduler.booking.prompt.text", manager=manager.name),
        parts=(
            ui.Heading(t("scheduler.booking.prompt.heading")),
            ui.Text(t("scheduler.booking.prompt.body", manager=manager.name, networks=networks)),
            ui.Note(t("scheduler.booking.prompt.note")),
            ui.Buttons(
                (ui.Button(t("scheduler.button.book"), actions.BOOKING_OPEN, "", "primary"),),
                id=f"prompt-{subject.subject}",
            ),
        ),
    )


def escalation(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    """The secretariat's list of pairs still without a conversation after every nudge."""
    t, lines = ctx.t, []
    for employee_id, manager_id in payload.get("pairs", []):
        if _still_open(ctx, int(employee_id), int(manager_id)) is None:
            continue
        employee = ctx.session.get(Person, int(employee_id))
        manager = ctx.session.get(Person, int(manager_id))
        if employee is None or manager is None:
            continue
        lines.append(t("scheduler.escalation.line", employee=employee.name, manager=manager.name))
    if not lines:
        return None
    return ui.Message(
        text=t("scheduler.escalation.text", count=len(lines)),
        parts=(
            ui.Heading(t("scheduler.escalation.heading")),
            ui.Text(t("scheduler.escalation.intro", max=ctx.policy.booking_max)),
            ui.Text(ui.join("\n", lines)),
            ui.Note(t("scheduler.escalation.note")),
        ),
    )


# --- "Samtalen er holdt" -------------------------------------------------------------------


def mark_held(session: Session, actor: Person, employee_id: int, now: datetime) -> Conversation:
    """Record that the conversation took place without a booking through the bot, so the nudges
    stop. Only the employee's current personnel leader may say so."""
    employee = session.get(Person, employee_id)
    if employee is None or not employee.active or employee.manager_id != actor.id:
        raise Refusal("scheduler.held.refusal.not_manager")
    network = session.exec(
        select(Network.id).where(Network.leader_id == employee_id).order_by(col(Network.id))
    ).first()
    conversation = Conversation(
        uid=f"samtale-{uuid4()}",
        employee_id=employee_id,
        manager_id=actor.id or 0,
        network_id=network,
        status=ConversationStatus.HELD,
        proposed_by_id=actor.id or 0,
        proposals=[],
        held_at=now,
    )
    session.add(conversation)
    session.flush()
    audit.record(
        session,
        audit.person_actor(actor.id),
        "conversation.marked_held",
        "conversation",
        conversation.id,
    )
    session.commit()
    session.refresh(conversation)
    return conversation
