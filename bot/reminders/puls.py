"""Nudge 5: the PULS talk (Albertslund's yearly development talk).

The seed's tasks 9 and 10: the personnel leader "har fokus på medarbejderens
kompetenceudvikling og sætter den i spil i afdelingen" and "har fokus på medarbejderens
netværksarbejde, netværksledelse og netværksdeltagelse i PULS-samtaler". So before each talk the
personnel leader gets the employee's networks and role, the agreement, recent results and talking
points; the employee gets a short prompt to bring their network work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.booking.conversation_rules import agreement_facts
from bot.checklist.puls_notes import talking_points
from bot.core import actions, audit, ui
from bot.core.due import BuildContext, Due, PlanWindow
from bot.core.formatting import format_date
from bot.core.refusal import Refusal
from bot.organisation.people import networks_of
from storage.models import Agreement, Network, Person, PulsTalk


def puls_subject(talk_id: int) -> str:
    return f"puls:{talk_id}"


# --- results (hook) ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentResult:
    title: str
    posted_on: date


def recent_results(session: Session, employee_id: int, since: datetime) -> list[RecentResult]:
    """The employee's shared network results since `since` (bot/showcase/domain.py)."""
    from bot.showcase import domain as showcase

    return [
        RecentResult(r.title, r.posted_on)
        for r in showcase.recent_results(session, [employee_id], since)
    ]


# --- registering a talk --------------------------------------------------------------------


def register_talk(
    session: Session, actor: Person, employee: Person, day: date, at: time | None, today: date
) -> tuple[PulsTalk, bool]:
    """Register (or move the time of) a PULS talk. Only the employee's personnel leader or the
    secretariat may; the talk is with the employee's current personnel leader."""
    if actor.id != employee.manager_id and not actor.is_secretariat:
        raise Refusal("scheduler.puls.refusal.not_manager", name=employee.name)
    if employee.manager_id is None:
        raise Refusal("scheduler.puls.refusal.no_manager", name=employee.name)
    if day < today:
        raise Refusal("scheduler.puls.refusal.past")
    talk = session.exec(
        select(PulsTalk).where(PulsTalk.employee_id == employee.id, PulsTalk.talk_date == day)
    ).first()
    created = talk is None
    if talk is None:
        talk = PulsTalk(employee_id=employee.id or 0, manager_id=employee.manager_id, talk_date=day)
    talk.talk_time = at
    talk.manager_id = employee.manager_id
    session.add(talk)
    session.flush()
    audit.record(
        session,
        audit.person_actor(actor.id),
        "puls_talk.created" if created else "puls_talk.updated",
        "puls_talk",
        talk.id,
    )
    session.commit()
    session.refresh(talk)
    return talk, created


# --- planning ------------------------------------------------------------------------------


def _offsets(window: PlanWindow) -> list[tuple[str, int]]:
    p = window.policy
    found = [("manager", k) for k in p.puls_manager_before]
    if p.puls_employee_before:
        found.append(("employee", p.puls_employee_before))
    return found


def _due(talk: PulsTalk, role: str, before: int, day: date) -> Due:
    assert talk.id is not None
    recipient = talk.manager_id if role == "manager" else talk.employee_id
    return Due(
        key=f"puls:{talk.id}:{talk.talk_date.isoformat()}:{role}:{before}",
        kind=f"puls_{role}",
        subject=puls_subject(talk.id),
        due_on=day,
        recipient_id=recipient,
        payload={"talk_id": talk.id, "talk_date": talk.talk_date.isoformat(), "before": before},
    )


