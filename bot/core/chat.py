"""The one port through which the bot reaches people and channels, whatever the chat platform.

Every platform (Slack now, Teams next) implements `ChatPort`; everything that sends — the flows a
click starts, delivery from the outbox, channel posts — is written against it, so the rules about
retries, unknown outcomes and who cannot be reached are the same on every platform. A send that
fails raises `DeliveryError`, classified by the adapter, which alone knows its platform's errors.

Addresses are the platform's own strings: a person's user id there (from `platform_identities`,
bot/core/identity.py) for a direct message, or a channel as the organisation files give it. The
adapter tells the two apart; nothing outside it knows what an id looks like.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlmodel import Session

from bot.core import identity, ui
from storage.db import Database
from storage.models import Person

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """Where a message landed: the conversation it is in and its id there (Slack: channel, ts).
    Enough to update it, to reply in its thread, or to attach a file to it."""

    channel: str
    ts: str


class Failure(StrEnum):
    RATE_LIMITED = "rate_limited"  # not sent; wait `retry_after` seconds
    TRANSIENT = "transient"  # retry with backoff; `maybe_sent` says whether to check history
    PERMANENT = "permanent"  # give up at once and report to the secretariat


class DeliveryError(Exception):
    """A send, update, join or look-back that failed, with the platform's reason in `code`."""

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


class ChatPort(Protocol):
    """What the bot needs from a chat platform. Every method raises DeliveryError."""

    @property
    def platform(self) -> str:
        """The platform's name, the key of a person's id in `platform_identities`."""
        ...

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Sent:
        """A direct message (`to` is a person's user id) or a channel post, optionally as a
        reply in the thread of an earlier message."""
        ...

    def attach(self, to: str, attachment: ui.Attachment, *, thread: str | None = None) -> None:
        """A file (or, where the platform has no files, a link to it) in a conversation."""
        ...

    def update(self, sent: Sent, message: ui.Message) -> None:
        """Replace a message already sent (e.g. a proposal once it is answered)."""
        ...

    def join(self, channel: str) -> None:
        """Join a public channel the bot is not in yet."""
        ...

    def find(self, to: str, key: str, value: str, since: datetime) -> Sent | None:
        """A message of ours sent to `to` since `since` whose metadata has `key` = `value`: after
        an unknown outcome, whether the earlier attempt got through."""
        ...

    def fits(self, message: ui.Message) -> bool:
        """Whether the platform takes `message` as one message (its block and text limits);
        builders of messages that grow with data ask through `BuildContext.fits`."""
        ...


def platforms_of(port: ChatPort) -> tuple[str, ...]:
    """The platforms a port reaches: its own, or each of a router's."""
    return tuple(getattr(port, "platforms", None) or (port.platform,))


def platform_for(port: ChatPort, address: str) -> str:
    """The platform an address is on (for a mention written for the same platform)."""
    found = getattr(port, "platform_for", None)
    return str(found(address)) if found is not None else port.platform


def addresses(session: Session, port: ChatPort, person_ids: list[int]) -> dict[int, str]:
    """person id → the address `port` reaches them at, for those it can reach."""
    found = identity.reachable(session, person_ids, platforms_of(port))
    return {person_id: user_id for person_id, (_platform, user_id) in found.items()}


class DirectMessages:
    """Direct messages to people through a ChatPort, for the flows a person's action starts.

    Finds each person's id on the port's platform and never raises: a person who cannot be
    reached (not on the platform, deactivated) gets nothing, the failure is logged without who
    it was, and the caller carries on — the person who acted still gets their answer.
    """

    def __init__(self, chat: ChatPort, db: Database) -> None:
        self.chat = chat
        self.db = db

    def address(self, person: Person) -> str | None:
        if person.id is None:
            return None
        with self.db.session() as session:
            return addresses(session, self.chat, [person.id]).get(person.id)

    def send(
        self, person: Person, message: ui.Message, attachment: ui.Attachment | None = None
    ) -> Sent | None:
        to = self.address(person)
        if to is None:
            return None
        try:
            sent = self.chat.send(to, message)
            if attachment is not None:
                # In the thread, so the file sits with the message it belongs to.
                self.chat.attach(sent.channel, attachment, thread=sent.ts)
        except DeliveryError as error:
            log.warning("direct message to person %s failed: %s", person.id, error.code)
            return None
        return sent

    def replace(self, channel: str, ts: str, message: ui.Message) -> None:
        """Replace a message sent earlier; raises DeliveryError (the person is waiting on it)."""
        self.chat.update(Sent(channel, ts), message)
