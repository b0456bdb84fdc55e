"""The ChannelPort (bot/showcase/channel_posts.py) on Slack: post, update, join, look back.

Department channels come from the import as an ID (`C…`) or a `#name`. chat.postMessage takes
either; conversations.join and conversations.history need the ID, so a name is looked up once
with conversations.list (public channels, `channels:read`) and cached.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import ui
from bot.showcase.channel_posts import METADATA_KEY, ChannelError, Placed
from platforms.slack.blocks import render_message

_ids: dict[str, str] = {}
_ids_lock = threading.Lock()
_LIST_PAGES_MAX = 20


def _code(error: SlackApiError) -> str:
    return str(error.response.get("error") or f"http_{error.response.status_code}")


class SlackChannels:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def channel_id(self, channel: str) -> str:
        if not channel.startswith("#"):
            return channel
        name = channel[1:]
        with _ids_lock:
            known = _ids.get(channel)
        if known:
            return known
        cursor: str | None = None
        for _page in range(_LIST_PAGES_MAX):
            try:
                response = self.client.conversations_list(
                    types="public_channel", exclude_archived=False, limit=1000, cursor=cursor
                )
            except SlackApiError as error:
                raise ChannelError(_code(error)) from error
            channels: list[dict[str, Any]] = response.get("channels", [])
            for item in channels:
                if item.get("name") == name:
                    with _ids_lock:
                        _ids[channel] = str(item["id"])
                    return str(item["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        raise ChannelError("channel_not_found")

    def post(self, channel: str, message: ui.Message, thread_ts: str | None = None) -> Placed:
        kwargs: dict[str, Any] = render_message(message)
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        try:
            response = self.client.chat_postMessage(channel=channel, **kwargs)
        except SlackApiError as error:
            raise ChannelError(_code(error)) from error
        return Placed(str(response["channel"]), str(response["ts"]))

    def update(self, channel: str, ts: str, message: ui.Message) -> None:
        try:
            self.client.chat_update(channel=channel, ts=ts, **render_message(message))
        except SlackApiError as error:
            raise ChannelError(_code(error)) from error

    def join(self, channel: str) -> None:
        try:
            self.client.conversations_join(channel=self.channel_id(channel))
        except SlackApiError as error:
            code = _code(error)
            # A private channel: the bot must be invited; tell it as Slack did first.
            raise ChannelError(
                "not_in_channel" if code == "method_not_supported_for_channel_type" else code
            ) from error

    def find(self, channel: str, marker: str, since: datetime) -> Placed | None:
        try:
            channel_id = self.channel_id(channel)
            response = self.client.conversations_history(
                channel=channel_id,
                oldest=f"{since.timestamp():.6f}",
                include_all_metadata=True,
                limit=200,
            )
        except SlackApiError as error:
            raise ChannelError(_code(error)) from error
        messages: list[dict[str, Any]] = response.get("messages", [])
        for item in messages:
            payload = (item.get("metadata") or {}).get("event_payload") or {}
            if str(payload.get(METADATA_KEY, "")) == marker:
                return Placed(channel_id, str(item["ts"]))
        return None
