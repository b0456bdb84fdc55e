"""chat.*: posting, editing and deleting the bot's messages."""

from __future__ import annotations

from typing import Any

from emulator.methods.common import (
    postable_channel,
    public_message,
    read_content,
    readable_channel,
    with_warnings,
)
from emulator.methods.registry import method
from emulator.params import Params
from emulator.records import Ephemeral
from emulator.workspace import SlackError, Workspace


@method("chat.postMessage")
def post_message(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = postable_channel(ws, p.text("channel"))
    content = read_content(ws, p)
    ts = ws.next_ts()
    message = ws.bot_message(ts)
    content.write_into(message)
    thread_ts = p.text("thread_ts")
    if thread_ts:
        if ws.find_message(channel.id, thread_ts) is None:
            ws.warn(f"thread_ts_not_found:{channel.id}/{thread_ts}")
        message["thread_ts"] = thread_ts
        if p.flag("reply_broadcast"):
            message["subtype"] = "thread_broadcast"
    ws.add_message(channel.id, message)
    body = {"ok": True, "channel": channel.id, "ts": ts, "message": public_message(message)}
    return with_warnings(body, content.warnings)


@method("chat.update")
def update(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = postable_channel(ws, p.text("channel"), allow_user=False)
    ts = p.require("ts")
    message = ws.find_message(channel.id, ts)
    if message is None:
        raise SlackError("message_not_found")
    if message.get("bot_id") != ws.identity.bot_id:
        raise SlackError("cant_update_message")
    content = read_content(ws, p)
    content.write_into(message)
    message["edited"] = {"user": ws.identity.bot_user_id, "ts": ws.next_ts()}
    body = {
        "ok": True,
        "channel": channel.id,
        "ts": ts,
        "text": message.get("text", ""),
        "message": public_message(message),
    }
    return with_warnings(body, content.warnings)


@method("chat.delete")
def delete(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = readable_channel(ws, p.text("channel"))
    ts = p.require("ts")
    message = ws.find_message(channel.id, ts)
    if message is None:
        raise SlackError("message_not_found")
    if message.get("bot_id") != ws.identity.bot_id:
        raise SlackError("cant_delete_message")
    ws.messages[channel.id].remove(message)
    return {"ok": True, "channel": channel.id, "ts": ts}


@method("chat.postEphemeral")
def post_ephemeral(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = postable_channel(ws, p.text("channel"))
    user_id = p.require("user")
    user = ws.users.get(user_id)
    if user is None:
        raise SlackError("user_not_found")
    if channel.members and user_id not in channel.members:
        raise SlackError("user_not_in_channel")
    content = read_content(ws, p)
    ts = ws.next_ts()
    message = ws.bot_message(ts)
    content.write_into(message)
    if p.text("thread_ts"):
        message["thread_ts"] = p.text("thread_ts")
    ws.ephemerals.append(Ephemeral(channel=channel.id, user=user_id, message=message))
    return with_warnings({"ok": True, "message_ts": ts}, content.warnings)


@method("chat.getPermalink")
def get_permalink(ws: Workspace, p: Params) -> dict[str, Any]:
    channel = readable_channel(ws, p.text("channel"))
    ts = p.require("message_ts")
    if ws.find_message(channel.id, ts) is None:
        raise SlackError("message_not_found")
    permalink = (
        f"https://{ws.identity.team_domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
    )
    return {"ok": True, "channel": channel.id, "permalink": permalink}
