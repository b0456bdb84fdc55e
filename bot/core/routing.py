"""Several chat platforms as one port: a deployment on Slack, on Teams, or on both.

Delivery, channel posts and the flows are written against one `ChatPort`. With two platforms
configured, `RoutedChat` is that port: each address belongs to the platform whose adapter owns
it (`owns(address)`: Slack ids and channels never contain a colon, Teams ids always do), so a
send, update, join or look-back goes to the adapter that made the address. Which address a
*person* gets is decided before that, by `bot.core.chat.addresses`: their identity on the
platform they were most recently seen on (bot/core/identity.py: `reachable`) — one platform
per person, never both. A department's posts go to each channel the department has, one per platform
(bot/showcase/domain.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core import ui
from bot.core.chat import ChatPort, DeliveryError, Failure, Sent


def _owns(port: ChatPort, address: str) -> bool:
    owns = getattr(port, "owns", None)
    return bool(owns(address)) if owns is not None else True


class RoutedChat:
    """The chat port over several platforms' ports (see the module docstring)."""

    def __init__(self, ports: Sequence[ChatPort]) -> None:
        assert ports, "at least one platform"
        self.ports = tuple(ports)

    @property
    def platform(self) -> str:
        """The first platform's name, for code that asks one port for one platform."""
        return self.ports[0].platform

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(port.platform for port in self.ports)

    def port_for(self, address: str) -> ChatPort:
        for port in self.ports:
            if _owns(port, address):
                return port
        raise DeliveryError(Failure.PERMANENT, "no_platform")

    def platform_for(self, address: str) -> str:
        return self.port_for(address).platform

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Sent:
        return self.port_for(to).send(to, message, thread=thread)

    def attach(self, to: str, attachment: ui.Attachment, *, thread: str | None = None) -> None:
        self.port_for(to).attach(to, attachment, thread=thread)

    def update(self, sent: Sent, message: ui.Message) -> None:
        self.port_for(sent.channel).update(sent, message)

    def join(self, channel: str) -> None:
        self.port_for(channel).join(channel)

    def find(self, to: str, key: str, value: str, since: datetime) -> Sent | None:
        return self.port_for(to).find(to, key, value, since)

    def fits(self, message: ui.Message) -> bool:
        """Whether every platform takes it: a message is built before its platform is known."""
        return all(port.fits(message) for port in self.ports)
