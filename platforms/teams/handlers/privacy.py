"""`mine data` (and the "Mine data" button in the `hjem` card) in Teams: everything stored about
the person, sent to them in the 1:1 chat. A bot cannot put a file in a Teams 1:1 chat without the
file-consent flow, so the chat port sends it as a signed, expiring download link
(platforms/teams/chat.py `attach`); the flow is the same as on Slack."""

from __future__ import annotations

import logging

from bot.core import actions
from bot.core.chat import DeliveryError
from bot.core.refusal import Refusal
from bot.privacy.commands import MY_DATA
from bot.privacy.flows import my_data
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command
from platforms.teams.handlers.support import send_file

log = logging.getLogger(__name__)


def send_my_data(request: TeamsRequest) -> None:
    message, attachment = my_data(request.uow, request.deps.registry, request.actor)
    try:
        send_file(request, message, attachment)
    except DeliveryError as error:
        log.warning("sending a data export failed: %s", error.code)
        raise Refusal("privacy.export.failed") from error


def register(router: Router) -> None:
    on_command(router, MY_DATA.slug, send_my_data)
    on_click(router, actions.PRIVACY_EXPORT, send_my_data)
