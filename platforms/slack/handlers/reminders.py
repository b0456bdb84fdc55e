"""Listeners for the reminders: their own buttons ("Udsæt en uge", done, "Samtalen er holdt",
"Aftalen gælder stadig"), `/netvaerk pause`, `/netvaerk puls` and `/netvaerk tema` with its form.
The booking buttons in reminders belong to booking.py. Each is ack -> bot.reminders.flows -> say.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core import actions, ui
from bot.core.actor import Actor
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.unit_of_work import UnitOfWork
from bot.reminders import commands, flows
from bot.reminders.themes import THEME_FIELD
from platforms.slack.actor import mentioned_user
from platforms.slack.blocks import action_pattern, mrkdwn, read_form, render_form, render_message
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import on_submit, open_form, value_of


def _say(respond: Respond, message: ui.Message | str) -> None:
    shown = message if isinstance(message, ui.Message) else ui.Message(message)
    respond(**render_message(shown), response_type="ephemeral", replace_original=False)


def snooze_week(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    ack()
    _say(respond, flows.snooze_week(deps, uow, actor, value_of(body)))


def dismiss(
    ack: Ack, body: dict[str, Any], respond: Respond, uow: UnitOfWork, actor: Actor
) -> None:
    ack()
    _say(respond, flows.dismiss(uow, actor, value_of(body)))


def held(ack: Ack, body: dict[str, Any], respond: Respond, uow: UnitOfWork, actor: Actor) -> None:
    ack()
    _say(respond, flows.held(uow, actor, int(value_of(body) or 0)))


def keep(
    ack: Ack, body: dict[str, Any], respond: Respond, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    ack()
    _say(respond, flows.keep(deps, uow, actor, int(value_of(body) or 0)))


def pause(request: CommandRequest) -> None:
    request.ack()
    words = request.args.split()
    _say(request.respond, flows.pause(request.deps, request.uow, request.actor, words, now()))


def puls(request: CommandRequest) -> None:
    request.ack()
    words, who = request.args.split(), mentioned_user(request.args)
    _say(request.respond, flows.puls_talk(request.deps, request.uow, request.actor, words, who))


def theme(request: CommandRequest) -> None:
    request.ack()
    if request.args:
        request.say(flows.propose_theme(request.uow, request.actor, request.args))
        return
    form = flows.theme_form(request.deps, request.actor)
    request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))


def theme_open(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    ack()
    open_form(client, body, render_form(flows.theme_form(deps, actor)))


def theme_submitted(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    uow: UnitOfWork,
    actor: Actor,
) -> None:
    text = read_form(view).get(THEME_FIELD)
    if actor.person is None or not text:
        ack(response_action="errors", errors={THEME_FIELD: actor.t("scheduler.theme.open_failed")})
        return
    ack()
    client.chat_postMessage(
        channel=actor.user_id, text=mrkdwn(flows.propose_theme(uow, actor, text))
    )


ROUTES = (
    Route(commands.PAUSE, pause),
    Route(commands.PULS, puls),
    Route(commands.THEME, theme),
)


def register(app: App) -> None:
    # Answered in the request thread, as they are quick.
    for action_id, listener in (
        (actions.NUDGE_SNOOZE, snooze_week),
        (actions.NUDGE_DISMISS, dismiss),
        (actions.NUDGE_HELD, held),
        (actions.AGREEMENT_KEEP, keep),
        (actions.THEME_OPEN, theme_open),
    ):
        app.action(action_pattern(action_id))(listener)
    on_submit(app, actions.THEME_FORM, THEME_FIELD, theme_submitted)
