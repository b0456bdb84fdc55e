"""The port through which services reach people, whatever the chat platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core import ui
from storage.models import Person


@dataclass(frozen=True)
class Delivered:
    channel: str
    ts: str


class Notifier(Protocol):
    def send(
        self, person: Person, message: ui.Message, attachment: ui.Attachment | None = None
    ) -> Delivered | None:
        """Send a direct message; None when the person cannot be reached (e.g. not on Slack)."""
        ...

    def replace(self, channel: str, ts: str, message: ui.Message) -> None:
        """Replace a message already sent (e.g. a proposal once it is answered)."""
        ...
