"""`GET /readyz`: may this process be sent traffic? `/healthz` only says it is alive.

Ready means the database answers, its schema is the code's newest revision, and the chat
platform is configured (a token, and a signing secret or an app token). The answer names
what is missing by code, never by value.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.core.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)


def slack_configured(settings: Settings) -> bool:
    return bool(settings.slack_bot_token) and bool(
        settings.slack_signing_secret or settings.slack_app_token
    )


def readiness_check(
    db: Database, platform_configured: Callable[[], bool]
) -> Callable[[], list[str]]:
    """A function returning what keeps the process from being ready (empty: ready)."""
    head = db.head_revision()  # the code's newest revision does not change while running

    def problems() -> list[str]:
        found: list[str] = []
        try:
            current = db.current_revision()
        except Exception as error:
            log.warning("readiness: database unreachable: %s", type(error).__name__)
            found.append("database_unreachable")
        else:
            if current != head:
                found.append("database_not_migrated")
        if not platform_configured():
            found.append("platform_not_configured")
        return found

    return problems
