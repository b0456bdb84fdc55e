"""The edge: only well-formed requests reach a listener, and every answer has a way back.

Slack never sends a command without `user_id` or an action value the bot did not render, but a
proxy, a replay or a curious person with the signing secret can. Rather than guard every
listener, three small layers here decide once:

- `guard_wsgi` (around Bolt's WSGI handler): a body Bolt could not parse into the shape Slack
  documents — bytes that are not UTF-8, `{` as JSON, `payload=1`, an event of `null`, a command
  without a user, `user` or state values that are not objects — gets 400 and reaches nothing.
- `check_values` (Bolt middleware): each action's value and each form's `private_metadata` must
  have the shape its id documents (bot/core/actions.py), with ids that fit a database integer.
  Anything else is a stale or tampered value: the person gets the polite "no longer current"
  answer, and no listener runs.
- `reply_without_response_url` (Bolt middleware): a click in App Home or inside a modal carries
  no `response_url`, so Bolt's `respond()` would raise; there it answers by DM instead, so a
  refusal after a Home click is the refusal, not an apology.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookResponse

from bot.core import actions
from bot.core.deps import Deps

log = logging.getLogger("netvaerk.edge")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
BODY_MAX = 1_000_000  # Slack's payloads are far smaller; more is not from Slack


# --- well-formed bodies (WSGI) ----------------------------------------------------------------


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _state_problem(state: Any) -> str | None:
    if state is None:
        return None
    if not _is_object(state):
        return "state is not an object"
    values = state.get("values", {})
    if not _is_object(values):
        return "state values are not an object"
    for block in values.values():
        if not _is_object(block) or not all(_is_object(v) for v in block.values()):
            return "a state value is not an object"
    return None


def _user_problem(payload: Mapping[str, Any]) -> str | None:
    user = payload.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str) or not user["id"]:
        return "user is not an object with an id"
    return None


def payload_problem(payload: Any) -> str | None:
    """Why an interaction payload is not what Slack sends, or None."""
    if not _is_object(payload):
        return "payload is not an object"
    kind = payload.get("type")
    if not isinstance(kind, str):
        return "payload has no type"
    acted = ("block_actions", "view_submission", "view_closed", "shortcut", "message_action")
    if kind in acted and (problem := _user_problem(payload)):
        return problem
    if kind == "block_actions":
        found = payload.get("actions")
        if not isinstance(found, list) or not found or not all(_is_object(a) for a in found):
            return "actions are not a list of objects"
        for action in found:
            if not isinstance(action.get("action_id"), str):
                return "an action has no action_id"
            if "value" in action and not isinstance(action["value"], str):
                return "an action value is not a string"
    view = payload.get("view")
    if view is not None:
        if not _is_object(view):
            return "view is not an object"
        if not isinstance(view.get("private_metadata", ""), str):
            return "private_metadata is not a string"
        if problem := _state_problem(view.get("state")):
            return problem
    return _state_problem(payload.get("state"))


def _command_problem(form: Mapping[str, list[str]]) -> str | None:
    for name in ("command", "user_id"):
        values = form.get(name)
        if not values or not values[0].strip():
            return f"a command without {name}"
    return None


def _event_problem(body: Any) -> str | None:
    if not _is_object(body) or not isinstance(body.get("type"), str):
        return "the body is not an object with a type"
    if body["type"] == "event_callback":
        event = body.get("event")
        if not _is_object(event) or not isinstance(event.get("type"), str):
            return "event is not an object with a type"
        if "user" in event and not isinstance(event["user"], (str, dict)):
            return "event user is neither an id nor an object"
    return None


def body_problem(raw: bytes, content_type: str) -> str | None:
    """Why a request body is not one Slack sends, or None. Never raises."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    try:
        if content_type.startswith("application/json"):
            return _event_problem(json.loads(text))
        form = parse_qs(text, keep_blank_values=True, strict_parsing=False)
        if "payload" in form:
            return payload_problem(json.loads(form["payload"][0]))
        if "ssl_check" in form:
            return None
        if "command" in form or "user_id" in form:
            return _command_problem(form)
    except (ValueError, RecursionError):
        return "the body does not parse"
    return "the body is neither a command, an interaction nor an event"


