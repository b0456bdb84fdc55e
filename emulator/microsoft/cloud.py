"""Microsoft's side of a Teams bot on loopback: Entra, the Bot Framework's keys, the Bot Connector.

One https server (a local CA, `tls.py`) plays the three hosts a Teams deployment talks to
(DESIGN.md §4 "(contract) Microsoft Teams"):

| variable                   | here                                                         |
|----------------------------|--------------------------------------------------------------|
| `TEAMS_LOGIN_URL`          | `{base}/login` — `POST /{tenant}/oauth2/v2.0/token`            |
| `TEAMS_OPENID_METADATA_URL`| `{base}/botframework/v1/.well-known/openidconfiguration`     |
| `TEAMS_SERVICE_URL`        | `{base}/teams/` — the Bot Connector's `/v3/conversations/…`  |

It records every call, refuses what Teams refuses (a card outside the Adaptive Cards 1.5 schema,
a message over 28 KB, a conversation the bot is not in, a token that is missing, forged or
expired), and can be told to answer 429 with `Retry-After` or 5xx. `platform.py` plays the other
direction: Teams posting signed activities to the bot.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlsplit

import jwt

from emulator.clock import app_time, real_monotonic, real_time
from emulator.microsoft.cards import activity_errors
from emulator.microsoft.keys import SigningKey
from emulator.microsoft.records import (
    CloudCall,
    PostedActivity,
    TeamsChannel,
    TeamsUser,
)
from emulator.microsoft.tls import LocalTLS, make_local_tls

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
TOKEN_LIFETIME = 3599
_log = logging.getLogger(__name__)
_T = TypeVar("_T")


class WaitTimeout(AssertionError):
    """`wait_for` gave up: the bot never made the expected call."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class _Fault:
    status: int
    retry_after: int


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


