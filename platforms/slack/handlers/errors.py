"""The one error path: whatever fails, the person gets a short, polite answer, and the log gets
the details — never the request body, which holds tokens and what people wrote.

Bolt hands failures of ack functions to `on_error`; failures of lazy functions (work done after
the answer) come through `platforms.slack.handlers.listeners.guarded`. Both end here.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.core.deps import Deps
from platforms.slack.handlers.actor import resolve_actor

log = logging.getLogger("netvaerk.errors")


def _user_id(body: Any) -> str | None:
    """Who to apologise to; the error path must not fail on a body of any shape."""
    if not isinstance(body, dict):
        return None
    user = body.get("user")
    event = body.get("event")
    found = (
        user.get("id")
        if isinstance(user, dict)
        else body.get("user_id") or (event.get("user") if isinstance(event, dict) else None)
    )
    return found if isinstance(found, str) and found else None


def log_failure(body: Any, error: Exception) -> None:
    kind = (body.get("type") or body.get("command")) if isinstance(body, dict) else None
    log.error(
        "a %s request failed: %s", str(kind or "unknown")[:40], type(error).__name__, exc_info=error
    )


def apology_for(deps: Deps, client: WebClient, body: dict[str, Any]) -> tuple[str, str] | None:
    """(user id, apology in their language), or None when there is nobody to tell."""
    user_id = _user_id(body)
    if not user_id:
        return None
    try:
        return user_id, resolve_actor(deps, client, user_id).t("error.generic")
    except Exception as second:
        log.error("could not resolve who to apologise to: %s", type(second).__name__)
        return None


def apologise_by_dm(deps: Deps, client: WebClient, body: dict[str, Any]) -> None:
    found = apology_for(deps, client, body)
    if found is None:
        return
    user_id, apology = found
    try:
        client.chat_postMessage(channel=user_id, text=apology)
    except Exception as second:
        log.error("could not tell the user about the error: %s", type(second).__name__)


def register(app: App, deps: Deps) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient, response: BoltResponse | None
    ) -> BoltResponse | None:
        log_failure(body, error)
        if body.get("command"):
            # A slash command still waits for its answer: the apology is the answer.
            found = apology_for(deps, client, body)
            if found is not None:
                reply = {"response_type": "ephemeral", "text": found[1]}
                return BoltResponse(
                    status=200,
                    body=json.dumps(reply, ensure_ascii=False),
                    headers={"content-type": "application/json;charset=utf-8"},
                )
        apologise_by_dm(deps, client, body)
        # Slack shows its own error for a 500; the person already has ours.
        return BoltResponse(status=200, body="") if response is not None else None
