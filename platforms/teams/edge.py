"""The Teams edge: only a body that is a JSON object reaches the SDK's `/api/messages` route.

The SDK's route parses the body before it checks the token, so bytes that are not UTF-8, `{`,
`[]` or `null` made it raise — a 500 and a stack trace in the log for anyone who can reach the
port, token or not. This ASGI middleware reads the body first (at most `BODY_MAX` bytes; Teams'
activities are far smaller) and answers 400 (413 when too large) without the SDK seeing it, as
`guard_wsgi` does for Slack (platforms/slack/handlers/edge.py). A good body is handed on as it
came; the token is still checked by the SDK, always.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("netvaerk.edge")

BODY_MAX = 1_000_000
MESSAGES_PATH = "/api/messages"


def body_problem(body: bytes) -> str | None:
    """Why a body is not an activity Teams would send, or None."""
    try:
        activity: Any = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return "body is not UTF-8"
    except ValueError:
        return "body is not JSON"
    if not isinstance(activity, dict):
        return "body is not a JSON object"
    if not isinstance(activity.get("type"), str):
        return "activity has no type"
    return None


class ActivityGuard:
    """ASGI middleware around the app that serves `MESSAGES_PATH`."""

    def __init__(self, app: ASGIApp, path: str = MESSAGES_PATH, limit: int = BODY_MAX) -> None:
        self.app, self.path, self.limit = app, path, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await _refuse(send, 413, "body too large")
                return
            if not message.get("more_body", False):
                break
        problem = body_problem(body)
        if problem is not None:
            await _refuse(send, 400, problem)
            return
        handed = False

        async def replay() -> Message:
            nonlocal handed
            if handed:
                return await receive()
            handed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(send: Send, status: int, problem: str) -> None:
    log.info("teams edge: refused (%s): %s", status, problem)
    body = json.dumps({"error": problem}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
