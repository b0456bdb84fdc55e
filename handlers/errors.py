"""The one error path: whatever fails, the person gets a short, polite answer, and the log gets
the details — never the request body, which holds tokens and what people wrote."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.deps import Deps
from handlers.actor import resolve_actor

log = logging.getLogger("netvaerk.errors")


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    return body.get("user_id") or body.get("event", {}).get("user")


def register(app: App, deps: Deps) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], client: WebClient) -> None:
        kind = body.get("type") or body.get("command") or "unknown"
        log.error("a %s request failed: %s", kind, type(error).__name__, exc_info=error)
        user_id = _user_id(body)
        if not user_id:
            return
        try:
            actor = resolve_actor(deps, client, user_id)
            client.chat_postMessage(channel=user_id, text=actor.t("error.generic"))
        except Exception as second:
            log.error("could not tell the user about the error: %s", type(second).__name__)
