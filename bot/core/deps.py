"""What handlers and jobs need, built once by the composition root and handed to them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.chat import ChatPort
from bot.core.feature import Registry
from bot.core.settings import Settings
from bot.core.working_calendar import WorkingCalendar
from storage.db import Database
from storage.models import Person

if TYPE_CHECKING:
    from bot.booking.calendar_port import CalendarPort


@dataclass
class Deps:
    settings: Settings
    db: Database
    calendar: WorkingCalendar
    # Every feature's rules, builders, Home sections, erasers and retention hooks
    # (bot/core/feature.py), built by the composition root from netvaerk/features.py.
    registry: Registry
    # The chat platform's language for a person (Slack locale), when the import gave none.
    platform_language: Callable[[Person], str | None] | None = None
    # The Outlook calendar (bot/booking/calendar_port.py) when GRAPH_* is configured; None keeps
    # booking on proposed times and the `.ics` invitation.
    outlook: CalendarPort | None = None
    # The chat port of a platform whose handlers share one per process (Teams: the Bot
    # Connector client, platforms/teams/chat.py), set where that platform's bot is built. Slack's
    # handlers make theirs per request from Bolt's client.
    chat: ChatPort | None = None

    def timezone_of(self, person: Person) -> str:
        return person.timezone or self.settings.netvaerk_timezone

    def language_of(self, person: Person) -> str:
        """The import's column, else the platform's locale, else NETVAERK_LANGUAGE."""
        if person.language:
            return person.language
        if self.platform_language is not None:
            found = self.platform_language(person)
            if found:
                return found
        return self.settings.netvaerk_language

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        # One per process: Bolt's copy of a request for a lazy listener shares it.
        return self