def guard_wsgi(inner: WSGIApp) -> WSGIApp:
    """Answers 400 to a malformed body on `POST /slack/events`; the rest goes to `inner`."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/slack/events" or environ.get("REQUEST_METHOD") != "POST":
            return inner(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        raw = environ["wsgi.input"].read(length) if 0 <= length <= BODY_MAX else None
        problem = "no readable body" if raw is None else None
        if raw is not None:
            problem = body_problem(raw, str(environ.get("CONTENT_TYPE") or ""))
        if problem is not None:
            log.warning("refused a malformed request: %s", problem)  # never the body itself
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"bad request"]
        environ["wsgi.input"] = io.BytesIO(raw or b"")
        return inner(environ, start_response)

    return wsgi


# --- values in the shape their ids document (Bolt middleware) -------------------------------

_ID = r"\d{1,18}"  # a database integer: 10**20 would overflow SQLite's 64 bits
_DATE = r"\d{4}-\d{2}-\d{2}"
_WORD = r"[a-z_]{1,40}"


def _shape(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{pattern})$")


# What each action's value may be (bot/core/actions.py says what it means).
VALUE_SHAPES: dict[str, re.Pattern[str]] = {
    actions.BOOKING_OPEN: _shape(rf"|{_ID}"),
    actions.BOOKING_ACCEPT: _shape(rf"{_ID}:{_ID}:{_ID}"),
    actions.BOOKING_COUNTER: _shape(rf"{_ID}:{_ID}"),
    actions.BOOKING_DECLINE: _shape(rf"{_ID}:{_ID}"),
    actions.BOOKING_RESCHEDULE: _shape(_ID),
    actions.BOOKING_CANCEL: _shape(_ID),
    actions.AGREEMENT_OPEN: _shape(_ID),
    actions.NUDGE_HELD: _shape(rf"|{_ID}"),
    actions.AGREEMENT_KEEP: _shape(_ID),
    actions.HOME_PAGE: _shape(r"\d{1,4}"),
    actions.NETWORK_EDIT: _shape(_ID),
    actions.NETWORK_CLOSE: _shape(_ID),
    actions.DELIVERY_RETRY: _shape(rf"all|{_ID}|"),
    actions.RESULT_RECOGNISE: _shape(rf"{_ID}(?::d{_ID})?"),
    actions.RESULT_FOLLOW_UP: _shape(_ID),
    actions.RESULT_RETRY: _shape(rf"{_WORD}:{_ID}"),
    actions.MEETING_INVITE: _shape(rf"{_ID}:{_DATE}:{_ID}"),
    actions.MEETING_INVITE_ANSWER: _shape(rf"{_ID}:(?:yes|no)"),
    actions.MEETING_PRESENTED: _shape(rf"{_ID}:{_DATE}:(?:yes|no)"),
    actions.DEPARTMENT_OPEN: _shape(rf"|{_ID}"),
    actions.OPEN_CALL_JOIN: _shape(_ID),
    actions.JOIN_DECIDE: _shape(rf"{_ID}:(?:yes|no)"),
    actions.CHECKLIST_RESUME: _shape(_ID),
    actions.CHECKLIST_ANSWER: _shape(rf"{_ID}:\d{{1,2}}:{_WORD}"),
    actions.CHECKLIST_GOTO: _shape(rf"{_ID}:\d{{1,2}}"),
    actions.CHECKLIST_NOTE: _shape(rf"{_ID}:\d{{1,2}}"),
    actions.CHECKLIST_PAUSE: _shape(rf"{_ID}:\d{{1,2}}"),
    actions.CHECKLIST_PULS: _shape(rf"{_ID}:\d{{1,2}}|\d{{1,2}}|"),
    actions.RECOMMEND_YES: _shape(_ID),
    actions.RECOMMEND_NO: _shape(_ID),
    actions.RECOMMEND_ADD: _shape(_ID),
    actions.PRESENT_YES: _shape(_ID),
    actions.PRESENT_NO: _shape(_ID),
}
# Forms whose private_metadata is an id the bot wrote; other forms' metadata is read by their
# flows, which treat what they cannot read as a stale form.
METADATA_SHAPES: dict[str, re.Pattern[str]] = {
    actions.RESULT_PREVIEW: _shape(_ID),
    actions.FOLLOW_UP_FORM: _shape(_ID),
    actions.NETWORK_FORM: _shape(rf"|{_ID}"),
    actions.PULS_NOTE_FORM: _shape(r"|\d{1,2}"),
}
_NUMBER_TOO_BIG = re.compile(r"\d{19,}")


def _action_name(action_id: str) -> str:
    return re.sub(r"#\d+$", "", action_id)


def stale_value(body: Mapping[str, Any]) -> str | None:
    """Which value of a well-formed interaction is not one the bot could have rendered."""
    if body.get("type") == "block_actions":
        for action in body.get("actions", []):
            name = _action_name(action.get("action_id", ""))
            value = action.get("value", "")
            shape = VALUE_SHAPES.get(name)
            if (shape is not None and not shape.match(value)) or _NUMBER_TOO_BIG.search(value):
                return f"the value of {name}"
    view = body.get("view")
    if body.get("type") == "view_submission" and isinstance(view, dict):
        metadata = view.get("private_metadata", "")
        shape = METADATA_SHAPES.get(str(view.get("callback_id")))
        if (shape is not None and not shape.match(metadata)) or _NUMBER_TOO_BIG.search(metadata):
            return f"the metadata of {view.get('callback_id')}"
        if metadata.startswith("{"):
            try:
                json.loads(metadata)
            except ValueError:
                return f"the metadata of {view.get('callback_id')}"
    return None


def check_values(deps: Deps) -> Callable[..., BoltResponse | None]:
    def middleware(
        body: dict[str, Any], client: WebClient, context: BoltContext, next: Callable[[], None]
    ) -> BoltResponse | None:
        stale = stale_value(body)
        if stale is None:
            next()
            return None
        log.warning("refused a stale or tampered value: %s", stale)
        actor = context.get("actor")  # set by the context middleware (handlers/context.py)
        respond = context.respond
        try:
            if actor is not None and respond is not None:
                text = actor.t("error.stale")
                respond(text=text, response_type="ephemeral", replace_original=False)
        except Exception as error:  # the answer is a courtesy; the request is done either way
            log.warning("could not tell about a stale value: %s", type(error).__name__)
        return BoltResponse(status=200, body="")

    return middleware


# --- an answer without a response_url (Bolt middleware) ------------------------------------


class DirectReply(Respond):
    """`respond()` where Slack gave no response_url (App Home, modals): the answer goes to the
    person's DM. Replacing or deleting "the original" means nothing there and is skipped."""

    def __init__(self, client: WebClient, user_id: str) -> None:
        super().__init__(response_url=None)
        self.client, self.user_id = client, user_id

    def __call__(  # type: ignore[override]
        self,
        text: str | dict[str, Any] = "",
        blocks: Any = None,
        attachments: Any = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        **_ignored: Any,
    ) -> WebhookResponse:
        if delete_original:
            return WebhookResponse(url="", status_code=200, body="ok", headers={})
        message = dict(text) if isinstance(text, dict) else {"text": text, "blocks": blocks}
        kwargs = {k: v for k, v in message.items() if k in ("text", "blocks") and v}
        self.client.chat_postMessage(channel=self.user_id, **kwargs)
        return WebhookResponse(url="", status_code=200, body="ok", headers={})


def reply_without_response_url(
    body: dict[str, Any], client: WebClient, context: BoltContext, next: Callable[[], None]
) -> None:
    user = body.get("user")
    if not context.response_url and isinstance(user, dict) and isinstance(user.get("id"), str):
        context["respond"] = DirectReply(client, user["id"])
    next()
