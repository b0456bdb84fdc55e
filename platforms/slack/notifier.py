"""The Notifier port on Slack: direct messages with optional file, and in-place updates."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.core import ui
from bot.core.notify import Delivered
from platforms.slack.chat import SlackChat
from storage.models import Person

log = logging.getLogger(__name__)


class SlackNotifier:
    def __init__(self, chat: SlackChat) -> None:
        self.chat = chat

    def send(
        self, person: Person, message: ui.Message, attachment: ui.Attachment | None = None
    ) -> Delivered | None:
        if not person.slack_id:
            return None
        try:
            sent = self.chat.send_dm(person.slack_id, message)
            if attachment is not None:
                # In the thread, so the invitation sits with the message it belongs to.
                self.chat.upload(sent.channel, attachment, thread_ts=sent.ts)
        except SlackApiError as error:
            log.warning("DM to person %s failed: %s", person.id, error.response.get("error"))
            return None
        return Delivered(sent.channel, sent.ts)

    def replace(self, channel: str, ts: str, message: ui.Message) -> None:
        self.chat.update(channel, ts, message)