def puls_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On each new day: the talks whose reminder days came. Every tick: talks registered since
    the last tick whose reminder day already passed get the latest reminder at once."""
    found: list[Due] = []
    if window.new_day:
        for role, before in _offsets(window):
            days = window.workdays.days_due_between(-before, window.since_day, window.today)
            if days is None:
                continue
            talks = session.exec(
                select(PulsTalk).where(
                    col(PulsTalk.talk_date) >= days[0], col(PulsTalk.talk_date) <= days[1]
                )
            ).all()
            for talk in talks:
                day = window.workdays.add(talk.talk_date, -before)
                if window.fresh(day):
                    found.append(_due(talk, role, before, day))
    found += _new_talks(session, window)
    return found


def _new_talks(session: Session, window: PlanWindow) -> list[Due]:
    seen = window.cursors.get("puls_talk_id")
    newest = (
        session.exec(select(PulsTalk.id).order_by(col(PulsTalk.id).desc()).limit(1)).first() or 0
    )
    window.cursors.set("puls_talk_id", str(newest))
    if seen is None or newest <= int(seen):
        return []
    talks = session.exec(
        select(PulsTalk).where(
            col(PulsTalk.id) > int(seen), col(PulsTalk.talk_date) >= window.today
        )
    ).all()
    found = []
    for talk in talks:
        for role in ("manager", "employee"):
            passed = [
                (before, day)
                for r, before in _offsets(window)
                if r == role
                and (day := window.workdays.add(talk.talk_date, -before)) <= window.today
            ]
            if passed:
                before, day = max(passed, key=lambda item: item[1])
                found.append(_due(talk, role, before, day))
    return found


# --- messages ------------------------------------------------------------------------------


def _talk(ctx: BuildContext, payload: Mapping[str, Any]) -> PulsTalk | None:
    talk = ctx.session.get(PulsTalk, int(payload["talk_id"]))
    if talk is None or talk.talk_date.isoformat() != payload["talk_date"]:
        return None
    if talk.talk_date < ctx.now.date() - timedelta(days=1):
        return None
    return talk


def _when(ctx: BuildContext, talk: PulsTalk) -> str:
    day = format_date(talk.talk_date, ctx.language)
    if talk.talk_time is None:
        return day
    return ctx.t("scheduler.puls.when_time", date=day, time=talk.talk_time.strftime("%H:%M"))


def _roles(ctx: BuildContext, employee_id: int) -> list[ui.Rich]:
    lines = []
    for network in networks_of(ctx.session, employee_id):
        role = "leader" if network.leader_id == employee_id else "participant"
        lines.append(
            ctx.t(f"scheduler.puls.role.{role}", network=network.name, theme=network.theme)
        )
    return lines


def _latest_agreement(session: Session, employee_id: int, manager_id: int) -> Agreement | None:
    return session.exec(
        select(Agreement)
        .where(Agreement.employee_id == employee_id, Agreement.manager_id == manager_id)
        .order_by(col(Agreement.created_at).desc())
    ).first()


def puls_manager(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    talk = _talk(ctx, payload)
    if talk is None or ctx.recipient is None or ctx.recipient.id != talk.manager_id:
        return None
    employee = ctx.session.get(Person, talk.employee_id)
    if employee is None or not employee.active:
        return None
    t = ctx.t
    when = _when(ctx, talk)
    roles = _roles(ctx, talk.employee_id)
    parts: list[ui.Part] = [
        ui.Heading(t("scheduler.puls.manager.heading", employee=employee.name)),
        ui.Text(t("scheduler.puls.manager.intro", employee=employee.name, when=when)),
        ui.Text(
            t("scheduler.puls.networks", lines=ui.bullets(roles))
            if roles
            else t("scheduler.puls.no_networks", employee=employee.name)
        ),
    ]
    agreement = _latest_agreement(ctx.session, talk.employee_id, talk.manager_id)
    if agreement is not None:
        period = t(f"scheduler.agreement.period.{agreement.hours_period}")
        parts += [
            ui.Text(t("scheduler.puls.agreement")),
            ui.Facts(agreement_facts(ctx, agreement, period)),
        ]
    since = ctx.now - timedelta(days=ctx.policy.puls_results_days)
    results = recent_results(ctx.session, talk.employee_id, since)
    if results:
        lines = ui.bullets(
            f"{r.title} ({format_date(r.posted_on, ctx.language)})" for r in results[:10]
        )
        parts.append(ui.Text(t("scheduler.puls.results", lines=lines)))
    parts += talking_points(ctx.session, t, talk, ctx.tz)  # the manager's own (checklist 9, 10)
    points = "scheduler.puls.points.network" if roles else "scheduler.puls.points.no_network"
    parts += [
        ui.Text(t(points, employee=employee.name)),
        ui.Buttons(
            (
                ui.Button(
                    t("scheduler.button.puls_ready"),
                    actions.NUDGE_DISMISS,
                    puls_subject(talk.id or 0),
                    "primary",
                ),
            ),
            id=f"puls-{talk.id}",
        ),
    ]
    return ui.Message(
        text=t("scheduler.puls.manager.text", employee=employee.name, when=when), parts=tuple(parts)
    )


def puls_employee(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    talk = _talk(ctx, payload)
    if talk is None or ctx.recipient is None or ctx.recipient.id != talk.employee_id:
        return None
    manager = ctx.session.get(Person, talk.manager_id)
    roles = _roles(ctx, talk.employee_id)
    if manager is None or not manager.active or not roles:
        return None  # the prompt is about bringing network work; without any, there is none
    t = ctx.t
    when = _when(ctx, talk)
    return ui.Message(
        text=t("scheduler.puls.employee.text", manager=manager.name, when=when),
        parts=(
            ui.Heading(t("scheduler.puls.employee.heading")),
            ui.Text(t("scheduler.puls.employee.body", manager=manager.name, when=when)),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.puls_ready"),
                        actions.NUDGE_DISMISS,
                        puls_subject(talk.id or 0),
                        "primary",
                    ),
                ),
                id=f"puls-employee-{talk.id}",
            ),
        ),
    )


def networks_by_id(session: Session, ids: Iterable[int]) -> dict[int, Network]:
    wanted = list(ids)
    if not wanted:
        return {}
    return {n.id or 0: n for n in session.exec(select(Network).where(col(Network.id).in_(wanted)))}
