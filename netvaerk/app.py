"""The composition root: wires settings, storage, handlers and (in `run`) the scheduler."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

from bot.core.deps import Deps
from bot.core.settings import Settings
from bot.core.working_calendar import WorkingCalendar
from platforms.slack.client import make_client
from storage.db import Database

log = logging.getLogger(__name__)


def build_deps(settings: Settings, db: Database) -> Deps:
    return Deps(settings=settings, db=db, calendar=WorkingCalendar())


def build_app(deps: Deps) -> App:
    from platforms.slack import handlers
    from platforms.slack.actor import person_locale

    settings = deps.settings
    client = make_client(settings)
    deps.platform_language = lambda person: person_locale(deps, client, person)
    app = App(
        signing_secret=settings.slack_signing_secret or "",
        client=client,
        # Answer in the request thread; slow work goes to lazy listeners
        # (platforms/slack/handlers/listeners.py).
        process_before_response=True,
        # Listeners run after the ack; enough threads that a burst of clicks never queues long.
        listener_executor=ThreadPoolExecutor(max_workers=settings.http_threads),
        logger=logging.getLogger("slack_bolt"),
    )
    handlers.register(app, deps)
    return app
