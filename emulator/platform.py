"""Slack's side of the conversation with the app: signed HTTP requests to its endpoint.

`SlackPlatform` sends what Slack's servers send when a person uses the bot: slash commands,
button clicks and menu picks, modal submissions, events and shortcuts. Requests are real
HTTP, form-encoded or JSON exactly like Slack's, and signed with the app's signing secret,
so the app's own request verification runs. Interactive payloads are built from what the
app actually posted or opened (recorded by `SlackWebAPI`), so a test clicks the button the
bot really rendered, with the block_id and value it really used.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlencode

from emulator.blockkit import validate_message
from emulator.clock import app_time, real_monotonic, real_time
from emulator.interaction import (
    Draft,
    InputRejected,
    action_for,
    client_check,
    elements,
    entry_for,
    fill,
    pick_option,
    state_values,
)
from emulator.signing import signed_headers
from emulator.web_api import SlackWebAPI

ACK_TIMEOUT = 3.0  # Slack gives up on an app that has not answered within 3 seconds
FORM = "application/x-www-form-urlencoded"

__all__ = ["ACK_TIMEOUT", "InputRejected", "Response", "SlackPlatform"]


@dataclass(frozen=True)
class Response:
    """The app's HTTP answer to one request from "Slack"."""

    status: int
    body: str
    headers: dict[str, str]
    elapsed: float
    problems: tuple[str, ...] = ()  # what Slack would have complained about (also in warnings)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def json(self) -> Any:
        """The body parsed as JSON, or None when empty or not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    @property
    def acked_in_time(self) -> bool:
        return self.elapsed <= ACK_TIMEOUT


@dataclass
class _Signing:
    timestamp: int | str | None = None
    secret: str | None = None
    signature: str | None = None


@dataclass
class _Surface:
    """Where an element lives: a message, an ephemeral message or a view."""

    kind: Literal["message", "ephemeral", "view"]
    blocks: list[Any]
    channel_id: str | None = None
    message: dict[str, Any] | None = None
    view: dict[str, Any] | None = None
    draft_key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class SlackPlatform:
    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        api: SlackWebAPI,
        *,
        clock: Callable[[], float] = app_time,
        timeout: float = 10.0,
    ) -> None:
        """`clock` makes X-Slack-Request-Timestamp.

        It defaults to `time.time` as it is *now*, frozen or not, because the app under test
        runs in this process and verifies timestamps against that same clock (five minutes
        of leeway). Pass `emulator.clock.real_time` when the app runs in another process.
        """
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.api = api
        self.clock = clock
        self.timeout = timeout
        self._signing = _Signing()
        self._drafts: dict[str, Draft] = {}

    # -- transport ----------------------------------------------------------------------

    @contextmanager
    def signing(
        self,
        *,
        timestamp: int | str | None = None,
        secret: str | None = None,
        signature: str | None = None,
    ) -> Iterator[None]:
        """Sign requests inside the block differently (stale timestamp, wrong secret, ...)."""
        previous = self._signing
        self._signing = _Signing(timestamp, secret, signature)
        try:
            yield
        finally:
            self._signing = previous

    def send(
        self, body: str, content_type: str, *, headers: Mapping[str, str] | None = None
    ) -> Response:
        """POST `body` to the app, signed; return whatever it answered."""
        signing = self._signing
        timestamp = str(signing.timestamp if signing.timestamp is not None else int(self.clock()))
        all_headers = signed_headers(
            signing.secret or self.signing_secret, timestamp, body, content_type
        )
        if signing.signature is not None:
            all_headers["X-Slack-Signature"] = signing.signature
        all_headers.update(headers or {})
        request = urllib.request.Request(
            self.app_url, data=body.encode("utf-8"), headers=all_headers, method="POST"
        )
        started = real_monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                status, raw, reply_headers = reply.status, reply.read(), dict(reply.headers)
        except urllib.error.HTTPError as error:
            status, raw, reply_headers = error.code, error.read(), dict(error.headers)
        elapsed = real_monotonic() - started
        return Response(status, raw.decode("utf-8", "replace"), reply_headers, elapsed)

    def send_payload(self, payload: Mapping[str, Any]) -> Response:
        """An interactive payload, form-encoded as `payload=<json>` like Slack sends it."""
        return self._timed(self.send(urlencode({"payload": json.dumps(payload)}), FORM), payload)

    def _timed(self, response: Response, payload: Mapping[str, Any]) -> Response:
        if not response.acked_in_time:
            self.api.warn(f"slow_ack:{payload.get('type')}:{response.elapsed:.2f}s")
        return response

    # -- who is who ---------------------------------------------------------------------

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.api.user(user_id)
        name = user.name if user else user_id
        return {"id": user_id, "username": name, "name": name, "team_id": self.api.team_id}

    def _team(self) -> dict[str, Any]:
        return {"id": self.api.team_id, "domain": self.api.identity.team_domain}

    def _base(self, kind: str, user_id: str) -> dict[str, Any]:
        return {
            "type": kind,
            "token": self.api.identity.verification_token,
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api.identity.app_id,
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _channel(self, channel_id: str) -> dict[str, Any]:
        channel = self.api.channel(channel_id)
        if channel is None or channel.is_im:
            name = "directmessage"
        else:
            name = channel.name if not channel.is_private else "privategroup"
        return {"id": channel_id, "name": name}

    # -- slash commands -----------------------------------------------------------------

    def command(
        self,
        user_id: str,
        text: str = "",
        command: str = "/netvaerk",
        channel_id: str | None = None,
    ) -> Response:
        """The user runs `/command text` (by default in their IM with the bot).

        A message in the ack body is shown to the user like Slack does (ephemeral unless
        `response_type` is "in_channel"); if it breaks Block Kit rules that is a problem.
        """
        channel_id = channel_id or self.api.open_dm(user_id)
        fields = {
            "token": self.api.identity.verification_token,
            "team_id": self.api.team_id,
            "team_domain": self.api.identity.team_domain,
            "channel_id": channel_id,
            "channel_name": self._channel(channel_id)["name"],
            "user_id": user_id,
            "user_name": self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.api.identity.app_id,
            "is_enterprise_install": "false",
            "response_url": self.api.new_response_url(channel_id=channel_id, user_id=user_id),
            "trigger_id": self.api.new_trigger_id(user_id),
        }
        response = self._timed(self.send(urlencode(fields), FORM), {"type": "slash_command"})
        return self._show_ack_message(response, channel_id, user_id)

    def _show_ack_message(self, response: Response, channel_id: str, user_id: str) -> Response:
        if response.status != 200 or not response.body.strip():
            return response
        message = response.json
        if not isinstance(message, dict):
            message = {"text": response.body}
        problems = validate_message(message)
        if not problems and not message.get("text") and not message.get("blocks"):
            problems = ["no_text"]
        if problems:
            for problem in problems:
                self.api.warn(f"command_ack: {problem}")
            return replace(response, problems=tuple(problems))
        shown = {k: v for k, v in message.items() if k in ("text", "blocks", "attachments")}
        if message.get("response_type") == "in_channel":
            self.api.post_in_channel(channel_id, shown)
        else:
            self.api.add_ephemeral(channel_id, user_id, shown)
        return response

    # -- modals -------------------------------------------------------------------------

    def open_view(self, user_id: str) -> dict[str, Any] | None:
        """The modal the user is looking at (top of the stack the app opened/pushed)."""
        return self.api.current_view(user_id)

    def _resolve_view(self, user_id: str, view: Mapping[str, Any] | str | None) -> dict[str, Any]:
        if view is None:
            current = self.api.current_view(user_id)
            if current is None:
                raise LookupError(f"{user_id} has no open modal")
            return current
        view_id = view if isinstance(view, str) else view.get("id")
        stored = self.api.view(view_id) if view_id else None
        if stored is None:
            raise LookupError(f"unknown view {view_id!r}")
        return stored

    def submit_view(
        self,
        user_id: str,
        values: Mapping[str, Any] | None = None,
        view: Mapping[str, Any] | str | None = None,
    ) -> Response:
        """The user fills in `values` ({block_id or action_id: value}) and presses submit.

        Untouched inputs carry their initial value or null, as on Slack. Raises
        `InputRejected` when the Slack client itself would refuse (required field empty,
        text too short, number out of range), since then nothing reaches the app. The app's
        answer is applied like Slack would (close / errors / update / push / clear).
        """
        target = self._resolve_view(user_id, view)
        key = f"view:{target['id']}"
        draft = fill(target["blocks"], self._drafts.get(key, {}), values or {})
        state = state_values(target["blocks"], draft)
        client_check(target["blocks"], state)
        self._drafts[key] = draft
        payload = self._base("view_submission", user_id)
        payload.update(
            trigger_id=self.api.new_trigger_id(user_id),
            view={**target, "state": {"values": state}},
            response_urls=[],
        )
        response = self.send_payload(payload)
        if response.status != 200 or not response.acked_in_time:
            problem = f"view_submission not acknowledged (HTTP {response.status})"
            self.api.warn(problem)
            return replace(response, problems=(problem,))
        problems = self.api.apply_response_action(user_id, target["id"], response.json)
        return replace(response, problems=tuple(problems))

    def close_view(
        self, user_id: str, view: Mapping[str, Any] | str | None = None
    ) -> Response | None:
        """The user closes the modal; the app hears of it only if `notify_on_close`."""
        target = self._resolve_view(user_id, view)
        self.api.close_view(user_id, target["id"])
        if not target.get("notify_on_close"):
            return None
        payload = self._base("view_closed", user_id)
        draft = self._drafts.get(f"view:{target['id']}", {})
        payload.update(
            view={**target, "state": {"values": state_values(target["blocks"], draft)}},
            is_cleared=view is None,
        )
        return self.send_payload(payload)

    # -- block actions ------------------------------------------------------------------

    def click(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        message: Mapping[str, Any] | str | None = None,
        view: Mapping[str, Any] | str | None = None,
    ) -> Response:
        """The user presses the button `action_id` (with `value`, if several share the id).

        Without `message`/`view` the button is searched in the user's open modal, Home
        tab, their IM (newest message first), other conversations, then their ephemeral
        messages. `message` may be a message dict or its ts; `view` a view dict or id.
        """
        surface, block, element = self._locate(
            user_id, action_id, value, message, view, lambda e: e["type"] == "button"
        )
        return self._block_action(user_id, surface, block, element, None)

    def select(
        self,
        user_id: str,
        action_id: str,
        option_value: Any,
        message: Mapping[str, Any] | str | None = None,
        view: Mapping[str, Any] | str | None = None,
    ) -> Response:
        """The user picks something in a select, overflow, radio, checkboxes or picker.

        `option_value` is an option value (a list for checkboxes/multi-selects), a user or
        channel id, or a date/time, depending on the element.
        """
        surface, block, element = self._locate(
            user_id, action_id, None, message, view, lambda e: e["type"] != "button"
        )
        if element["type"] == "overflow":
            entry: dict[str, Any] = {
                "type": "overflow",
                "selected_option": pick_option(element, str(option_value)),
            }
        else:
            entry = entry_for(element, option_value)
            draft = self._drafts.setdefault(surface.draft_key, {})
            draft.setdefault(block["block_id"], {})[element["action_id"]] = entry
        return self._block_action(user_id, surface, block, element, entry)

    def _block_action(
        self,
        user_id: str,
        surface: _Surface,
        block: dict[str, Any],
        element: dict[str, Any],
        entry: dict[str, Any] | None,
    ) -> Response:
        payload = self._base("block_actions", user_id)
        action_ts = f"{real_time():.6f}"
        payload["trigger_id"] = self.api.new_trigger_id(user_id)
        state = {"values": state_values(surface.blocks, self._drafts.get(surface.draft_key))}
        if surface.kind == "view":
            assert surface.view is not None
            payload["container"] = {"type": "view", "view_id": surface.view["id"]}
            payload["view"] = {**surface.view, "state": state}
        else:
            assert surface.message is not None and surface.channel_id is not None
            ts = surface.message["ts"]
            container: dict[str, Any] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": surface.channel_id,
                "is_ephemeral": surface.kind == "ephemeral",
            }
            if surface.message.get("thread_ts"):
                container["thread_ts"] = surface.message["thread_ts"]
            payload["container"] = container
            payload["channel"] = self._channel(surface.channel_id)
            if surface.kind == "message":
                # Message metadata is not echoed back in interaction payloads here: keep
                # state in block_id/value/private_metadata rather than relying on it.
                payload["message"] = {k: v for k, v in surface.message.items() if k != "metadata"}
            payload["state"] = state
            payload["response_url"] = self.api.new_response_url(
                channel_id=surface.channel_id, user_id=user_id, message_ts=ts
            )
        payload["actions"] = [action_for(block, element, entry, action_ts)]
        return self.send_payload(payload)

    def _locate(
        self,
        user_id: str,
        action_id: str,
        value: str | None,
        message: Mapping[str, Any] | str | None,
        view: Mapping[str, Any] | str | None,
        accept: Callable[[dict[str, Any]], bool],
    ) -> tuple[_Surface, dict[str, Any], dict[str, Any]]:
        seen: list[str] = []
        for surface in self._surfaces(user_id, message, view):
            for block, element in elements(surface.blocks):
                seen.append(str(element.get("action_id")))
                # The bot renders repeated actions in one block as "name#1", "name#2"
                # (action ids must be unique per block); the name alone finds them.
                found = str(element.get("action_id"))
                if action_id not in (found, found.split("#")[0]) or not accept(element):
                    continue
                if value is None or element.get("value") == value:
                    return surface, block, element
        wanted = action_id + (f" (value {value!r})" if value is not None else "")
        raise LookupError(
            f"no element {wanted} for {user_id}; action_ids seen: {sorted(set(seen))}"
        )

    def _surfaces(
        self,
        user_id: str,
        message: Mapping[str, Any] | str | None,
        view: Mapping[str, Any] | str | None,
    ) -> Iterator[_Surface]:
        if view is not None:
            yield self._view_surface(self._resolve_view(user_id, view))
            return
        if message is not None:
            ts = message if isinstance(message, str) else str(message.get("ts"))
            yield from self._message_surfaces(user_id, ts)
            return
        current = self.api.current_view(user_id)
        if current is not None:
            yield self._view_surface(current)
        home = self.api.home_view(user_id)
        if home is not None:
            yield self._view_surface(home)
        yield from self._message_surfaces(user_id, None)

    def _view_surface(self, view: dict[str, Any]) -> _Surface:
        return _Surface("view", view["blocks"], view=view, draft_key=f"view:{view['id']}")

    def _message_surfaces(self, user_id: str, ts: str | None) -> Iterator[_Surface]:
        dm = self.api.dm_channel_id(user_id)
        log = list(reversed(self.api.message_log()))
        log.sort(key=lambda item: item[0] != dm)  # the user's IM first, newest first within
        for channel_id, found in log:
            if ts is None or found["ts"] == ts:
                yield _Surface(
                    "message",
                    found.get("blocks") or [],
                    channel_id=channel_id,
                    message=found,
                    draft_key=f"msg:{found['ts']}",
                )
        for ephemeral in reversed(self.api.ephemerals_for(user_id)):
            if ts is None or ephemeral.message.get("ts") == ts:
                yield _Surface(
                    "ephemeral",
                    ephemeral.message.get("blocks") or [],
                    channel_id=ephemeral.channel,
                    message=ephemeral.message,
                    draft_key=f"msg:{ephemeral.message.get('ts')}",
                )

    # -- events -------------------------------------------------------------------------

    def event(
        self,
        event: Mapping[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> Response:
        """An Events API `event_callback` carrying `event`."""
        envelope = {
            "token": self.api.identity.verification_token,
            "team_id": self.api.team_id,
            "context_team_id": self.api.team_id,
            "api_app_id": self.api.identity.app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(self.clock()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.api.team_id,
                    "user_id": self.api.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "timeout"}
        response = self.send(json.dumps(envelope), "application/json", headers=headers)
        return self._timed(response, {"type": str(event.get("type"))})

    def app_home_opened(self, user_id: str, tab: str = "home") -> Response:
        channel_id = self.api.open_dm(user_id)
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": channel_id,
            "tab": tab,
            "event_ts": f"{self.clock():.6f}",
        }
        home = self.api.home_view(user_id)
        if home is not None and tab == "home":
            event["view"] = home
        return self.event(event)

    def message(
        self,
        user_id: str,
        text: str,
        channel_id: str | None = None,
        thread_ts: str | None = None,
    ) -> Response:
        """The user writes `text` (by default in their IM with the bot)."""
        channel_id = channel_id or self.api.open_dm(user_id)
        posted = self.api.add_user_message(channel_id, user_id, text, thread_ts=thread_ts)
        channel = self.api.channel(channel_id)
        channel_type = (
            "im"
            if channel is None or channel.is_im
            else "group"
            if channel.is_private
            else "channel"
        )
        event = {
            **posted,
            "channel": channel_id,
            "event_ts": posted["ts"],
            "channel_type": channel_type,
            "client_msg_id": secrets.token_hex(16),
        }
        return self.event(event)

    def url_verification(self, challenge: str | None = None) -> Response:
        body = {
            "token": self.api.identity.verification_token,
            "challenge": challenge or secrets.token_urlsafe(24),
            "type": "url_verification",
        }
        return self.send(json.dumps(body), "application/json")

    # -- shortcuts ----------------------------------------------------------------------

    def shortcut(self, user_id: str, callback_id: str) -> Response:
        """A global shortcut (from the ⚡ menu)."""
        payload = self._base("shortcut", user_id)
        payload.update(
            callback_id=callback_id,
            trigger_id=self.api.new_trigger_id(user_id),
            action_ts=f"{real_time():.6f}",
        )
        return self.send_payload(payload)

    def message_action(
        self, user_id: str, callback_id: str, message: Mapping[str, Any] | str
    ) -> Response:
        """A message shortcut on `message` (a message dict or its ts)."""
        ts = message if isinstance(message, str) else str(message.get("ts"))
        found = self.api.find_message(ts)
        if found is None:
            raise LookupError(f"no message with ts {ts}")
        channel_id, stored = found
        payload = self._base("message_action", user_id)
        payload.update(
            callback_id=callback_id,
            trigger_id=self.api.new_trigger_id(user_id),
            action_ts=f"{real_time():.6f}",
            message_ts=ts,
            message={k: v for k, v in stored.items() if k != "metadata"},
            channel=self._channel(channel_id),
            response_url=self.api.new_response_url(
                channel_id=channel_id, user_id=user_id, message_ts=ts
            ),
        )
        return self.send_payload(payload)
