"""The composition root: wires settings, storage, every feature (netvaerk/features.py), the
Slack handlers and the organisation directory. Every entry point builds its `Deps` here."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.core.chat import ChatPort
from bot.core.deps import Deps
from bot.core.routing import RoutedChat
from bot.core.settings import Settings
from bot.core.working_calendar import WorkingCalendar
from bot.operations.requests import CarryingExecutor
from bot.organisation.directory import Directory, NullDirectory
from netvaerk import features
from platforms.slack.client import make_client
from storage.db import Database

log = logging.getLogger(__name__)


def build_deps(settings: Settings, db: Database) -> Deps:
    """What every entry point runs on, with the registry of every feature installed, and the
    Outlook calendar when GRAPH_* is configured (else None: the `.ics` path)."""
    from platforms.microsoft.graph_calendar import make_graph_calendar

    return Deps(
        settings=settings,
        db=db,
        calendar=WorkingCalendar(),
        registry=features.registry(),
        outlook=make_graph_calendar(settings),
    )


def build_transport(deps: Deps) -> ChatPort | None:
    """The chat port delivery sends through: Slack when it has a token, Teams when it is
    configured, both behind one router when both are (bot/core/routing.py); None when neither
    is (the planner still runs)."""
    settings = deps.settings
    ports: list[ChatPort] = []
    if settings.slack_bot_token:
        from platforms.slack.chat import SlackChat, make_delivery_client

        ports.append(SlackChat(make_delivery_client(settings)))
    if settings.teams_configured:
        from platforms.teams.chat import TeamsChat
        from platforms.teams.downloads import make_downloads
        from platforms.teams.sdk import bot_credentials

        downloads = make_downloads(settings, deps.db)
        ports.append(TeamsChat(settings, deps.db, bot_credentials(settings), attachments=downloads))
    if len(ports) > 1:
        return RoutedChat(ports)
    return ports[0] if ports else None


def build_directory(settings: Settings) -> Directory:
    """Slack when there is a token; without one the import still runs, just without Slack IDs."""
    if not settings.slack_bot_token:
        return NullDirectory()
    from platforms.slack.directory import SlackDirectory

    return SlackDirectory(make_client(settings))


def build_app(deps: Deps) -> App:
    from platforms.slack import handlers
    from platforms.slack.actor import person_locale
    from platforms.slack.handlers.observe import ObservedApp  # request ids, timings, /metrics

    settings = deps.settings
    client = make_client(settings)
    deps.platform_language = lambda person: person_locale(deps, client, person)
    app = ObservedApp(
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        # Answer in the request thread; slow work goes to lazy listeners
        # (platforms/slack/handlers/listeners.py).
        process_before_response=True,
        # Listeners run after the ack; enough threads that a burst of clicks never queues long.
        # The lazy work keeps the request id of the request that started it.
        listener_executor=CarryingExecutor(max_workers=settings.http_threads),
        logger=logging.getLogger("slack_bolt"),
    )
    handlers.register(app, deps)
    return app
