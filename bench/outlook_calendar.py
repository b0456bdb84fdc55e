"""Benchmark: the Outlook calendar against the Graph emulator over https (its own CA).

    .venv/bin/python bench/outlook_calendar.py [--requests 200]

Drives the real BookingFlow (bot/booking/flows.py) with the real Graph client
(platforms/microsoft/graph_calendar.py); only the chat is a stand-in that keeps the messages.
Two people with seeded calendars (about 40 % of the booking hours busy, at random but the same
on every run). Prints:

- slots offered per request: the free times the form pre-fills, over `--requests` forms opened
  at moments spread over three weeks (the search may come up short when calendars are full);
- Graph calls per booking, propose → accept: what the form, the submission and the acceptance
  ask of Graph (the token endpoint counted apart: it is cached for an hour);
- time to offer slots: opening the booking form (DB + getSchedule + the free-time search), p50
  and p99 over the same requests, and the free-time search alone.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.booking.flows import BookingFlow  # noqa: E402
from bot.booking.free_times import free_slots, search_window  # noqa: E402
from bot.core import clock, ui  # noqa: E402
from bot.core.chat import DirectMessages  # noqa: E402
from bot.core.settings import Settings  # noqa: E402
from emulator.microsoft import MicrosoftCloud  # noqa: E402
from emulator.microsoft.graph import GraphCalendar as GraphEmulator  # noqa: E402
from netvaerk.app import build_deps  # noqa: E402
from platforms.microsoft.graph_calendar import GraphCalendar, make_graph_calendar  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Network, Person  # noqa: E402

CPH = ZoneInfo("Europe/Copenhagen")
START = datetime(2027, 3, 1, 9, 0, tzinfo=CPH)  # a Monday
EMPLOYEE, MANAGER = "anne.jensen@example.dk", "lars.nielsen@example.dk"


class KeptMessages(DirectMessages):
    """The chat side, in memory: every person is reachable, every message is kept."""

    def __init__(self, db: Database) -> None:
        super().__init__(chat=None, db=db)  # type: ignore[arg-type]
        self.sent: list[tuple[int | None, ui.Message]] = []

    def address(self, person: Person) -> str | None:
        return f"U{person.id}"

    def send(
        self, person: Person, message: ui.Message, attachment: ui.Attachment | None = None
    ) -> Any:
        self.sent.append((person.id, message))
        return object()

    def replace(self, channel: str, ts: str, message: ui.Message) -> None:
        return None


def seed(graph: GraphEmulator, rng: random.Random) -> None:
    """About 40 % of 08:00–16:00 busy for each, in half-hour to two-hour blocks."""
    for email in (EMPLOYEE, MANAGER):
        for offset in range(40):
            day = START.date() + timedelta(days=offset)
            moment = datetime.combine(day, datetime.min.time(), tzinfo=CPH) + timedelta(hours=8)
            end_of_day = moment + timedelta(hours=8)
            while moment < end_of_day:
                length = timedelta(minutes=30 * rng.randint(1, 4))
                if rng.random() < 0.4:
                    graph.add_busy(email, moment, min(moment + length, end_of_day))
                moment += length


def build(db: Database) -> tuple[Person, Person]:
    with db.session() as s:
        manager = Person(email=MANAGER, name="Lars Nielsen", language="da")
        s.add(manager)
        s.flush()
        employee = Person(email=EMPLOYEE, name="Anne Jensen", language="da", manager_id=manager.id)
        s.add(employee)
        s.flush()
        s.add(
            Network(
                name="Klimatilpasning",
                theme="Skybrud",
                leader_id=employee.id or 0,
                start_date=date(2027, 1, 4),
            )
        )
        s.commit()
        s.refresh(manager)
        s.refresh(employee)
        return employee, manager


def _field(form: ui.Form, field_id: str) -> Any:
    return next(i for i in form.items if getattr(i, "id", None) == field_id)


def _calls(cloud: MicrosoftCloud) -> dict[str, int]:
    counts: dict[str, int] = {}
    for call in cloud.calls:
        counts[call.kind] = counts.get(call.kind, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(12)
    workdir = Path(tempfile.mkdtemp(prefix="netvaerk-bench-calendar-"))
    db = Database(f"sqlite:///{workdir / 'bench.sqlite3'}")
    db.upgrade()
    employee, manager = build(db)
    with MicrosoftCloud() as cloud:
        graph = GraphEmulator(cloud, scope=[EMPLOYEE, MANAGER])
        seed(graph, rng)
        os.environ.update(graph.environment())
        settings = Settings(database_url=db.url)
        deps = build_deps(settings, db)
        deps.outlook = make_graph_calendar(settings, sleep=lambda seconds: None)
        assert isinstance(deps.outlook, GraphCalendar)
        notifier = KeptMessages(db)
        flow = BookingFlow(deps, notifier)

        # Offering: forms opened at moments spread over three weeks.
        timings: list[float] = []
        offered: list[int] = []
        for n in range(args.requests):
            clock.travel_to(START + timedelta(minutes=151 * n))
            began = time.perf_counter()
            form = flow.booking_form(employee)
            timings.append(time.perf_counter() - began)
            offered.append(
                sum(1 for k in (1, 2, 3) if _field(form, f"date{k}").initial is not None)
            )

        # The bot's own part: the free-time search on the calendars read once.
        window = search_window(START, deps.calendar)
        busy = deps.outlook.busy([EMPLOYEE, MANAGER], *window)
        search: list[float] = []
        for n in range(args.requests):
            moment = START + timedelta(minutes=151 * n)
            began = time.perf_counter()
            free_slots(busy, deps.calendar, 60, moment, "Europe/Copenhagen")
            search.append(time.perf_counter() - began)

        # One booking, propose → accept, counted call by call.
        clock.travel_to(START)
        before = _calls(cloud)
        form = flow.booking_form(employee)
        values: dict[str, str | None] = {
            "pair": _field(form, "pair").initial,
            "place_kind": "teams",
        }
        for k in (1, 2, 3):
            day, at = _field(form, f"date{k}").initial, _field(form, f"time{k}").initial
            values[f"date{k}"] = day.isoformat() if day else None
            values[f"time{k}"] = at.strftime("%H:%M") if at else None
        errors, conversation_id = flow.submit_booking(employee, "", values)
        assert not errors and conversation_id is not None, errors.errors
        conversation = flow.conversation(conversation_id)
        flow.accept_proposal(manager, [conversation_id, conversation.revision, 0], None)
        after = _calls(cloud)
        clock.set_offset(timedelta(0))
    booking = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    graph_calls = sum(v for k, v in booking.items() if k != "token")
    events = graph.events(EMPLOYEE)

    ms = sorted(t * 1000 for t in timings)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"requests: {args.requests} (two people, ~40 % busy, forms opened over three weeks)")
    print(
        f"slots offered per request: mean {statistics.mean(offered):.2f}, "
        f"min {min(offered)}, max {max(offered)}; "
        + ", ".join(f"{k} slots: {offered.count(k)}" for k in (0, 1, 2, 3))
    )
    print(
        f"Graph calls per booking (form → submit → accept): {graph_calls} "
        f"({', '.join(f'{k} {v}' for k, v in sorted(booking.items()) if k != 'token')}); "
        f"token requests: {booking.get('token', 0)}; events in the mailbox: {len(events)}"
    )
    print(
        f"time to offer slots (booking form, DB + getSchedule + search): "
        f"p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms"
    )
    found = sorted(t * 1000 for t in search)
    print(
        f"  of which the free-time search alone (no HTTP): p50 {statistics.median(found):.2f} ms, "
        f"p99 {found[min(len(found) - 1, int(len(found) * 0.99))]:.2f} ms; the rest is the "
        "getSchedule round trip to the emulator (https, token check, a 3-week availability view)"
    )
    print(f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPU(s)")


if __name__ == "__main__":
    main()