class MicrosoftCloud:
    """Entra + the Bot Framework's OpenID keys + the Bot Connector. A context manager."""

    def __init__(
        self,
        *,
        app_id: str | None = None,
        app_secret: str = "test-secret",
        tenant_id: str | None = None,
        clock: Callable[[], float] = app_time,
        tls: LocalTLS | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
    ) -> None:
        """`clock` is the clock tokens are issued and checked by: the app's (frozen if the test
        freezes it), so a token's expiry means the same on both sides."""
        self.app_id = app_id or str(uuid.uuid4())
        self.app_secret = app_secret
        self.apps: dict[str, str] = {self.app_id: app_secret}  # client id -> secret
        self.tenant_id = tenant_id or str(uuid.uuid4())
        self.clock = clock
        self.tls = tls or make_local_tls()
        self.latency = latency
        self.channel_key = SigningKey()  # signs activities sent to the bot
        self.entra_key = SigningKey()  # signs access tokens issued to the bot
        self._host, self._port = host, port
        self._lock = threading.Condition()
        self._users: dict[str, TeamsUser] = {}  # by teams id
        self._channels: dict[str, TeamsChannel] = {}
        self._personal: dict[str, str] = {}  # conversation id -> teams id
        self._activities: dict[str, PostedActivity] = {}  # by activity id
        self._calls: list[CloudCall] = []
        self._handed_out: set[int] = set()
        self._faults: dict[str, deque[_Fault]] = {}
        self._warnings: list[str] = []
        self._next_activity = int(real_time() * 1000)
        self._server: _Server | None = None
        # Further services on the same host (the Graph calendar): (method, path, headers, body)
        # -> (kind, reply), or None when the path is not theirs.
        self.extra_routes: list[
            Callable[[str, str, dict[str, str], bytes], tuple[str, Reply] | None]
        ] = []

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> MicrosoftCloud:
        server = _Server((self._host, self._port), _Handler)
        server.cloud = self
        server.socket = self.tls.server_context().wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True, name="ms-cloud").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MicrosoftCloud:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the cloud first"
        host, port = self._server.server_address[:2]
        return f"https://{host!s}:{port}"

    @property
    def login_url(self) -> str:
        return f"{self.base_url}/login"

    @property
    def openid_metadata_url(self) -> str:
        return f"{self.base_url}/botframework/v1/.well-known/openidconfiguration"

    @property
    def service_url(self) -> str:
        return f"{self.base_url}/teams/"

    @property
    def ca_file(self) -> Path:
        return self.tls.ca_file

    def environment(self) -> dict[str, str]:
        """The bot's settings for this cloud (DESIGN.md §4), including the CA to trust."""
        return {
            "TEAMS_CLIENT_ID": self.app_id,
            "TEAMS_CLIENT_SECRET": self.app_secret,
            "TEAMS_TENANT_ID": self.tenant_id,
            "TEAMS_SERVICE_URL": self.service_url,
            "TEAMS_LOGIN_URL": self.login_url,
            "TEAMS_OPENID_METADATA_URL": self.openid_metadata_url,
            "SSL_CERT_FILE": str(self.ca_file),
            "REQUESTS_CA_BUNDLE": str(self.ca_file),
        }

    def teams_settings(self) -> dict[str, str]:
        """The bot's `TEAMS_*` settings for this cloud, by Settings field name (no CA: that is
        the process's trust, `environment()`)."""
        return {
            key.lower(): value
            for key, value in self.environment().items()
            if key.startswith("TEAMS_")
        }

    # -- the tenant ---------------------------------------------------------------------

    def add_user(self, name: str, email: str, **fields: Any) -> TeamsUser:
        user = TeamsUser(name=name, email=email.lower(), **fields)
        with self._lock:
            self._users[user.teams_id] = user
            self._personal[self.personal_conversation_id(user)] = user.teams_id
        return user

    def add_channel(
        self, name: str, members: Iterable[TeamsUser] = (), **fields: Any
    ) -> TeamsChannel:
        channel = TeamsChannel(name=name, members=[m.aad_object_id for m in members], **fields)
        with self._lock:
            self._channels[channel.id] = channel
        return channel

    def user(self, key: str) -> TeamsUser | None:
        """A user by Teams id, AAD object id or email."""
        with self._lock:
            return self._find_user(key)

    def _find_user(self, key: str) -> TeamsUser | None:
        if key in self._users:
            return self._users[key]
        lowered = key.lower()
        for user in self._users.values():
            if lowered in (user.aad_object_id, user.email, user.upn.lower()):
                return user
        return None

    @staticmethod
    def personal_conversation_id(user: TeamsUser) -> str:
        """Teams gives a bot and a user one 1:1 conversation, whoever starts it."""
        return "a:1" + user.aad_object_id.replace("-", "")

    # -- what tests read -----------------------------------------------------------------

    @property
    def calls(self) -> list[CloudCall]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, kind: str) -> list[CloudCall]:
        return [c for c in self.calls if c.kind == kind]

    @property
    def warnings(self) -> list[str]:
        with self._lock:
            return list(self._warnings)

    def messages_to(self, user: TeamsUser) -> list[PostedActivity]:
        """The bot's messages in the user's 1:1 chat, oldest first, as they stand now."""
        return self.messages_in(self.personal_conversation_id(user))

    def messages_in(self, conversation_id: str) -> list[PostedActivity]:
        """Messages in a conversation; a channel id also gives its threads' first posts."""
        with self._lock:
            found = [
                copy.deepcopy(a)
                for a in self._activities.values()
                if not a.deleted
                and (
                    a.conversation_id == conversation_id
                    or a.conversation_id.split(";messageid=")[0] == conversation_id
                )
            ]
        return sorted(found, key=lambda a: int(a.id))

    def activity(self, activity_id: str) -> PostedActivity | None:
        with self._lock:
            found = self._activities.get(activity_id)
            return copy.deepcopy(found) if found else None

    def wait_for(
        self, kind: str, predicate: Callable[[CloudCall], bool] | None = None, timeout: float = 5.0
    ) -> CloudCall:
        """Block until the bot has made a matching call; each call is handed out once."""
        deadline = real_monotonic() + timeout
        with self._lock:
            while True:
                for index, call in enumerate(self._calls):
                    if index in self._handed_out or call.kind != kind:
                        continue
                    try:
                        matched = predicate is None or bool(predicate(call))
                    except Exception:
                        matched = False
                    if matched:
                        self._handed_out.add(index)
                        return call
                remaining = deadline - real_monotonic()
                if remaining <= 0:
                    raise WaitTimeout(f"no {kind} call" + (" matching" if predicate else ""))
                self._lock.wait(remaining)

    def fail_next(
        self, kind: str, status: int = 429, *, retry_after: int = 1, count: int = 1
    ) -> None:
        """The next `count` calls of `kind` answer `status` (429 carries `Retry-After`)."""
        with self._lock:
            self._faults.setdefault(kind, deque()).extend([_Fault(status, retry_after)] * count)

    def warn(self, warning: str) -> None:
        with self._lock:
            self._warnings.append(warning)

    # -- tokens ---------------------------------------------------------------------------

    def issue_token(
        self, scope: str, app_id: str | None = None, lifetime: int = TOKEN_LIFETIME
    ) -> str:
        """An access token as Entra issues it to an app by client credentials."""
        now = int(self.clock())
        return self.entra_key.sign(
            {
                "aud": scope.removesuffix("/.default"),
                "iss": f"https://sts.windows.net/{self.tenant_id}/",
                "appid": app_id or self.app_id,
                "tid": self.tenant_id,
                "iat": now,
                "nbf": now,
                "exp": now + lifetime,
            }
        )

    def add_app(
        self, client_id: str | None = None, secret: str = "graph-secret"
    ) -> tuple[str, str]:
        """Register another app in the tenant (e.g. the calendar's, apart from the bot's)."""
        client_id = client_id or str(uuid.uuid4())
        with self._lock:
            self.apps[client_id] = secret
        return client_id, secret

    def check_bearer(
        self, headers: dict[str, str], audience: str, app_id: str | None = None
    ) -> str | None:
        """None when the Authorization header holds a live token for `audience` issued to
        `app_id` (default: the bot), else why not."""
        header = headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return "missing bearer token"
        try:
            claims = self.entra_key.verify(header.removeprefix("Bearer "), audience, self.clock())
        except jwt.ExpiredSignatureError:
            return "token expired"
        except jwt.InvalidTokenError as error:
            return f"invalid token: {error}"
        if claims.get("appid") != (app_id or self.app_id):
            return "token for another app"
        return None

    def _token(self, tenant: str, body: bytes) -> Reply:
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if tenant != self.tenant_id:
            return Reply(
                400,
                {"error": "invalid_request", "error_description": "AADSTS90002: Tenant not found."},
            )
        if form.get("grant_type") != "client_credentials":
            return Reply(
                400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003"}
            )
        client_id = form.get("client_id", "")
        if client_id not in self.apps or form.get("client_secret") != self.apps[client_id]:
            return Reply(
                401,
                {
                    "error": "invalid_client",
                    "error_description": "AADSTS7000215: Invalid client secret provided.",
                },
            )
        scope = form.get("scope", "")
        if scope not in (BOT_FRAMEWORK_SCOPE, GRAPH_SCOPE):
            return Reply(400, {"error": "invalid_scope", "error_description": "AADSTS70011"})
        return Reply(
            200,
            {
                "token_type": "Bearer",
                "expires_in": TOKEN_LIFETIME,
                "ext_expires_in": TOKEN_LIFETIME,
                "access_token": self.issue_token(scope, client_id),
            },
        )

    def _openid(self) -> Reply:
        return Reply(
            200,
            {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": f"{self.base_url}/botframework/v1/.well-known/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            },
        )

    # -- request handling (server threads) ------------------------------------------------

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[str, Reply]:
        route = unquote(urlsplit(path).path)
        if self.latency:
            time.sleep(self.latency)
        for extra in self.extra_routes:
            answer = extra(method, route, headers, body)
            if answer is not None:
                return answer
        if m := re.fullmatch(r"/login/([^/]+)/oauth2/v2\.0/token", route):
            return "token", self.take_fault("token") or self._token(m.group(1), body)
        if route == "/botframework/v1/.well-known/openidconfiguration" and method == "GET":
            return "openid", self._openid()
        if route == "/botframework/v1/.well-known/keys" and method == "GET":
            return "keys", Reply(200, {"keys": [self.channel_key.jwk(("msteams",))]})
        if route.startswith("/teams/v3/"):
            return self._connector(method, route.removeprefix("/teams/v3/"), headers, body)
        return "unknown", _error(404, "NotFound", f"no route {method} {route}")

    def take_fault(self, kind: str) -> Reply | None:
        with self._lock:
            queue = self._faults.get(kind)
            fault = queue.popleft() if queue else None
        if fault is None:
            return None
        if fault.status == 429:
            return Reply(
                429,
                {"error": {"code": "TooManyRequests", "message": "Too many requests"}},
                (("Retry-After", str(fault.retry_after)),),
            )
        return _error(fault.status, "ServiceError", "injected failure")

    def _connector(
        self, method: str, route: str, headers: dict[str, str], body: bytes
    ) -> tuple[str, Reply]:
        kind, handler, args = self._connector_route(method, route)
        if handler is None:
            return kind, _error(404, "NotFound", f"no connector route {method} {route}")
        fault = self.take_fault(kind)
        if fault is not None:
            return kind, fault
        why = self.check_bearer(headers, BOT_FRAMEWORK_ISSUER)
        if why is not None:
            return kind, _error(401, "Unauthorized", why)
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            return kind, _error(400, "BadArgument", "body is not JSON")
        if method in ("POST", "PUT") and not isinstance(payload, dict):
            return kind, _error(400, "BadArgument", "body is not an object")
        with self._lock:
            return kind, handler(payload, *args)

    def _connector_route(self, method: str, route: str) -> tuple[str, Any, tuple[str, ...]]:
        parts = route.split("/")
        if parts == ["conversations"] and method == "POST":
            return "create_conversation", self._create_conversation, ()
        if (
            len(parts) == 3
            and parts[0] == "conversations"
            and parts[2] == "activities"
            and method == "POST"
        ):
            return "send", self._send, (parts[1],)
        if len(parts) == 4 and parts[0] == "conversations" and parts[2] == "activities":
            kinds = {
                "POST": ("reply", self._reply),
                "PUT": ("update", self._update),
                "DELETE": ("delete", self._delete),
            }
            if method in kinds:
                kind, handler = kinds[method]
                return kind, handler, (parts[1], parts[3])
        if (
            len(parts) == 4
            and parts[0] == "conversations"
            and parts[2] == "members"
            and method == "GET"
        ):
            return "member", self._member, (parts[1], parts[3])
        if (
            len(parts) == 3
            and parts[0] == "conversations"
            and parts[2] == "members"
            and method == "GET"
        ):
            return "members", self._members, (parts[1],)
        return "unknown", None, ()

    # Connector operations; called with the lock held.

    def _create_conversation(self, body: dict[str, Any]) -> Reply:
        channel_data = body.get("channelData") or {}
        channel_id = (channel_data.get("channel") or {}).get("id")
        if channel_id:
            channel = self._channels.get(channel_id)
            if channel is None:
                return _error(404, "ConversationNotFound", "Conversation not found.")
            if not channel.bot_installed:
                return _error(
                    403,
                    "BotNotInConversationRoster",
                    "The bot is not part of the conversation roster.",
                )
            activity = body.get("activity")
            if not isinstance(activity, dict):
                return _error(400, "BadArgument", "a channel conversation starts with an activity")
            posted = self._post(channel_id, activity, None)
            if isinstance(posted, Reply):
                return posted
            thread = f"{channel_id};messageid={posted.id}"
            posted.conversation_id = thread
            return Reply(201, {"id": thread, "activityId": posted.id})
        members = body.get("members") or []
        if body.get("isGroup") or len(members) != 1 or not isinstance(members[0], dict):
            return _error(400, "BadArgument", "a personal conversation has exactly one member")
        user = self._find_user(str(members[0].get("id", "")))
        if user is None:
            return _error(404, "MemberNotFound", "The member is not in the tenant.")
        if not user.app_installed:
            return _error(403, "Forbidden", "The bot is not installed for this user.")
        tenant = (channel_data.get("tenant") or {}).get("id") or body.get("tenantId")
        if tenant not in (None, self.tenant_id):
            return _error(403, "Forbidden", "Tenant mismatch.")
        conversation_id = self.personal_conversation_id(user)
        answer: dict[str, Any] = {"id": conversation_id}
        activity = body.get("activity")
        if isinstance(activity, dict):
            posted = self._post(conversation_id, activity, None)
            if isinstance(posted, Reply):
                return posted
            answer["activityId"] = posted.id
        return Reply(201, answer)

    def _known(self, conversation_id: str) -> Reply | None:
        base = conversation_id.split(";messageid=")[0]
        if base in self._personal:
            user = self._users[self._personal[base]]
            if not user.app_installed:
                return _error(403, "Forbidden", "The bot is not installed for this user.")
            return None
        channel = self._channels.get(base)
        if channel is None:
            return _error(404, "ConversationNotFound", "Conversation not found.")
        if not channel.bot_installed:
            return _error(
                403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."
            )
        return None

    def _post(
        self, conversation_id: str, activity: dict[str, Any], reply_to: str | None
    ) -> PostedActivity | Reply:
        if activity.get("type", "message") == "typing":
            self._next_activity += 1
            return PostedActivity(str(self._next_activity), conversation_id, {"type": "typing"})
        if not activity.get("text") and not activity.get("attachments"):
            return _error(400, "BadArgument", "A message needs text or attachments.")
        problems = activity_errors(activity)
        if problems:
            self._warnings.extend(problems)
            too_big = any(p.startswith("MessageSizeTooBig") for p in problems)
            if too_big:
                return _error(413, "MessageSizeTooBig", "Message size too big.")
            return _error(400, "BadArgument", "; ".join(problems)[:2000])
        self._next_activity = max(self._next_activity + 1, int(real_time() * 1000))
        posted = PostedActivity(
            id=str(self._next_activity),
            conversation_id=conversation_id,
            activity=copy.deepcopy(activity),
            reply_to_id=reply_to,
        )
        self._activities[posted.id] = posted
        return posted

    def _send(self, body: dict[str, Any], conversation_id: str) -> Reply:
        refused = self._known(conversation_id)
        if refused is not None:
            return refused
        posted = self._post(conversation_id, body, body.get("replyToId"))
        return posted if isinstance(posted, Reply) else Reply(201, {"id": posted.id})

    def _reply(self, body: dict[str, Any], conversation_id: str, activity_id: str) -> Reply:
        refused = self._known(conversation_id)
        if refused is not None:
            return refused
        posted = self._post(conversation_id, body, activity_id)
        return posted if isinstance(posted, Reply) else Reply(201, {"id": posted.id})

    def _update(self, body: dict[str, Any], conversation_id: str, activity_id: str) -> Reply:
        existing = self._activities.get(activity_id)
        if (
            existing is None
            or existing.deleted
            or existing.conversation_id.split(";messageid=")[0]
            != conversation_id.split(";messageid=")[0]
        ):
            return _error(404, "ActivityNotFound", "Activity not found.")
        problems = activity_errors(body)
        if problems:
            self._warnings.extend(problems)
            return _error(400, "BadArgument", "; ".join(problems)[:2000])
        existing.activity = copy.deepcopy(body)
        existing.updates += 1
        return Reply(200, {"id": activity_id})

    def _delete(self, body: Any, conversation_id: str, activity_id: str) -> Reply:
        existing = self._activities.get(activity_id)
        if existing is None or existing.deleted:
            return _error(404, "ActivityNotFound", "Activity not found.")
        existing.deleted = True
        return Reply(200, None)

    def _member_json(self, user: TeamsUser) -> dict[str, Any]:
        given, _, surname = user.name.partition(" ")
        return {
            "id": user.teams_id,
            "name": user.name,
            "aadObjectId": user.aad_object_id,
            "email": user.email,
            "userPrincipalName": user.upn,
            "givenName": given,
            "surname": surname,
            "tenantId": self.tenant_id,
            "userRole": "user",
        }

    def _roster(self, conversation_id: str) -> list[TeamsUser] | None:
        base = conversation_id.split(";messageid=")[0]
        if base in self._personal:
            return [self._users[self._personal[base]]]
        channel = self._channels.get(base)
        if channel is None:
            return None
        return [u for u in self._users.values() if u.aad_object_id in channel.members]

    def _member(self, body: Any, conversation_id: str, member_id: str) -> Reply:
        roster = self._roster(conversation_id)
        if roster is None:
            return _error(404, "ConversationNotFound", "Conversation not found.")
        for user in roster:
            if member_id in (user.teams_id, user.aad_object_id):
                return Reply(200, self._member_json(user))
        return _error(
            404, "MemberNotFoundInConversation", "The member was not found in the conversation."
        )

    def _members(self, body: Any, conversation_id: str) -> Reply:
        roster = self._roster(conversation_id)
        if roster is None:
            return _error(404, "ConversationNotFound", "Conversation not found.")
        return Reply(200, [self._member_json(u) for u in roster])

    def record(self, kind: str, method: str, path: str, body: bytes, reply: Reply) -> None:
        try:
            decoded: Any = json.loads(body) if body else None
        except ValueError:
            decoded = body.decode("utf-8", "replace")
        if kind == "token":
            decoded = {"redacted": True}  # never keep a client secret, even in a test record
        with self._lock:
            self._calls.append(
                CloudCall(kind, method, path, decoded, reply.status, reply.body, real_time())
            )
            self._lock.notify_all()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    cloud: MicrosoftCloud


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        cloud = self.server.cloud
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            kind, reply = cloud.handle(method, self.path, headers, body)
        except Exception as error:  # a bug in the emulator must not hang the client
            _log.exception("Microsoft emulator failed on %s %s", method, self.path)
            kind, reply = "error", _error(500, "InternalServerError", repr(error))
            cloud.warn(f"emulator_error:{error!r}")
        cloud.record(kind, method, self.path, body, reply)
        raw = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in reply.headers:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: `calls` is the record."""
