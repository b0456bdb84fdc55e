"""The reminders' use cases as flows: a pause, a PULS talk, a network theme, and the reminders'
own buttons (snooze a week, dismiss, "the conversation was held", keep the agreement).

Each takes the acting person and the request's unit of work, and returns what to answer; a
refusal is raised and answered by the platform's one error path.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.booking.conversation_rules import keep_agreement
from bot.booking.rules import mark_held
from bot.core import actions, ui
from bot.core.actor import Actor
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.due import local_midnight
from bot.core.formatting import format_date
from bot.core.refusal import Refusal
from bot.core.typed_dates import parse_clock, parse_day
from bot.core.unit_of_work import UnitOfWork
from bot.organisation.people import person_by_platform_id
from bot.reminders import snooze
from bot.reminders.policy import reminder_policy
from bot.reminders.puls import register_talk
from bot.reminders.themes import next_deadline, proposal_form, propose

_END_WORDS = ("slut", "stop", "end", "off", "ophør")
_SHOWN_MAX = 40  # of a word the person typed, repeated in an answer


def _tz(deps: Deps, actor: Actor) -> str:
    person = actor.person
    return (person.timezone if person else None) or deps.settings.netvaerk_timezone


def _today(deps: Deps, actor: Actor) -> date:
    return now().astimezone(ZoneInfo(_tz(deps, actor))).date()


# --- the reminders' buttons ------------------------------------------------------------------


def snooze_week(deps: Deps, uow: UnitOfWork, actor: Actor, scope: str) -> str:
    me = actor.require_person()
    moment = now()
    until = moment + timedelta(days=reminder_policy(deps.calendar.policy).snooze_days)
    with uow as session:
        snooze.snooze(session, me.id or 0, scope, until, moment)
    tz = _tz(deps, actor)
    opening = deps.calendar.next_send_opening(until, tz)
    when = format_date(opening.astimezone(ZoneInfo(tz)).date(), actor.language)
    return actor.t("scheduler.snooze.done", when=when)


def dismiss(uow: UnitOfWork, actor: Actor, scope: str) -> str:
    me = actor.require_person()
    with uow as session:
        snooze.dismiss(session, me.id or 0, scope, now())
    return actor.t("scheduler.snooze.dismissed")


def held(uow: UnitOfWork, actor: Actor, employee_id: int) -> ui.Message:
    me = actor.require_person()
    with uow as session:
        conversation = mark_held(session, me, employee_id, now())
    t = actor.t
    record = ui.Button(
        t("scheduler.held.record"), actions.AGREEMENT_OPEN, str(conversation.id), "primary"
    )
    return ui.Message(
        text=t("scheduler.held.done"),
        parts=(ui.Text(t("scheduler.held.done")), ui.Buttons((record,))),
    )


def keep(deps: Deps, uow: UnitOfWork, actor: Actor, agreement_id: int) -> str:
    me = actor.require_person()
    with uow as session:
        agreement = keep_agreement(session, agreement_id, me.id or 0, _today(deps, actor))
    if agreement is None:
        raise Refusal("scheduler.agreement.keep_refused")
    return actor.t(
        "scheduler.agreement.kept", date=format_date(agreement.review_date, actor.language)
    )


# --- /netvaerk pause -------------------------------------------------------------------------


def pause(deps: Deps, uow: UnitOfWork, actor: Actor, words: list[str], moment: datetime) -> str:
    """Carry out `/netvaerk pause …` and say what happened."""
    person_id, tz, t = actor.require_person().id or 0, _tz(deps, actor), actor.t
    if not words:
        with uow as session:
            pauses = snooze.pauses_of(session, person_id, moment)
        if not pauses:
            return ui.join("\n", (t("scheduler.pause.none"), t("scheduler.pause.usage")))
        return ui.join("\n", (_pause_line(actor, p.starts_at, p.until, tz) for p in pauses))
    if words[0].lower() in _END_WORDS:
        with uow as session:
            ended = snooze.end_pauses(session, person_id, moment)
        return t("scheduler.pause.ended") if ended else t("scheduler.pause.none")
    days = [parse_day(word) for word in words[:2]]
    for word, day in zip(words, days, strict=False):
        if day is None:
            return t("scheduler.pause.bad_date", text=word[:_SHOWN_MAX])
    today = moment.astimezone(ZoneInfo(tz)).date()
    first, last = (days[0], days[1]) if len(days) == 2 else (today, days[0])
    assert first is not None and last is not None
    starts = max(moment, local_midnight(first, tz))
    until = local_midnight(last + timedelta(days=1), tz)
    if until <= starts or last < today:
        return t("scheduler.pause.order")
    with uow as session:
        snooze.pause(session, person_id, starts, until)
    return _pause_line(actor, starts, until, tz)


def _pause_line(actor: Actor, starts: datetime, until: datetime | None, tz: str) -> str:
    zone = ZoneInfo(tz)
    start = format_date(starts.astimezone(zone).date(), actor.language)
    end_day = (until - timedelta(seconds=1)).astimezone(zone).date() if until else None
    end = format_date(end_day, actor.language) if end_day else "–"
    return actor.t("scheduler.pause.set", start=start, end=end)


# --- /netvaerk puls @person DATE [TIME] ------------------------------------------------------


def puls_talk(
    deps: Deps, uow: UnitOfWork, actor: Actor, words: list[str], employee_id: str | None
) -> str:
    """Register a PULS talk; `employee_id` is the platform id the first word mentions, if any."""
    me = actor.require_person()
    t = actor.t
    if len(words) < 2 or employee_id is None:
        return t("scheduler.puls.command.usage")
    day = parse_day(words[1])
    if day is None:
        return t("scheduler.puls.command.bad_date", text=words[1][:_SHOWN_MAX])
    at = parse_clock(words[2]) if len(words) > 2 else None
    if len(words) > 2 and at is None:
        return t("scheduler.puls.command.bad_time", text=words[2][:_SHOWN_MAX])
    today = _today(deps, actor)
    with uow as session:
        employee = person_by_platform_id(session, actor.platform, employee_id)
        if employee is None:
            return t("scheduler.puls.command.unknown_person", who=words[0][:_SHOWN_MAX])
        talk, created = register_talk(session, me, employee, day, at, today)
    when = format_date(talk.talk_date, actor.language)
    if talk.talk_time is not None:
        when = t("scheduler.puls.when_time", date=when, time=talk.talk_time.strftime("%H:%M"))
    key = "registered" if created else "updated"
    return t(f"scheduler.puls.command.{key}", name=employee.name, when=when)


# --- a network theme -------------------------------------------------------------------------


def theme_form(deps: Deps, actor: Actor) -> ui.Form:
    actor.require_person()
    deadline = next_deadline(
        reminder_policy(deps.calendar.policy).theme_deadlines, _today(deps, actor)
    )
    return proposal_form(actor.t, deadline)


def propose_theme(uow: UnitOfWork, actor: Actor, text: str) -> str:
    me = actor.require_person()
    with uow as session:
        propose(session, me, text)
    return actor.t("scheduler.theme.thanks")
