"""`/netvaerk tema [proposal]` and the theme invitation's button: a personnel leader proposes a
potential network theme; the planner forwards it to the secretariat."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core import actions
from bot.core.clock import now
from bot.core.deps import Deps
from bot.reminders.policy import reminder_policy
from bot.reminders.themes import THEME_FIELD, next_deadline, proposal_form, propose
from platforms.slack.blocks import action_pattern, read_form, render_form
from platforms.slack.handlers.actor import Actor, resolve_actor
from platforms.slack.handlers.command import CommandRequest, router


def register(app: App, deps: Deps) -> None:
    def _form(actor: Actor) -> dict[str, Any]:
        tz = (actor.person.timezone if actor.person else None) or deps.settings.netvaerk_timezone
        today = now().astimezone(ZoneInfo(tz)).date()
        deadline = next_deadline(reminder_policy(deps.calendar.policy).theme_deadlines, today)
        return render_form(proposal_form(actor.t, deadline))

    def tema(request: CommandRequest) -> None:
        request.ack()
        actor = request.actor
        if actor.person is None:
            request.respond(text=actor.t("error.not_in_data"), response_type="ephemeral")
            return
        if request.args:
            with deps.db.session() as session:
                propose(session, actor.person, request.args)
            request.respond(text=actor.t("scheduler.theme.thanks"), response_type="ephemeral")
            return
        request.client.views_open(trigger_id=request.trigger_id, view=_form(actor))

    router.add(("tema", "theme"), "scheduler.help.tema", tema)

    @app.action(action_pattern(actions.THEME_OPEN))
    def open_form(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor = resolve_actor(deps, client, body["user"]["id"])
        if actor.person is None:
            respond(text=actor.t("error.not_in_data"), response_type="ephemeral")
            return
        client.views_open(trigger_id=body["trigger_id"], view=_form(actor))

    @app.view(actions.THEME_FORM)
    def submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        user_id = body["user"]["id"]
        actor = resolve_actor(deps, client, user_id)
        text = read_form(body["view"]).get(THEME_FIELD)
        if actor.person is None or not text:
            ack(
                response_action="errors",
                errors={THEME_FIELD: actor.t("scheduler.theme.open_failed")},
            )
            return
        ack()
        with deps.db.session() as session:
            propose(session, actor.person, text)
        client.chat_postMessage(channel=user_id, text=actor.t("scheduler.theme.thanks"))
