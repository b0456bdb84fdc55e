"""The one error path: a refusal is told to the person as it is, any other failure as a short,
polite apology — in their language — and the log gets the details, never the request body,
which holds tokens and what people wrote.

Bolt hands failures of ack functions to `on_error`; failures of lazy functions (work done after
the answer) come through `platforms.slack.handlers.listeners.guarded`. Both end in `answer`.

Where the answer goes: a slash command's own response (before the ack) or its response_url
(after); a form's inline error next to its field (`form_field` in the context, set by
`listeners.form`); a click's response_url, as an ephemeral message under the message clicked;
and a direct message when there is no such place (App Home has no response_url).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.refusal import Refusal
from bot.operations.requests import mark_failed
from platforms.slack.blocks import mrkdwn

log = logging.getLogger("netvaerk.errors")

FAILED = "answer_failed"  # in the context of a request whose answer failed


def log_failure(body: Any, error: Exception) -> None:
    kind = (body.get("type") or body.get("command")) if isinstance(body, dict) else None
    mark_failed()  # the request's figures and log line count it as an error
    log.error(
        "a %s request failed: %s", str(kind or "unknown")[:40], type(error).__name__, exc_info=error
    )


def _text_for(deps: Deps, actor: Actor, error: Exception) -> str:
    if isinstance(error, Refusal):
        person = actor.person
        tz = deps.timezone_of(person) if person else deps.settings.netvaerk_timezone
        return error.text(actor.t, tz)
    return actor.t("error.generic")


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=200,
        body=json.dumps(payload, ensure_ascii=False),
        headers={"content-type": "application/json;charset=utf-8"},
    )


def tell(client: WebClient, body: dict[str, Any], actor: Actor, text: str) -> None:
    """An answer to a click: ephemeral under the message when there is one, else a DM (App
    Home has no place for an ephemeral answer)."""
    response_url = body.get("response_url")
    if response_url:
        WebhookClient(response_url).send(
            text=mrkdwn(text), response_type="ephemeral", replace_original=False
        )
        return
    client.chat_postMessage(channel=actor.user_id, text=mrkdwn(text))


def answer(
    error: Exception,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    lazy: bool = False,
) -> BoltResponse:
    """Answer a failed request. Before the ack, the response returned is Slack's answer; a
    listener that acknowledged already answers a refusal through the response_url, like the
    rest of its answers."""
    acked = lazy or context.ack.response is not None
    if not lazy:
        # The request's work after the answer (its lazy part) is not done: the answer failed.
        context[FAILED] = True
    if isinstance(error, Refusal):
        log.info("a %s request was refused: %s", body.get("type") or "command", error.key)
    else:
        log_failure(body, error)
    # What Slack was told already stands (e.g. "clear" closing a modal); else an empty 200:
    # Slack shows its own error for a 500.
    done = context.ack.response if acked and not lazy and context.ack.response else None
    done = done or BoltResponse(status=200, body="")
    actor, deps = context.get("actor"), context.get("deps")
    if not isinstance(actor, Actor) or not isinstance(deps, Deps):
        return done  # nobody to tell
    try:
        text = _text_for(deps, actor, error)
        refused = isinstance(error, Refusal)
        if body.get("command") and not (refused and acked) and not lazy:
            # A slash command still waits for its answer: this is the answer.
            return _json({"response_type": "ephemeral", "text": mrkdwn(text)})
        field = context.get("form_field")
        if not acked and field and refused:
            return _json({"response_action": "errors", "errors": {field: text}})
        if refused:
            tell(client, body, actor, text)
        else:
            client.chat_postMessage(channel=actor.user_id, text=mrkdwn(text))
    except Exception as second:
        log.error("could not tell the user about the error: %s", type(second).__name__)
    return done


def register(app: App) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> BoltResponse:
        return answer(error, body, client, context)
