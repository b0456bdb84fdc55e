"""`/netvaerk puls @person DATE [TIME]`: a personnel leader registers a PULS talk, so the reminders
with the employee's network work come beforehand (the `puls` CSV imports many at once)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from slack_bolt import App
from sqlmodel import select

from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.formatting import format_date
from bot.core.typed_dates import parse_clock, parse_day
from bot.reminders.puls import PulsRefusal, register_talk
from platforms.slack.handlers.command import CommandRequest, router
from storage.models import Person

_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")


def _ephemeral(request: CommandRequest, text: str) -> None:
    request.respond(text=text, response_type="ephemeral", replace_original=False)


def register(app: App, deps: Deps) -> None:
    def puls(request: CommandRequest) -> None:
        request.ack()
        _ephemeral(request, puls_answer(deps, request))

    router.add(("puls",), "scheduler.help.puls", puls)


def puls_answer(deps: Deps, request: CommandRequest) -> str:
    actor = request.actor
    t = actor.t
    if actor.person is None:
        return t("error.not_in_data")
    words = request.args.split()
    if len(words) < 2:
        return t("scheduler.puls.command.usage")
    match = _MENTION.match(words[0])
    if not match:
        return t("scheduler.puls.command.usage")
    day = parse_day(words[1])
    if day is None:
        return t("scheduler.puls.command.bad_date", text=words[1][:40])
    at = parse_clock(words[2]) if len(words) > 2 else None
    if len(words) > 2 and at is None:
        return t("scheduler.puls.command.bad_time", text=words[2][:40])
    tz = actor.person.timezone or deps.settings.netvaerk_timezone
    today = now().astimezone(ZoneInfo(tz)).date()
    with deps.db.session() as session:
        employee = session.exec(select(Person).where(Person.slack_id == match.group(1))).first()
        if employee is None:
            return t("scheduler.puls.command.unknown_person", who=words[0][:40])
        try:
            talk, created = register_talk(session, actor.person, employee, day, at, today)
        except PulsRefusal as refusal:
            return t(refusal.key, **refusal.values)
        when = format_date(talk.talk_date, actor.language)
        if talk.talk_time is not None:
            when = t("scheduler.puls.when_time", date=when, time=talk.talk_time.strftime("%H:%M"))
        key = "registered" if created else "updated"
        return t(f"scheduler.puls.command.{key}", name=employee.name, when=when)
