"""Sends neutral messages (bot/core/ui.py) to people and channels through the Slack Web API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.core import ui
from platforms.slack.blocks import render_message


@dataclass(frozen=True)
class Sent:
    channel: str
    ts: str


class SlackChat:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._dm_channels: dict[str, str] = {}

    def dm_channel(self, slack_id: str) -> str:
        """The DM channel with a person (files and history need its D… id, not the user id)."""
        channel = self._dm_channels.get(slack_id)
        if channel is None:
            channel = self.client.conversations_open(users=slack_id)["channel"]["id"]
            self._dm_channels[slack_id] = channel
        return channel

    def send_dm(
        self, slack_id: str, message: ui.Message, attachment: ui.Attachment | None = None
    ) -> Sent:
        sent = self.post(self.dm_channel(slack_id), message)
        if attachment is not None:
            self.upload(sent.channel, attachment, thread_ts=None)
        return sent

    def post(self, channel: str, message: ui.Message, thread_ts: str | None = None) -> Sent:
        kwargs: dict[str, Any] = render_message(message)
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        response = self.client.chat_postMessage(channel=channel, **kwargs)
        return Sent(channel=response["channel"], ts=response["ts"])

    def update(self, channel: str, ts: str, message: ui.Message) -> None:
        self.client.chat_update(channel=channel, ts=ts, **render_message(message))

    def upload(self, channel: str, attachment: ui.Attachment, thread_ts: str | None) -> None:
        self.client.files_upload_v2(
            channel=channel,
            filename=attachment.filename,
            title=attachment.title,
            content=attachment.content,
            thread_ts=thread_ts,
        )
