"""`/netvaerk mine data` (and the "Mine data" button in App Home): everything stored about the
person, sent to them as a JSON file in a direct message."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.core import actions
from bot.core.actor import Actor
from bot.core.chat import DeliveryError
from bot.core.deps import Deps
from bot.core.refusal import Refusal
from bot.core.unit_of_work import UnitOfWork
from bot.privacy.commands import MY_DATA
from bot.privacy.flows import my_data
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import on_click

log = logging.getLogger(__name__)


def send_my_data(client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor) -> None:
    message, attachment = my_data(uow, deps.registry, actor)
    try:
        chat = SlackChat(client)
        chat.attach(chat.send(actor.user_id, message).channel, attachment)
    except DeliveryError as error:
        log.warning("sending a data export failed: %s", error.code)
        raise Refusal("privacy.export.failed") from error


def acknowledge(request: CommandRequest) -> None:
    request.ack()


def command_later(request: CommandRequest) -> None:
    send_my_data(request.client, request.deps, request.uow, request.actor)


ROUTES = (Route(MY_DATA, acknowledge, command_later),)


def register(app: App) -> None:
    on_click(app, actions.PRIVACY_EXPORT, send_my_data)
