"""A Slack Web API on loopback, for running the real Bolt app and WebClient against.

`SlackWebAPI` serves `/api/<method>` with Slack's response shapes and error codes, plus the
file upload URLs and response URLs Slack would host. It records every call so tests can
assert on what the app did, and waits for calls that Bolt makes after acknowledging a
request (`wait_for`). Faults (rate limits, 500s, error codes) and latency can be injected.

Every request is handled under one lock, so concurrent Bolt handlers see a consistent
workspace; tests read state through methods that copy it under the same lock.
"""

from __future__ import annotations

import copy
import json
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from emulator import response_urls
from emulator.clock import app_time, real_monotonic, real_time
from emulator.http_body import parse_params
from emulator.methods import METHODS
from emulator.methods.files import receive_upload
from emulator.methods.views import apply_response_action
from emulator.params import Params, decode_json_fields
from emulator.records import Call, Channel, Ephemeral, ResponseUrlPost, UploadedFile, User
from emulator.workspace import (
    DEFAULT_BOT_SCOPES,
    METHOD_SCOPES,
    Identity,
    SlackError,
    Trigger,
    Workspace,
)

NO_AUTH_METHODS = frozenset({"api.test"})
_log = logging.getLogger(__name__)
_T = TypeVar("_T")


class WaitTimeout(AssertionError):
    """`wait_for` gave up: the app never made the expected call."""


@dataclass
class _Fault:
    status: int
    retry_after: int
    error: str | None


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


