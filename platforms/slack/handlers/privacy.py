"""`/netvaerk mine data` (and the "Mine data" button in App Home): everything stored about the
person, sent to them as a JSON file in a direct message."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import actions, audit, ui
from bot.core.deps import Deps
from bot.core.permissions import Action, PermissionDenied, require
from bot.privacy import domain as privacy
from platforms.slack.blocks import action_pattern
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.actor import Actor, resolve_actor
from platforms.slack.handlers.command import CommandRequest, router
from platforms.slack.handlers.listeners import guarded, just_ack
from storage.models import Person

log = logging.getLogger(__name__)


def send_export(deps: Deps, client: WebClient, actor: Actor) -> str | None:
    """DM the person their data; None when sent, else the text to answer with."""
    t = actor.t
    with deps.db.session() as session:
        person = session.get(Person, actor.person.id) if actor.person else None
        try:
            me = require(session, person, Action.DATA_EXPORT)
        except PermissionDenied:
            return t("error.not_in_data") if person is None else t("permission.refusal.data_export")
        data = privacy.export_person(session, me, actor.language)
        audit.record(session, audit.person_actor(me.id), "privacy.exported", "person", me.id)
        session.commit()
    try:
        SlackChat(client).send_dm(
            actor.slack_id,
            ui.Message(text=t("privacy.export.text")),
            privacy.export_attachment(t, data),
        )
    except SlackApiError as error:
        log.warning("sending a data export failed: %s", error.response.get("error"))
        return t("privacy.export.failed")
    return None


def register(app: App, deps: Deps) -> None:
    def mine_data(request: CommandRequest) -> None:
        problem = send_export(deps, request.client, request.actor)
        if problem:
            request.respond(text=problem, response_type="ephemeral")

    router.add(("mine", "my", "minedata", "mydata"), "privacy.export.help", _ack, mine_data)

    def export(body: dict[str, Any], client: WebClient) -> None:
        actor = resolve_actor(deps, client, body["user"]["id"])
        problem = send_export(deps, client, actor)
        if problem:
            client.chat_postMessage(channel=actor.slack_id, text=problem)

    app.action(action_pattern(actions.PRIVACY_EXPORT))(ack=just_ack, lazy=[guarded(deps, export)])


def _ack(request: CommandRequest) -> None:
    request.ack()
