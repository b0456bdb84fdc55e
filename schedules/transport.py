"""What delivery needs from a chat platform, and how a failed send is classified.

Delivery (schedules/delivery.py) is written against this port, so the rules about retries,
leases and unknown outcomes are the same whatever the platform (Slack now, Teams later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.core import ui


class Failure(StrEnum):
    RATE_LIMITED = "rate_limited"  # not sent; wait `retry_after` seconds
    TRANSIENT = "transient"  # retry with backoff; `maybe_sent` says whether to check history
    PERMANENT = "permanent"  # give up at once and report to the secretariat


class DeliveryError(Exception):
    def __init__(
        self,
        failure: Failure,
        code: str,
        *,
        retry_after: float | None = None,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(code)
        self.failure = failure
        self.code = code
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent


@dataclass(frozen=True)
class Posted:
    channel: str
    ts: str


class Transport(Protocol):
    def send(self, address: str, message: ui.Message) -> Posted:
        """Post `message` to a person (platform user id) or a channel; raises DeliveryError."""
        ...

    def fits(self, message: ui.Message) -> bool:
        """Whether the platform takes `message` as one message (its block and text limits)."""
        ...

    def find(self, address: str, outbox_id: int, since: datetime) -> Posted | None:
        """The message carrying `outbox_id` in its metadata, posted to `address` since `since`,
        if there is one. Raises DeliveryError when the history cannot be read."""
        ...
