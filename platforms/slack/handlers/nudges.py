"""Listeners for the reminders' own buttons ("Udsæt en uge", "Samtalen er holdt", done, "Aftalen
gælder stadig") and `/netvaerk pause`. The booking buttons in reminders belong to
platforms/slack/handlers/booking.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.booking.conversation_rules import keep_agreement
from bot.booking.rules import HeldRefusal, mark_held
from bot.core import actions, ui
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.due import local_midnight
from bot.core.formatting import format_date
from bot.core.typed_dates import parse_day
from bot.reminders import snooze
from bot.reminders.policy import reminder_policy
from platforms.slack.blocks import action_pattern, render_message
from platforms.slack.handlers.actor import Actor, resolve_actor
from platforms.slack.handlers.command import CommandRequest, router

_END_WORDS = ("slut", "stop", "end", "off", "ophør")


def _say(respond: Respond, message: ui.Message | str) -> None:
    rendered = render_message(message if isinstance(message, ui.Message) else ui.Message(message))
    respond(**rendered, response_type="ephemeral", replace_original=False)


def _tz(deps: Deps, actor: Actor) -> str:
    return (actor.person.timezone if actor.person else None) or deps.settings.netvaerk_timezone


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value", ""))


def register(app: App, deps: Deps) -> None:
    def _actor(body: dict[str, Any], client: WebClient, respond: Respond) -> Actor | None:
        actor = resolve_actor(deps, client, body["user"]["id"])
        if actor.person is None:
            _say(respond, actor.t("error.not_in_data"))
            return None
        return actor

    @app.action(action_pattern(actions.NUDGE_SNOOZE))
    def snooze_week(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor = _actor(body, client, respond)
        if actor is None or actor.person is None:
            return
        moment = now()
        days = reminder_policy(deps.calendar.policy).snooze_days
        until = moment + timedelta(days=days)
        with deps.db.session() as session:
            snooze.snooze(session, actor.person.id or 0, _value(body), until, moment)
        opening = deps.calendar.next_send_opening(until, _tz(deps, actor))
        when = format_date(opening.astimezone(ZoneInfo(_tz(deps, actor))).date(), actor.language)
        _say(respond, actor.t("scheduler.snooze.done", when=when))

    @app.action(action_pattern(actions.NUDGE_DISMISS))
    def dismiss(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor = _actor(body, client, respond)
        if actor is None or actor.person is None:
            return
        with deps.db.session() as session:
            snooze.dismiss(session, actor.person.id or 0, _value(body), now())
        _say(respond, actor.t("scheduler.snooze.dismissed"))

    @app.action(action_pattern(actions.NUDGE_HELD))
    def held(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor = _actor(body, client, respond)
        if actor is None or actor.person is None:
            return
        value = _value(body)
        try:
            with deps.db.session() as session:
                conversation = mark_held(session, actor.person, int(value or 0), now())
        except HeldRefusal as refusal:
            _say(respond, actor.t(refusal.key))
            return
        t = actor.t
        _say(
            respond,
            ui.Message(
                text=t("scheduler.held.done"),
                parts=(
                    ui.Text(t("scheduler.held.done")),
                    ui.Buttons(
                        (
                            ui.Button(
                                t("scheduler.held.record"),
                                actions.AGREEMENT_OPEN,
                                str(conversation.id),
                                "primary",
                            ),
                        )
                    ),
                ),
            ),
        )

    @app.action(action_pattern(actions.AGREEMENT_KEEP))
    def keep(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor = _actor(body, client, respond)
        if actor is None or actor.person is None:
            return
        today = now().astimezone(ZoneInfo(_tz(deps, actor))).date()
        value = _value(body)
        with deps.db.session() as session:
            agreement = keep_agreement(session, int(value or 0), actor.person.id or 0, today)
        if agreement is None:
            _say(respond, actor.t("scheduler.agreement.keep_refused"))
            return
        date_text = format_date(agreement.review_date, actor.language)
        _say(respond, actor.t("scheduler.agreement.kept", date=date_text))

    def pause(request: CommandRequest) -> None:
        request.ack()
        actor = request.actor
        if actor.person is None:
            _say(request.respond, actor.t("error.not_in_data"))
            return
        _say(request.respond, pause_answer(deps, actor, request.args.split(), now()))

    router.add(("pause", "ferie", "vacation"), "scheduler.help.pause", pause)


def pause_answer(deps: Deps, actor: Actor, words: list[str], moment: datetime) -> str:
    """Carry out `/netvaerk pause …` and say what happened."""
    assert actor.person is not None
    person_id, tz, t = actor.person.id or 0, _tz(deps, actor), actor.t
    if not words:
        with deps.db.session() as session:
            pauses = snooze.pauses_of(session, person_id, moment)
        if not pauses:
            return t("scheduler.pause.none") + "\n" + t("scheduler.pause.usage")
        return "\n".join(_pause_line(actor, p.starts_at, p.until, tz) for p in pauses)
    if words[0].lower() in _END_WORDS:
        with deps.db.session() as session:
            ended = snooze.end_pauses(session, person_id, moment)
        return t("scheduler.pause.ended") if ended else t("scheduler.pause.none")
    days = [parse_day(word) for word in words[:2]]
    for word, day in zip(words, days, strict=False):
        if day is None:
            return t("scheduler.pause.bad_date", text=word[:40])
    today = moment.astimezone(ZoneInfo(tz)).date()
    first, last = (days[0], days[1]) if len(days) == 2 else (today, days[0])
    assert first is not None and last is not None
    starts = max(moment, local_midnight(first, tz))
    until = local_midnight(last + timedelta(days=1), tz)
    if until <= starts or last < today:
        return t("scheduler.pause.order")
    with deps.db.session() as session:
        snooze.pause(session, person_id, starts, until)
    return _pause_line(actor, starts, until, tz)


def _pause_line(actor: Actor, starts: datetime, until: datetime | None, tz: str) -> str:
    zone = ZoneInfo(tz)
    start = format_date(starts.astimezone(zone).date(), actor.language)
    end_day = (until - timedelta(seconds=1)).astimezone(zone).date() if until else None
    end = format_date(end_day, actor.language) if end_day else "–"
    return actor.t("scheduler.pause.set", start=start, end=end)
