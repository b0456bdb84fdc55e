"""The playground's Outlook: the Graph emulator on loopback with seeded calendars.

A visitor who books sees the free times of both people in the form, and an accepted proposal
becomes an event in the emulated mailbox, exactly as with a real tenant: the bot talks to the
emulator over https through the same Graph client (platforms/microsoft/graph_calendar.py). The
emulator's CA is trusted by that one client only (`ca_file`), so nothing else in the process
changes what it trusts.

The busy times are a plain weekly pattern, the same for every start day: mornings to 09:30 on
alternate working days, lunch, and long afternoons twice a week — so the first free times are
not simply "tomorrow at 08:00". 10:00–11:00 stays free for everyone (the playground's tests
book it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.booking.calendar_port import CalendarPort
from bot.core import clock
from bot.core.settings import Settings
from bot.core.working_calendar import WorkingCalendar
from emulator.microsoft import MicrosoftCloud
from emulator.microsoft.graph import GraphCalendar as GraphEmulator
from platforms.microsoft.graph_calendar import make_graph_calendar

SEEDED_DAYS = 35


def _busy_pattern(index: int, day: date) -> list[tuple[time, time]]:
    blocks = [(time(12, 0), time(13, 0))]
    if (day.toordinal() + index) % 2 == 0:
        blocks.append((time(8, 0), time(9, 30)))
    if (day.weekday() + index) % 5 in (1, 3):
        blocks.append((time(13, 30), time(16, 0)))
    return blocks


def seed(
    graph: GraphEmulator,
    emails: Iterable[str],
    first_day: date,
    tz: str,
    calendar: WorkingCalendar,
) -> int:
    """Busy times for everyone for the next weeks; how many were added."""
    zone = ZoneInfo(tz)
    added = 0
    for index, email in enumerate(sorted(emails)):
        for offset in range(SEEDED_DAYS):
            day = first_day + timedelta(days=offset)
            if not calendar.is_working_day(day):
                continue
            for start, end in _busy_pattern(index, day):
                graph.add_busy(
                    email,
                    datetime.combine(day, start, tzinfo=zone),
                    datetime.combine(day, end, tzinfo=zone),
                )
                added += 1
    return added


class PlaygroundCalendar:
    """The emulated cloud with Graph, and the bot's port to it."""

    def __init__(self, base: Settings) -> None:
        # Tokens follow the playground's clock, which the visitor moves.
        self.cloud = MicrosoftCloud(clock=lambda: clock.now().timestamp()).start()
        self.graph = GraphEmulator(self.cloud)
        env = self.graph.environment()
        settings = base.model_copy(
            update={
                "graph_tenant_id": env["GRAPH_TENANT_ID"],
                "graph_client_id": env["GRAPH_CLIENT_ID"],
                "graph_client_secret": env["GRAPH_CLIENT_SECRET"],
                "graph_url": env["GRAPH_URL"],
                "graph_login_url": env["GRAPH_LOGIN_URL"],
            }
        )
        port = make_graph_calendar(settings, ca_file=self.cloud.ca_file)
        assert port is not None
        self.port: CalendarPort = port

    def stop(self) -> None:
        self.cloud.stop()
