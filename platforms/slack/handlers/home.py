"""App Home listeners: the tab opened, and its pages."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.core import actions
from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.unit_of_work import UnitOfWork
from platforms.slack.handlers.listeners import guarded, just_ack, on_click, value_of
from platforms.slack.home import publish_home


def opened(
    event: dict[str, Any], client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    if event.get("tab", "home") == "home":
        publish_home(deps, uow, client, actor)


def page(
    client: WebClient, body: dict[str, Any], deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    value = value_of(body)
    publish_home(deps, uow, client, actor, int(value) if value.isdigit() else 0)


ROUTES = ()


def register(app: App) -> None:
    app.event("app_home_opened")(ack=just_ack, lazy=[guarded(opened)])
    on_click(app, actions.HOME_PAGE, page)
