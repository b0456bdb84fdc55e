"""The one list of features. Every entry point (run, tick, import, erase, report, audit, the
playground and the tests) builds its registry from this list through `netvaerk.app.build_deps`,
so a process never depends on which modules it happened to import.

The order is the order of App Home's added sections and of the planner's rules.
"""

from __future__ import annotations

from bot.booking.feature import feature as booking
from bot.checklist.feature import feature as checklist
from bot.core.feature import Feature, Registry
from bot.home.feature import feature as home
from bot.meetings.feature import feature as meetings
from bot.organisation.feature import feature as organisation
from bot.privacy.feature import feature as privacy
from bot.reminders.feature import feature as reminders
from bot.secretariat.feature import feature as secretariat
from bot.showcase.feature import feature as showcase


def features() -> tuple[Feature, ...]:
    return (
        organisation(),
        booking(),
        reminders(),
        checklist(),
        showcase(),
        meetings(),
        home(),
        privacy(),
        secretariat(),
    )


def registry() -> Registry:
    return Registry.of(features())
