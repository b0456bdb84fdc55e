"""One playground session: the emulator, the real Bolt app, the demo organisation and a clock.

What runs, and why it is wired this way:

- `SlackWebAPI` (the project's Slack Web API emulator) on loopback plays Slack. The real app is
  built by the composition root (`netvaerk.app.build_app`) and served by waitress on its own
  loopback port, with a random signing secret and the emulator's token, exactly as `netvaerk run`
  serves it in production. Nothing in `bot/` or `platforms/` knows it is in the playground.
- `SlackPlatform` turns what the browser does into Slack-shaped, signed requests to that app.
- The demo organisation (playground/demo/*.csv, the import format of DESIGN.md §4) goes through
  the real import, which finds people's Slack IDs by email in the emulator — so every demo person
  is registered there first.
- The clock is `bot.core.clock` with an offset. Moving it runs the scheduler's tick (planner and
  delivery) at the moments in between where something can be sent, so reminders arrive on the
  days they would in real life.
- The Outlook calendar is the Graph emulator (playground/calendar.py) with seeded busy times,
  over https with its own CA: the booking form offers both people's free times.
- Teams runs beside Slack (playground/teams.py): the Microsoft cloud emulator on loopback and
  the bot's Teams side served as `netvaerk run` serves it, so the page can show the same bot as
  Teams shows it.
- The database is the playground's own SQLite file, deleted and created again on every start
  and reset: the operator's DATABASE_URL is never touched.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import os
import re
import secrets
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import uvicorn
import waitress
from sqlmodel import select
from waitress.server import BaseWSGIServer

from bot.core import clock
from bot.core.chat import ChatPort
from bot.core.deps import Deps
from bot.core.settings import Settings
from bot.core.working_calendar import WorkingCalendar
from bot.organisation.importer import import_files
from emulator.clock import real_time
from emulator.microsoft import MicrosoftCloud
from emulator.platform import SlackPlatform
from emulator.web_api import SlackWebAPI
from netvaerk.app import build_app, build_deps, build_transport
from netvaerk.server import Probes, make_asgi, make_wsgi
from platforms.slack.client import make_client
from platforms.slack.directory import SlackDirectory
from platforms.slack.identity import slack_ids_of
from playground.calendar import PlaygroundCalendar, seed
from playground.teams import TeamsSide
from schedules.delivery import Delivery
from schedules.outbox import next_ready_at
from schedules.tick import run_tick
from storage.db import Database
from storage.models import Person

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).with_name("demo")
DEMO_FILES = ("departments.csv", "people.csv", "networks.csv", "puls.csv")
# The demo files are written for a playground whose first day is this Monday (see demo/README.md).
DEMO_DAY_ZERO = date(2027, 3, 1)
DATE_COLUMNS = ("date", "start_date", "end_date")
START_TIME = time(9, 0)  # the start of the sending window: the first reminders arrive at once
TICK_STEP = timedelta(minutes=30)
DB_FILENAME = "netvaerk-playground.sqlite3"
TOKEN = "xoxb-playground-token"
_TRUST = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")  # how the bot is told to trust a CA


@dataclass(frozen=True)
class DemoPerson:
    slack_id: str
    email: str
    name: str
    department: str
    manager_email: str
    language: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoChannel:
    channel_id: str
    name: str
    department: str


@dataclass
class DemoOrg:
    """The demo organisation as the playground needs it: who can be chosen, which channels."""

    people: list[DemoPerson] = field(default_factory=list)
    channels: list[DemoChannel] = field(default_factory=list)
    teams_channels: list[DemoChannel] = field(default_factory=list)  # the departments' teams
    networks: list[dict[str, str]] = field(default_factory=list)

    def person(self, slack_id: str) -> DemoPerson | None:
        return next((p for p in self.people if p.slack_id == slack_id), None)


def slack_id_for(email: str) -> str:
    """A readable, stable Slack-style user ID from the email (sofie.lund@… → USOFIELUND)."""
    local = email.split("@")[0].upper()
    return "U" + re.sub(r"[^A-Z0-9]", "", local.replace("Æ", "AE").replace("Ø", "OE"))


def channel_id_for(name: str) -> str:
    """A stable channel ID from a `#name` (Slack IDs are C + upper-case letters and digits)."""
    return "C" + re.sub(r"[^A-Z0-9]", "", name.upper())[:10].ljust(8, "0")


def default_start(is_working_day: Callable[[date], bool], tz: str) -> datetime:
    """09:00 today when today is a working day, else 09:00 on the next one (Copenhagen time)."""
    day = clock.now().astimezone(ZoneInfo(tz)).date()
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, START_TIME, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8-sig")
    header = text.splitlines()[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return list(reader.fieldnames or []), list(reader)


def shift_demo_files(
    target: Path, first_day: date, is_working_day: Callable[[date], bool]
) -> list[Path]:
    """Copy the demo files to `target` with every date moved from DEMO_DAY_ZERO to `first_day`;
    a date landing on a day off moves on to the next working day."""
    delta = first_day - DEMO_DAY_ZERO
    written: list[Path] = []
    for name in DEMO_FILES:
        columns, rows = _read_rows(DEMO_DIR / name)
        for row in rows:
            for column in DATE_COLUMNS:
                if row.get(column):
                    day = date.fromisoformat(row[column]) + delta
                    while not is_working_day(day):
                        day += timedelta(days=1)
                    row[column] = day.isoformat()
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path = target / name
        path.write_text(out.getvalue(), encoding="utf-8")
        written.append(path)
    return written


def read_demo_org(directory: Path) -> DemoOrg:
    org = DemoOrg()
    _, departments = _read_rows(directory / "departments.csv")
    for row in departments:
        name = row["channel"].lstrip("#")
        org.channels.append(DemoChannel(channel_id_for(name), name, row["department"]))
        teams_channel = (row.get("teams_channel") or "").strip()
        if teams_channel:
            org.teams_channels.append(DemoChannel(teams_channel, name, row["department"]))
    _, people = _read_rows(directory / "people.csv")
    for row in people:
        email = row["email"].strip()
        org.people.append(
            DemoPerson(
                slack_id=slack_id_for(email),
                email=email,
                name=row["name"].strip(),
                department=row["department"].strip(),
                manager_email=(row.get("manager_email") or "").strip(),
                language=(row.get("language") or "da").strip() or "da",
                roles=tuple(r.strip() for r in (row.get("roles") or "").split(";") if r.strip()),
            )
        )
    _, org.networks = _read_rows(directory / "networks.csv")
    return org


@dataclass
class _RunningApp:
    server: BaseWSGIServer
    stop: threading.Event
    thread: threading.Thread
    url: str


def _serve(deps: Deps) -> _RunningApp:
    """Serve the real app with waitress on a free loopback port, stoppable from outside: the
    event loop runs in small steps and the server is closed by that same thread."""
    server = waitress.create_server(make_wsgi(build_app(deps)), host="127.0.0.1", port=0, threads=8)
    assert isinstance(server, BaseWSGIServer)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        server.close()

    thread = threading.Thread(target=loop, name="playground-app", daemon=True)
    thread.start()
    return _RunningApp(server, stop, thread, f"http://127.0.0.1:{server.effective_port}")


class _RunningTeams:
    """The bot's Teams side (`/api/messages`) served by uvicorn on a free loopback port."""

    def __init__(self, deps: Deps) -> None:
        from platforms.teams.bot import build_teams_bot

        service = make_asgi(Probes(), teams=lambda adapter: build_teams_bot(deps, adapter))
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/api/messages"
        config = uvicorn.Config(service.asgi, log_config=None, access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)

        async def run() -> None:
            await service.prepare()
            await self.server.serve(sockets=[sock])

        self.thread = threading.Thread(
            target=asyncio.run, args=(run(),), name="playground-teams", daemon=True
        )
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            threading.Event().wait(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


class PlaygroundSession:
    """Everything one playground run needs; `start()` builds it, `stop()` takes it down."""

    def __init__(
        self,
        base: Settings,
        db_path: Path,
        *,
        start: datetime | None = None,
        background_tick_seconds: float = 60.0,
    ) -> None:
        self.base = base
        self.db_path = db_path
        self.requested_start = start
        self.background_tick_seconds = background_tick_seconds
        self.lock = threading.RLock()  # clock moves and ticks, one at a time
        self.org = DemoOrg()
        self.started_at: datetime | None = None
        self._api: SlackWebAPI | None = None
        self._app: _RunningApp | None = None
        self._platform: SlackPlatform | None = None
        self._deps: Deps | None = None
        self._calendar: PlaygroundCalendar | None = None
        self._db: Database | None = None
        self._transport: ChatPort | None = None
        self._files_dir: Path | None = None
        self._stop_ticking = threading.Event()
        self._ticker: threading.Thread | None = None
        self._teams: TeamsSide | None = None
        self._teams_app: _RunningTeams | None = None
        self._trust_before: dict[str, str | None] = {}

    # -- the parts, once started ------------------------------------------------------------

    @property
    def api(self) -> SlackWebAPI:
        assert self._api is not None, "the playground is not started"
        return self._api

    @property
    def platform(self) -> SlackPlatform:
        assert self._platform is not None, "the playground is not started"
        return self._platform

    @property
    def teams(self) -> TeamsSide:
        assert self._teams is not None, "the playground is not started"
        return self._teams

    @property
    def deps(self) -> Deps:
        assert self._deps is not None, "the playground is not started"
        return self._deps

    @property
    def tz(self) -> str:
        return self.base.netvaerk_timezone

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> PlaygroundSession:
        is_working_day = WorkingCalendar().is_working_day
        clock.set_offset(timedelta(0))
        start = self.requested_start or default_start(is_working_day, self.tz)
        clock.travel_to(start)
        self.started_at = start

        db = self._fresh_database()
        api = SlackWebAPI(tokens=[TOKEN], clock=lambda: clock.now().timestamp()).start()
        self._api = api
        self._files_dir = Path(tempfile.mkdtemp(prefix="netvaerk-playground-"))
        first_day = start.astimezone(ZoneInfo(self.tz)).date()
        paths = shift_demo_files(self._files_dir, first_day, is_working_day)
        self.org = read_demo_org(self._files_dir)
        for person in self.org.people:
            locale = "en-GB" if person.language == "en" else "da-DK"
            api.add_user(person.slack_id, person.email, person.name, tz=self.tz, locale=locale)
        for channel in self.org.channels:
            members = [p.slack_id for p in self.org.people if p.department == channel.department]
            api.add_channel(channel.channel_id, channel.name, members=members)

        cloud = MicrosoftCloud().start()
        # The bot trusts the emulator's local CA as a deployment trusts a corporate one: through
        # the standard variables (DESIGN.md §4), here in the playground's own process.
        self._trust_before = {name: os.environ.get(name) for name in _TRUST}
        os.environ.update({name: str(cloud.ca_file) for name in _TRUST})
        self._teams = TeamsSide(cloud, lambda: clock.now().timestamp())
        for person in self.org.people:
            locale = "en-GB" if person.language == "en" else "da-DK"
            self._teams.users[person.slack_id] = cloud.add_user(
                person.name, person.email, locale=locale
            )
        for demo_channel in self.org.teams_channels:
            team = [
                self._teams.users[p.slack_id]
                for p in self.org.people
                if p.department == demo_channel.department
            ]
            made = cloud.add_channel(demo_channel.name, team, id=demo_channel.channel_id)
            self._teams.channels[made.id] = made

        settings = self.base.model_copy(
            update={
                **cloud.teams_settings(),
                "slack_bot_token": TOKEN,
                "slack_signing_secret": secrets.token_hex(16),
                "slack_app_token": None,
                "slack_api_url": api.api_url,
                "database_url": db.url,
                "netvaerk_scheduler": False,
            }
        )
        self._deps = build_deps(settings, db)
        # The calendar a visitor books against: the Graph emulator with seeded free/busy.
        self._calendar = PlaygroundCalendar(settings)
        seed(
            self._calendar.graph,
            [p.email for p in self.org.people],
            first_day,
            self.tz,
            WorkingCalendar(),
        )
        self._deps.outlook = self._calendar.port
        self._app = _serve(self._deps)
        self._teams_app = _RunningTeams(self._deps)
        self._teams.serve(self._teams_app.url)
        self._platform = SlackPlatform(
            f"{self._app.url}/slack/events",
            settings.slack_signing_secret or "",
            api,
            clock=real_time,  # the app verifies request timestamps against the real time
        )
        report = import_files(
            db, paths, SlackDirectory(make_client(settings)), settings.netvaerk_language
        )
        if not report.accepted:
            raise RuntimeError(
                "the demo organisation was rejected:\n" + "\n".join(report.error_lines())
            )
        # Slack and Teams behind delivery's router: each person's messages go to the platform
        # they used last (the Teams view makes it Teams), department posts to both channels.
        self._transport = build_transport(self._deps)
        self.tick(start)
        if self.background_tick_seconds > 0:
            self._stop_ticking.clear()
            self._ticker = threading.Thread(
                target=self._tick_in_background, name="playground-tick", daemon=True
            )
            self._ticker.start()
        log.info("playground started at %s (%s)", start.isoformat(), self.db_path)
        return self

    def stop(self) -> None:
        self._stop_ticking.set()
        if self._ticker is not None:
            self._ticker.join(timeout=10)
            self._ticker = None
        if self._app is not None:
            self._app.stop.set()
            self._app.thread.join(timeout=10)
            self._app = None
        if self._teams_app is not None:
            self._teams_app.stop()
            self._teams_app = None
        if self._teams is not None:
            self._teams.cloud.stop()
            self._teams = None
        for name, value in self._trust_before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._trust_before = {}
        if self._api is not None:
            self._api.stop()
            self._api = None
        if self._calendar is not None:
            self._calendar.stop()
            self._calendar = None
        if self._db is not None:
            self._db.dispose()
            self._db = None
        if self._files_dir is not None:
            shutil.rmtree(self._files_dir, ignore_errors=True)
            self._files_dir = None
        clock.set_offset(timedelta(0))

    def _fresh_database(self) -> Database:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        db = Database(f"sqlite:///{self.db_path}")
        db.upgrade()
        self._db = db
        return db

    # -- the clock ------------------------------------------------------------------------

    def now(self) -> datetime:
        return clock.now()

    def tick(self, moment: datetime) -> None:
        """One scheduler tick with the clock standing at `moment`. Delivery's pacing (one
        message per second per channel) waits on the playground clock, not in real time."""
        with self.lock:
            clock.travel_to(moment)
            assert self._transport is not None
            delivery = Delivery(self.deps, self._transport, sleep=_virtual_sleep)
            try:
                run_tick(self.deps, self._transport, delivery, now=moment)
            except Exception:
                log.exception("playground tick at %s failed", moment.isoformat())

    def advance_to(self, target: datetime) -> int:
        """Move the clock to `target`, ticking where something can be delivered on the way:
        the first sending moment of every working day (the planner's new day), then every
        half hour while the outbox holds a message that is ready. Returns the ticks run."""
        with self.lock:
            current = clock.now()
            if target <= current:
                return 0
            ticks = 0
            last_day: date | None = None
            for moment in self._tick_moments(current, target):
                day = moment.astimezone(ZoneInfo(self.tz)).date()
                if day == last_day and moment != target and not self._ready_by(moment):
                    continue
                self.tick(moment)
                ticks += 1
                last_day = day
            clock.travel_to(target)
            return ticks

    def _tick_moments(self, current: datetime, target: datetime) -> Iterator[datetime]:
        zone = ZoneInfo(self.tz)
        local = current.astimezone(zone)
        minutes = (local.minute // 30 + 1) * 30
        step = local.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=minutes)
        calendar = self.deps.calendar
        while step.astimezone(UTC) < target:
            if calendar.is_send_open(step, self.tz):
                yield step.astimezone(UTC)
            step = (step.astimezone(UTC) + TICK_STEP).astimezone(zone)
        yield target

    def _ready_by(self, moment: datetime) -> bool:
        ready = next_ready_at(self.deps.db)
        if ready is None:
            return False
        if ready.tzinfo is None:
            ready = ready.replace(tzinfo=UTC)
        return ready <= moment

    def _tick_in_background(self) -> None:
        """Like `netvaerk run`'s minute tick: what falls due while nobody touches the clock
        still arrives."""
        while not self._stop_ticking.wait(self.background_tick_seconds):
            self.tick(clock.now())

    # -- people ----------------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        """Everyone in the demo reads the bot in `language` (the page's language switch)."""
        with self.deps.db.session() as session:
            for stored in session.exec(select(Person)).all():
                stored.language = language
                session.add(stored)
            session.commit()
        locale = "en-GB" if language == "en" else "da-DK"
        for person in self.org.people:
            self.api.set_user(person.slack_id, locale=locale)

    def db_languages(self) -> dict[str, str | None]:
        with self.deps.db.session() as session:
            people = session.exec(select(Person)).all()
            ids = slack_ids_of(session, [p.id for p in people if p.id is not None])
            return {ids.get(p.id or 0, ""): p.language for p in people}


def _virtual_sleep(seconds: float) -> None:
    clock.set_offset(clock.offset() + timedelta(seconds=seconds))