class SlackWebAPI:
    """The Slack Web API, workspace state and recordings. Use as a context manager."""

    def __init__(
        self,
        *,
        tokens: Iterable[str] = ("xoxb-test-token",),
        identity: Identity | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = app_time,
        monotonic: Callable[[], float] = real_monotonic,
        trigger_ttl: float = 3.0,
        latency: float = 0.0,
        scopes: Iterable[str] = DEFAULT_BOT_SCOPES,
    ) -> None:
        """`clock` stamps message ts (default: the app's clock, frozen if frozen);
        `monotonic` times trigger/response-URL expiry (default: real, freezegun-proof);
        `scopes` are the bot token's (reported in `x-oauth-scopes`, enforced per method)."""
        self.tokens = set(tokens)
        self.identity = identity or Identity()
        self.latency = latency
        self._ws = Workspace(
            identity=self.identity,
            clock=clock,
            monotonic=monotonic,
            trigger_ttl=trigger_ttl,
            scopes=tuple(scopes),
        )
        self._host, self._port = host, port
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._calls: list[Call] = []
        self._responses: list[ResponseUrlPost] = []
        self._handed_out: set[int] = set()
        self._responses_handed_out: set[int] = set()
        self._faults: dict[str, deque[_Fault]] = {}
        self._storms: dict[str, _Fault] = {}  # every call fails until cleared
        self._late: dict[str, deque[float]] = {}  # done, but answered after a delay
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> SlackWebAPI:
        if self._server is not None:
            return self
        handler = type("_BoundHandler", (_Handler,), {"api": self})
        server = _Server((self._host, self._port), handler)
        self._server = server
        host, port = server.server_address[:2]
        self._ws.base_url = f"http://{host!s}:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> SlackWebAPI:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if not self._ws.base_url:
            raise RuntimeError("SlackWebAPI is not started")
        return self._ws.base_url

    @property
    def api_url(self) -> str:
        """What the bot uses as SLACK_API_URL (WebClient base_url): ends with '/api/'."""
        return f"{self.base_url}/api/"

    @property
    def bot_user_id(self) -> str:
        return self.identity.bot_user_id

    @property
    def team_id(self) -> str:
        return self.identity.team_id

    # -- workspace setup ----------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        email: str,
        name: str,
        tz: str = "Europe/Copenhagen",
        locale: str = "da-DK",
        deleted: bool = False,
        *,
        real_name: str | None = None,
        is_bot: bool = False,
    ) -> User:
        ZoneInfo(tz)  # fail here, not later inside a request, on a misspelt time zone
        user = User(user_id, email, name, tz, locale, deleted, is_bot, real_name)
        with self._lock:
            self._ws.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        is_private: bool = False,
        is_archived: bool = False,
        bot_is_member: bool = True,
        *,
        members: Iterable[str] = (),
    ) -> Channel:
        channel = Channel(
            id=channel_id,
            name=name,
            is_private=is_private,
            is_archived=is_archived,
            bot_is_member=bot_is_member,
            created=int(self._ws.clock()),
            members=list(members),
        )
        with self._lock:
            self._ws.channels[channel_id] = channel
        return channel

    def set_user(self, user_id: str, **changes: Any) -> None:
        """Change a user mid-test (e.g. `deleted=True`, `tz=...`)."""
        with self._lock:
            user = self._ws.users[user_id]
            for key, value in changes.items():
                if not hasattr(user, key):
                    raise AttributeError(key)
                setattr(user, key, value)

    def set_channel(self, channel_id: str, **changes: Any) -> None:
        """Change a channel mid-test (e.g. `is_archived=True`, `bot_is_member=False`)."""
        with self._lock:
            channel = self._ws.channels[channel_id]
            for key, value in changes.items():
                if not hasattr(channel, key):
                    raise AttributeError(key)
                setattr(channel, key, value)

    def set_scopes(self, scopes: Iterable[str]) -> None:
        """Grant the token other scopes (as if the app were reinstalled with them)."""
        with self._lock:
            self._ws.scopes = tuple(scopes)

    @property
    def scopes(self) -> tuple[str, ...]:
        with self._lock:
            return self._ws.scopes

    def dm_channel_id(self, user_id: str) -> str:
        """The IM id conversations.open will return for this user (stable)."""
        return self._ws.dm_channel_id(user_id)

    def open_dm(self, user_id: str) -> str:
        """The user opens their IM with the bot (it exists from then on); returns its id."""
        with self._lock:
            return self._ws.dm_channel(user_id).id

    # -- what Slack's platform side needs (used by SlackPlatform) ------------------------

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """A trigger_id usable once, for `trigger_ttl` (3) real seconds."""
        trigger_id = f"{int(real_time())}.{int(real_time() * 1000) % 10**9}.{_hex(32)}"
        with self._lock:
            self._ws.triggers[trigger_id] = Trigger(self._ws.monotonic(), user_id)
        return trigger_id

    def new_response_url(
        self,
        channel_id: str | None = None,
        user_id: str | None = None,
        message_ts: str | None = None,
    ) -> str:
        """A response_url; with `message_ts`, replace_/delete_original act on that message."""
        with self._lock:
            return response_urls.issue(
                self._ws, channel_id=channel_id, user_id=user_id, message_ts=message_ts
            )

    def add_user_message(
        self, channel_id: str, user_id: str, text: str, *, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """A message a person wrote (so it shows up in history like on Slack)."""
        with self._lock:
            ts = self._ws.next_ts()
            message: dict[str, Any] = {
                "type": "message",
                "user": user_id,
                "text": text,
                "ts": ts,
                "team": self.identity.team_id,
            }
            if thread_ts:
                message["thread_ts"] = thread_ts
            if channel_id.startswith("D"):
                self._ws.dm_channel(user_id)
            self._ws.add_message(channel_id, message)
            return copy.deepcopy(message)

    def add_ephemeral(self, channel_id: str, user_id: str, message: dict[str, Any]) -> None:
        """An ephemeral message shown to `user_id` (e.g. a slash command's ack body)."""
        with self._lock:
            full = self._ws.bot_message(self._ws.next_ts())
            full.update(copy.deepcopy(message))
            self._ws.ephemerals.append(Ephemeral(channel_id, user_id, full))

    def post_in_channel(self, channel_id: str, message: dict[str, Any]) -> None:
        """A visible bot message that did not come through chat.postMessage (in_channel ack)."""
        with self._lock:
            full = self._ws.bot_message(self._ws.next_ts())
            full.update(copy.deepcopy(message))
            self._ws.add_message(channel_id, full)

    def apply_response_action(self, user_id: str, view_id: str, answer: Any) -> list[str]:
        """Slack's handling of a view_submission reply; returns problems (also in warnings)."""
        with self._lock:
            return apply_response_action(self._ws, user_id, view_id, answer)

    def close_view(self, user_id: str, view_id: str | None = None) -> None:
        """The user closed the modal (X / Cancel): drop it and everything above it."""
        with self._lock:
            stack = self._ws.modal_stacks.get(user_id) or []
            if view_id is None:
                stack.clear()
            elif view_id in stack:
                del stack[stack.index(view_id) :]

    def warn(self, warning: str) -> None:
        with self._lock:
            self._ws.warn(warning)

    # -- inspection ---------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    @property
    def responses(self) -> list[ResponseUrlPost]:
        with self._lock:
            return list(self._responses)

    @property
    def warnings(self) -> list[str]:
        with self._lock:
            return list(self._ws.warnings)

    @property
    def files(self) -> list[UploadedFile]:
        """Completed uploads, in order."""
        with self._lock:
            return [copy.deepcopy(f) for f in self._ws.files.values() if f.completed]

    def user(self, user_id: str) -> User | None:
        with self._lock:
            user = self._ws.users.get(user_id)
            return copy.deepcopy(user)

    def channel(self, channel_id: str) -> Channel | None:
        with self._lock:
            return copy.deepcopy(self._ws.channels.get(channel_id))

    def messages_in(self, channel_or_user: str) -> list[dict[str, Any]]:
        """Messages in a conversation, oldest first, thread replies included.

        A user id means the bot's IM with that user.
        """
        with self._lock:
            channel_id = channel_or_user
            if channel_or_user[:1] in ("U", "W"):
                channel_id = self._ws.dm_channel_id(channel_or_user)
            return copy.deepcopy(self._ws.messages.get(channel_id, []))

    def message_log(self) -> list[tuple[str, dict[str, Any]]]:
        """Every (channel id, message) in the workspace, oldest first."""
        with self._lock:
            log = [(c, m) for c, messages in self._ws.messages.items() for m in messages]
            log.sort(key=lambda item: float(item[1]["ts"]))
            return copy.deepcopy(log)

    def find_message(self, ts: str) -> tuple[str, dict[str, Any]] | None:
        """(channel id, message) for a ts anywhere in the workspace."""
        with self._lock:
            found = self._ws.locate_message(ts)
            return copy.deepcopy(found) if found else None

    def ephemerals_for(self, user_id: str) -> list[Ephemeral]:
        with self._lock:
            return [copy.deepcopy(e) for e in self._ws.ephemerals if e.user == user_id]

    def current_view(self, user_id: str) -> dict[str, Any] | None:
        """The modal on top of the user's stack (what they are looking at), if any."""
        with self._lock:
            return copy.deepcopy(self._ws.current_modal(user_id))

    def modal_stack(self, user_id: str) -> list[dict[str, Any]]:
        with self._lock:
            stack = self._ws.modal_stacks.get(user_id) or []
            return [copy.deepcopy(self._ws.views[v]) for v in stack]

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view_id = self._ws.home_views.get(user_id)
            return copy.deepcopy(self._ws.views[view_id]) if view_id else None

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._ws.views.get(view_id))

    def view_owner(self, view_id: str) -> str | None:
        with self._lock:
            return self._ws.view_owner.get(view_id)

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> Call:
        """Block until the app has made a matching call, and return it.

        Needed because Bolt runs listeners after acknowledging the request. Each call is
        handed out once, so waiting twice for "chat.postMessage" returns two different
        posts. A predicate that raises (e.g. KeyError) counts as "no match".
        """
        return self._wait(
            self._calls,
            self._handed_out,
            lambda c: c.method == method and _matches(predicate, c),
            timeout,
            f"no {method} call" + (" matching the predicate" if predicate else ""),
        )

    def wait_for_response(
        self, predicate: Callable[[ResponseUrlPost], bool] | None = None, timeout: float = 5.0
    ) -> ResponseUrlPost:
        """Like `wait_for`, for POSTs to response URLs (Bolt's `respond()`)."""
        return self._wait(
            self._responses,
            self._responses_handed_out,
            lambda r: _matches(predicate, r),
            timeout,
            "no response_url post",
        )

    def reset_calls(self) -> None:
        """Forget recorded calls and response-URL posts (state and warnings stay)."""
        with self._lock:
            self._calls.clear()
            self._responses.clear()
            self._handed_out.clear()
            self._responses_handed_out.clear()

    # -- faults -------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int | None = None,
        *,
        retry_after: int = 1,
        count: int = 1,
        error: str | None = None,
    ) -> None:
        """Make the next `count` calls to `method` fail.

        Default is HTTP 429 with `Retry-After` and `ratelimited`; `status=500` gives a server
        error; `error="channel_not_found"` (without status) gives HTTP 200 `ok: false`.
        """
        if status is None:
            status = 200 if error else 429
        fault = _Fault(status=status, retry_after=retry_after, error=error)
        with self._lock:
            self._faults.setdefault(method, deque()).extend([fault] * count)

    def fail_until_cleared(
        self, method: str, status: int = 429, *, retry_after: int = 1, error: str | None = None
    ) -> None:
        """Make every call to `method` fail (a rate-limit storm, an outage) until
        `clear_faults`. Calls queued with `fail_next` come first."""
        with self._lock:
            self._storms[method] = _Fault(status=status, retry_after=retry_after, error=error)

    def answer_late(self, method: str, seconds: float, *, count: int = 1) -> None:
        """The next `count` calls to `method` take effect at once (a message is stored) but are
        answered only after `seconds` — longer than a client's timeout, its outcome is unknown
        to the client although Slack did it."""
        with self._lock:
            self._late.setdefault(method, deque()).extend([seconds] * count)

    def clear_faults(self, method: str | None = None) -> None:
        """Forget injected faults and late answers (for one method, or all)."""
        with self._lock:
            for table in (self._faults, self._storms, self._late):
                if method is None:
                    table.clear()
                else:
                    table.pop(method, None)

    # -- request handling (called from server threads) ----------------------------------

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> _Reply:
        parts = urlsplit(path)
        route = parts.path
        if route.startswith("/api/"):
            return self._api(route.removeprefix("/api/"), parts.query, headers, body)
        if route.startswith("/upload/") and method == "POST":
            with self._lock:
                accepted = receive_upload(self._ws, route.removeprefix("/upload/"), body)
            if accepted:
                return _Reply(200, f"OK - {len(body)}".encode(), "text/plain")
            return _Reply(404, b"not_found", "text/plain")
        if route.startswith("/response/") and method == "POST":
            return self._response_url(route.removeprefix("/response/"), body)
        return _Reply(404, b"not_found", "text/plain")

    def _api(self, name: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
        at = real_time()
        if self.latency:
            time.sleep(self.latency)
        try:
            raw = parse_params(query, body, headers.get("content-type", ""))
        except ValueError:
            return self._record(name, {}, {"ok": False, "error": "invalid_json"}, at, 200)
        with self._lock:
            queue = self._faults.get(name)
            fault = queue.popleft() if queue else self._storms.get(name)
            late_queue = self._late.get(name)
            late = late_queue.popleft() if late_queue else 0.0
        if fault is not None:
            return self._fault_reply(name, raw, fault, at)
        reply = self._call(name, raw, headers, at)
        if late:
            time.sleep(late)
        return reply

    def _call(self, name: str, raw: dict[str, Any], headers: dict[str, str], at: float) -> _Reply:
        handler = METHODS.get(name)
        if handler is None:
            body_out = {"ok": False, "error": "unknown_method", "req_method": name}
            return self._record(name, raw, body_out, at, 404)
        auth_error = self._auth_error(headers, raw) if name not in NO_AUTH_METHODS else None
        if auth_error:
            return self._record(name, raw, {"ok": False, "error": auth_error}, at, 200)
        with self._lock:
            granted = self._ws.scopes
            # Slack tells every authenticated caller what its token may do.
            scope_header: tuple[tuple[str, str], ...] = ()
            if name not in NO_AUTH_METHODS:
                scope_header = (("x-oauth-scopes", ",".join(granted)),)
            needed = METHOD_SCOPES.get(name)
            if needed is not None and needed not in granted:
                body_out = {
                    "ok": False,
                    "error": "missing_scope",
                    "needed": needed,
                    "provided": ",".join(granted),
                }
                return self._record(name, raw, body_out, at, 200, scope_header)
            try:
                response = handler(self._ws, Params(raw))
            except SlackError as error:
                response = error.body()
            return self._record(name, raw, response, at, 200, scope_header)

    def _auth_error(self, headers: dict[str, str], raw: dict[str, Any]) -> str | None:
        authorization = headers.get("authorization", "")
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
        token = token or raw.get("token")
        if not token:
            return "not_authed"
        return None if token in self.tokens else "invalid_auth"

    def _fault_reply(self, name: str, raw: dict[str, Any], fault: _Fault, at: float) -> _Reply:
        if fault.status == 429:
            body = {"ok": False, "error": "ratelimited"}
            headers: tuple[tuple[str, str], ...] = (("Retry-After", str(fault.retry_after)),)
            return self._record(name, raw, body, at, 429, headers)
        if fault.status >= 500:
            return self._record(
                name, raw, {"ok": False, "error": "internal_error"}, at, fault.status
            )
        body = {"ok": False, "error": fault.error or "fatal_error"}
        return self._record(name, raw, body, at, fault.status)

    def _record(
        self,
        name: str,
        raw: dict[str, Any],
        response: dict[str, Any],
        at: float,
        status: int,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> _Reply:
        params = decode_json_fields({k: v for k, v in raw.items() if k != "token"})
        safe_raw = {k: v for k, v in raw.items() if k != "token"}
        call = Call(
            method=name,
            params=copy.deepcopy(params),
            response=copy.deepcopy(response),
            at=at,
            status=status,
            raw_params=safe_raw,
        )
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
        encoded = json.dumps(response, ensure_ascii=False).encode("utf-8")
        return _Reply(status, encoded, headers=headers)

    def _response_url(self, response_id: str, body: bytes) -> _Reply:
        with self._changed:
            post = response_urls.receive(self._ws, response_id, body, real_time())
            self._responses.append(post)
            self._changed.notify_all()
        text = "ok" if post.status == 200 else (post.errors[0] if post.errors else "error")
        return _Reply(post.status, text.encode(), "text/plain")

    def _wait(
        self,
        items: list[_T],
        handed_out: set[int],
        match: Callable[[_T], bool],
        timeout: float,
        what: str,
    ) -> _T:
        deadline = real_monotonic() + timeout
        with self._changed:
            while True:
                for index, item in enumerate(items):
                    if index not in handed_out and match(item):
                        handed_out.add(index)
                        return item
                remaining = deadline - real_monotonic()
                if remaining <= 0:
                    seen = ", ".join(c.method for c in self._calls) or "none"
                    raise WaitTimeout(f"{what} within {timeout}s; calls so far: {seen}")
                self._changed.wait(remaining)


def _matches(predicate: Callable[[Any], bool] | None, item: Any) -> bool:
    if predicate is None:
        return True
    try:
        return bool(predicate(item))
    except Exception:
        return False


def _hex(length: int) -> str:
    return secrets.token_hex(length // 2)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # Bolt fires calls in bursts; the default backlog of 5 drops SYNs


class _Handler(BaseHTTPRequestHandler):
    api: SlackWebAPI
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self._serve("POST")

    def do_GET(self) -> None:
        self._serve("GET")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.api._handle(method, self.path, headers, body)
        except Exception as error:  # a bug in the emulator must not hang the client
            _log.exception("emulator failed on %s %s", method, self.path)
            message = json.dumps({"ok": False, "error": "fatal_error", "detail": repr(error)})
            reply = _Reply(500, message.encode())
            self.api.warn(f"emulator_error:{error!r}")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for key, value in reply.headers:
            self.send_header(key, value)
        self.end_headers()
        try:
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (answer_late)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request stderr log; `calls` is the record."""
