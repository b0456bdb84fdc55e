"""A chat port that records what it is asked to send, for flows tested without a platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core import ui
from bot.core.chat import Sent


@dataclass
class RecordingChat:
    platform: str = "slack"
    sent: list[tuple[str, ui.Message]] = field(default_factory=list)
    attached: list[tuple[str, ui.Attachment]] = field(default_factory=list)
    updated: list[tuple[Sent, ui.Message]] = field(default_factory=list)

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Sent:
        self.sent.append((to, message))
        return Sent(f"D{to}", f"{len(self.sent)}.000")

    def attach(self, to: str, attachment: ui.Attachment, *, thread: str | None = None) -> None:
        self.attached.append((to, attachment))

    def update(self, sent: Sent, message: ui.Message) -> None:
        self.updated.append((sent, message))

    def join(self, channel: str) -> None:
        return None

    def find(self, to: str, key: str, value: str, since: datetime) -> Sent | None:
        return None

    def fits(self, message: ui.Message) -> bool:
        return True
