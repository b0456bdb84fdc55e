"""The Slack workspace the emulator pretends to be: users, conversations, messages, views,
files, triggers and response URLs.

Plain state plus the lookups every Web API method needs. It has no lock of its own: the
server holds one lock around each request, so every method sees a consistent workspace.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from emulator.records import Channel, Ephemeral, UploadedFile, User

_ALPHABET = string.ascii_uppercase + string.digits

# The bot scopes an app installed from this project's manifest.yml has. A test builds a workspace
# set up wrong by granting others (`SlackWebAPI(scopes=…)` or `set_scopes`).
DEFAULT_BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "files:write",
    "users:read",
    "users:read.email",
    "channels:read",
    "channels:join",
    "channels:history",
)
# The scope a method needs on Slack, where it is one scope whatever the conversation type
# (https://api.slack.com/methods). A token without it gets `missing_scope`.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "conversations.open": "im:write",
    "conversations.join": "channels:join",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}


class SlackError(Exception):
    """A Slack API error: `{"ok": false, "error": code, **extra}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def invalid_arguments(*messages: str) -> SlackError:
    return SlackError(
        "invalid_arguments", response_metadata={"messages": [f"[ERROR] {m}" for m in messages]}
    )


def random_id(prefix: str, length: int = 10) -> str:
    """An id shaped like Slack's (`^[A-Z][A-Z0-9]{8,}$`, which some methods insist on)."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass
class Trigger:
    issued_at: float  # real monotonic seconds
    user_id: str | None
    used: bool = False


@dataclass
class ResponseTarget:
    """Where a response_url posts: the conversation, the user, and maybe a message to edit."""

    channel_id: str | None
    user_id: str | None
    message_ts: str | None
    issued_at: float
    uses: int = 0


@dataclass
class Identity:
    """Who the app is in this workspace."""

    team_id: str = "T0NETVAERK"
    team_domain: str = "netvaerk"
    team_name: str = "Albertslund Kommune"
    bot_user_id: str = "UBOT"
    bot_id: str = "B0NETVAERK"
    app_id: str = "A0NETVAERK"
    bot_name: str = "netvaerksbot"
    verification_token: str = "verification-token"


@dataclass
class Workspace:
    identity: Identity
    clock: Callable[[], float]  # for message ts and "created" stamps; the app's clock
    monotonic: Callable[[], float]  # for trigger expiry; real time unless a test injects one
    trigger_ttl: float = 3.0
    users: dict[str, User] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[Ephemeral] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    view_owner: dict[str, str | None] = field(default_factory=dict)
    modal_stacks: dict[str | None, list[str]] = field(default_factory=dict)
    home_views: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)
    response_targets: dict[str, ResponseTarget] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    scopes: tuple[str, ...] = DEFAULT_BOT_SCOPES  # what the token was granted
    base_url: str = ""
    _last_ts_us: int = 0

    # -- ids and stamps -----------------------------------------------------------------

    def next_ts(self) -> str:
        """A message ts: the app's clock in microseconds, strictly increasing and unique."""
        micros = max(int(self.clock() * 1_000_000), self._last_ts_us + 1)
        self._last_ts_us = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)

    # -- people and conversations -------------------------------------------------------

    def dm_channel_id(self, user_id: str) -> str:
        """The IM between the bot and `user_id`: stable, so tests can predict it."""
        digest = hashlib.sha1(user_id.encode()).hexdigest().upper()
        return "D" + digest[:10]

    def dm_channel(self, user_id: str) -> Channel:
        channel_id = self.dm_channel_id(user_id)
        channel = self.channels.get(channel_id)
        if channel is None:
            channel = Channel(
                id=channel_id,
                name=user_id,
                is_private=True,
                is_im=True,
                user=user_id,
                created=int(self.clock()),
                members=[user_id, self.identity.bot_user_id],
            )
            self.channels[channel_id] = channel
        return channel

    def find_channel(self, ref: str | None) -> Channel | None:
        """A conversation by id or `#name` (not by user id; callers decide about those)."""
        if not ref:
            return None
        if ref.startswith("#"):
            return next((c for c in self.channels.values() if c.name == ref[1:]), None)
        return self.channels.get(ref)

    def user_by_email(self, email: str) -> User | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def user_json(self, user: User, *, include_locale: bool = False) -> dict[str, Any]:
        zone = ZoneInfo(user.tz)
        now = datetime.fromtimestamp(self.clock(), zone)
        offset = now.utcoffset()
        real_name = user.real_name or user.name
        data: dict[str, Any] = {
            "id": user.id,
            "team_id": self.identity.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "color": "9f69e7",
            "real_name": real_name,
            "tz": user.tz,
            "tz_label": now.tzname() or user.tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0,
            "profile": {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": user.name,
                "display_name_normalized": user.name,
                "email": user.email,
                "team": self.identity.team_id,
            },
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "updated": int(self.clock()),
        }
        if include_locale:
            data["locale"] = user.locale
        return data

    def channel_json(self, channel: Channel) -> dict[str, Any]:
        if channel.is_im:
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.user,
                "is_user_deleted": bool(
                    channel.user in self.users and self.users[channel.user].deleted
                ),
                "priority": 0,
            }
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_member": channel.bot_is_member,
            "created": channel.created,
            "creator": "",
            "unlinked": 0,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "num_members": len(channel.members),
        }

    # -- messages -----------------------------------------------------------------------

    def bot_message(self, ts: str) -> dict[str, Any]:
        """The envelope Slack puts around anything the bot posts."""
        ident = self.identity
        return {
            "type": "message",
            "user": ident.bot_user_id,
            "bot_id": ident.bot_id,
            "app_id": ident.app_id,
            "ts": ts,
            "team": ident.team_id,
            "bot_profile": {
                "id": ident.bot_id,
                "app_id": ident.app_id,
                "name": ident.bot_name,
                "deleted": False,
                "team_id": ident.team_id,
            },
        }

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel_id, []) if m["ts"] == ts), None)

    def locate_message(self, ts: str) -> tuple[str, dict[str, Any]] | None:
        for channel_id, messages in self.messages.items():
            for message in messages:
                if message["ts"] == ts:
                    return channel_id, message
        return None

    def add_message(self, channel_id: str, message: dict[str, Any]) -> None:
        self.messages.setdefault(channel_id, []).append(message)
        parent_ts = message.get("thread_ts")
        if parent_ts and parent_ts != message["ts"]:
            parent = self.find_message(channel_id, parent_ts)
            if parent is not None:
                parent["thread_ts"] = parent_ts
                parent["reply_count"] = parent.get("reply_count", 0) + 1
                parent["latest_reply"] = message["ts"]

    # -- views --------------------------------------------------------------------------

    def new_view(self, view: dict[str, Any], *, view_id: str | None = None) -> dict[str, Any]:
        """Slack's full view object around the app's view (ids filled in, state empty)."""
        ident = self.identity
        view_id = view_id or random_id("V")
        full: dict[str, Any] = {
            "id": view_id,
            "team_id": ident.team_id,
            "type": view.get("type"),
            "blocks": with_generated_ids(view.get("blocks") or []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "root_view_id": view_id,
            "previous_view_id": None,
            "app_id": ident.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": ident.team_id,
            "bot_id": ident.bot_id,
        }
        if view.get("type") == "modal":
            full["title"] = copy.deepcopy(view.get("title"))
            full["submit"] = copy.deepcopy(view.get("submit"))
            full["close"] = copy.deepcopy(view.get("close"))
        return full

    def view_by_external_id(self, external_id: str) -> dict[str, Any] | None:
        return next((v for v in self.views.values() if v.get("external_id") == external_id), None)

    def current_modal(self, user_id: str | None) -> dict[str, Any] | None:
        stack = self.modal_stacks.get(user_id) or []
        return self.views.get(stack[-1]) if stack else None


def with_generated_ids(blocks: list[Any]) -> list[Any]:
    """Copy of `blocks` with the block_id/action_id Slack invents when the app leaves them out.

    Slack returns these in views and messages and keys `state.values` by them, so the
    emulator must do the same for submissions to line up.
    """
    result = copy.deepcopy(blocks)
    for block in result:
        if not isinstance(block, dict):
            continue
        block.setdefault("block_id", _short_id())
        elements: list[Any] = []
        for key in ("element", "accessory"):
            if isinstance(block.get(key), dict):
                elements.append(block[key])
        if block.get("type") == "actions" and isinstance(block.get("elements"), list):
            elements += [e for e in block["elements"] if isinstance(e, dict)]
        for element in elements:
            if element.get("type") not in ("image", None):
                element.setdefault("action_id", _short_id())
    return result


def _short_id() -> str:
    letters = string.ascii_letters + string.digits
    return "".join(secrets.choice(letters) for _ in range(5))
