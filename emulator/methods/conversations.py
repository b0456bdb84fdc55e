"""conversations.*: IMs, channel info, joining and reading history."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from emulator.methods.common import public_message, readable_channel
from emulator.methods.registry import method
from emulator.params import Params
from emulator.workspace import SlackError, Workspace


def page(items: Sequence[Any], p: Params, *, default_limit: int = 100) -> tuple[list[Any], str]:
    """Slack's cursor pagination over `items`: the page and the next cursor ("" at the end)."""
    limit = max(1, min(p.number("limit", default_limit), 1000))
    cursor = p.text("cursor")
    start = 0
    if cursor:
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("next:"))
        except ValueError:
            raise SlackError("invalid_cursor") from None
    end = start + limit
    next_cursor = base64.b64encode(f"next:{end}".encode()).decode() if end < len(items) else ""
    return list(items[start:end]), next_cursor


@method("conversations.open")
def open_conversation(ws: Workspace, p: Params) -> dict[str, Any]:
    users = [u for u in (p.text("users") or "").split(",") if u]
    if not users:
        channel_id = p.text("channel")
        if channel_id is None:
            raise SlackError("users_list_not_supplied")
        channel = readable_channel(ws, channel_id)
        return {"ok": True, "channel": {"id": channel.id}}
    if len(users) > 1:
        raise SlackError("method_not_supported_for_channel_type")  # MPIMs are not modelled
    user = ws.users.get(users[0])
    if user is None:
        raise SlackError("user_not_found")
    if user.deleted:
        raise SlackError("user_disabled")
    if user.id == ws.identity.bot_user_id:
        raise SlackError("cannot_dm_bot")
    existed = ws.dm_channel_id(user.id) in ws.channels
    channel = ws.dm_channel(user.id)
    data = ws.channel_json(channel) if p.flag("return_im") else {"id": channel.id}
    body: dict[str, Any] = {"ok": True, "channel": data}
    if existed:
        body.update(no_op=True, already_open=True)
    return body


@method("conversations.info")
def info(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = readable_channel(ws, p.require("channel"))
    return {"ok": True, "channel": ws.channel_json(channel)}


@method("conversations.join")
def join(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = ws.find_channel(p.require("channel"))
    if channel is None:
        raise SlackError("channel_not_found")
    if channel.is_im or channel.is_private:  # a bot can only be invited to those
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    body: dict[str, Any] = {"ok": True}
    if channel.bot_is_member:
        body.update(
            warning="already_in_channel",
            response_metadata={"warnings": ["already_in_channel"]},
        )
    channel.bot_is_member = True
    if ws.identity.bot_user_id not in channel.members:
        channel.members.append(ws.identity.bot_user_id)
    body["channel"] = ws.channel_json(channel)
    return body


@method("conversations.list")
def list_conversations(ws: Workspace, p: Params) -> dict[str, Any]:
    types = set((p.text("types") or "public_channel").split(","))
    exclude_archived = p.flag("exclude_archived")
    visible = []
    for channel in ws.channels.values():
        kind = (
            "im" if channel.is_im else "private_channel" if channel.is_private else "public_channel"
        )
        if kind not in types or (exclude_archived and channel.is_archived):
            continue
        if kind == "private_channel" and not channel.bot_is_member:
            continue
        visible.append(ws.channel_json(channel))
    channels, cursor = page(visible, p)
    return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": cursor}}


@method("conversations.members")
def members(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = readable_channel(ws, p.require("channel"))
    items, cursor = page(channel.members, p)
    return {"ok": True, "members": items, "response_metadata": {"next_cursor": cursor}}


@method("conversations.history")
def history(ws: Workspace, p: Params) -> dict[str, Any]:
    """Newest first; thread replies stay in their thread, as on Slack."""
    channel = readable_channel(ws, p.require("channel"))
    if not channel.is_im and not channel.bot_is_member:
        raise SlackError("not_in_channel")
    oldest, latest = p.decimal("oldest"), p.decimal("latest")
    inclusive = p.flag("inclusive")
    with_metadata = p.flag("include_all_metadata")

    def wanted(message: dict[str, Any]) -> bool:
        ts = float(message["ts"])
        thread_ts = message.get("thread_ts")
        if (
            thread_ts
            and thread_ts != message["ts"]
            and message.get("subtype") != "thread_broadcast"
        ):
            return False
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            return False
        return latest is None or ts < latest or (ts == latest and inclusive)

    selected = [m for m in reversed(ws.messages.get(channel.id, [])) if wanted(m)]
    items, cursor = page(selected, p)
    return {
        "ok": True,
        "messages": [public_message(m, include_metadata=with_metadata) for m in items],
        "has_more": bool(cursor),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.replies")
def replies(ws: Workspace, p: Params) -> dict[str, Any]:
    """The parent first, then its replies, oldest first."""
    channel = readable_channel(ws, p.require("channel"))
    ts = p.require("ts")
    parent = ws.find_message(channel.id, ts)
    if parent is None:
        raise SlackError("thread_not_found")
    root = parent.get("thread_ts") or ts
    if root != ts:
        parent = ws.find_message(channel.id, root) or parent
    thread = [parent] + [
        m for m in ws.messages.get(channel.id, []) if m.get("thread_ts") == root and m["ts"] != root
    ]
    items, cursor = page(thread, p, default_limit=1000)
    with_metadata = p.flag("include_all_metadata")
    return {
        "ok": True,
        "messages": [public_message(m, include_metadata=with_metadata) for m in items],
        "has_more": bool(cursor),
        "response_metadata": {"next_cursor": cursor},
    }
