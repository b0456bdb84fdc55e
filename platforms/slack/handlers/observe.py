"""Every Slack request gets an id, a kind, a timed log line and its figures.

Bolt's global middleware cannot wrap the listeners (its `next` only sets a flag), so the app
itself is wrapped: `ObservedApp.dispatch` runs around signature checking, the ack and the
hand-off of lazy work, in HTTP and in Socket Mode alike. The lazy work keeps the id through
the app's `CarryingExecutor` (bot/operations/requests.py) and through `context["request_id"]`,
which Bolt copies into the lazy listeners' request.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.operations import metrics
from bot.operations.requests import request_scope

log = logging.getLogger("netvaerk.requests")

_KINDS = {
    "block_actions": "action",
    "interactive_message": "action",
    "view_submission": "view",
    "view_closed": "view",
    "event_callback": "event",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "block_suggestion": "options",
    "url_verification": "event",
}


def request_kind(body: dict[str, Any]) -> str:
    """command, action, view, event, shortcut, options or other — never anything it says."""
    if body.get("command"):
        return "command"
    return _KINDS.get(str(body.get("type") or ""), "other")


def result_of(status: int, failed: bool) -> str:
    if status == 401:
        return "rejected"  # a bad signature or an old timestamp
    if status == 404:
        return "unhandled"
    if failed or status >= 500:
        return "error"
    return "ok"


class ObservedApp(App):
    def dispatch(self, req: BoltRequest) -> BoltResponse:
        kind = request_kind(req.body if isinstance(req.body, dict) else {})
        with request_scope(kind) as info:
            req.context["request_id"] = info.id
            started = time.perf_counter()
            response = super().dispatch(req)
            seconds = time.perf_counter() - started
            result = result_of(response.status, info.failed)
            metrics.request(kind, result, seconds)
            log.info(
                "slack request answered",
                extra={"duration_ms": round(seconds * 1000, 1), "result": result},
            )
        return response
