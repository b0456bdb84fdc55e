"""Benchmark: the planner tick and delivery at 10,000 and 100,000 people, against the common
alternative (one APScheduler job per reminder in a SQLAlchemyJobStore).

    .venv/bin/python bench/tick.py                 # SQLite; PostgreSQL too when
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/tick.py

Each scenario runs in its own process so its peak RSS is its own. Figures, not a test:
targets are idle tick ≤ 50 ms at 100,000 people, 100k idle ≤ 2 × 10k idle, delivery ≥ 200
messages/s, RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CPH = ZoneInfo("Europe/Copenhagen")
# The benchmark's "now": a Wednesday. Rollover = the first tick after midnight.
BENCH_DAY = date(2027, 3, 17)
ROLLOVER = datetime(2027, 3, 17, 0, 5, tzinfo=CPH).astimezone(UTC)
IDLE = datetime(2027, 3, 17, 10, 0, tzinfo=CPH).astimezone(UTC)
DUE_TARGET = 1000
# freezegun stops time.perf_counter too; the benchmark needs the real one (kept in a dict,
# which freezegun's sweep of module attributes does not touch).
_CLOCK = {"perf": time.perf_counter}


def perf() -> float:
    return _CLOCK["perf"]()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- a synthetic organisation --------------------------------------------------------------


def build(url: str, people: int, seed: int = 7) -> dict[str, int]:
    """People (10 % managers), people/10 networks with 5 participants each, a year of
    conversations, agreements, PULS talks and sent outbox rows. DUE_TARGET leaders have no
    conversation and started two working days before BENCH_DAY, so their first nudge falls due
    at the rollover."""
    from sqlalchemy import insert

    from bot.core.working_calendar import WorkingCalendar
    from storage.db import Database
    from storage.models import (
        Agreement,
        Conversation,
        Department,
        Network,
        NetworkMember,
        Person,
        PlatformIdentity,
        PulsTalk,
    )
    from storage.scheduling_models import OutboxMessage

    rnd = random.Random(seed)
    db = Database(url)
    db.upgrade()
    cal = WorkingCalendar()
    anchor_day = cal.add_working_days(BENCH_DAY, -2)
    anchor = datetime.combine(anchor_day, datetime.min.time(), tzinfo=CPH).replace(hour=10)
    year_ago = datetime(2026, 3, 17, tzinfo=UTC)

    def moment(days_back: float) -> datetime:
        return ROLLOVER - timedelta(days=days_back)

    counts: dict[str, int] = {}
    with db.engine.begin() as c:
        departments = max(people // 1000, 1)
        c.execute(
            insert(Department),
            [
                {
                    "name": f"Afdeling {i}",
                    "channel": f"C{i:09d}",
                    "created_at": year_ago,
                    "updated_at": year_ago,
                }
                for i in range(departments)
            ],
        )
        managers = people // 10
        rows = []
        for i in range(people):
            manager = None if i < managers // 10 else (i % managers if i >= managers else i // 10)
            rows.append(
                {
                    "email": f"p{i}@example.dk",
                    "name": f"Person {i}",
                    "department_id": 1 + i % departments,
                    "manager_id": None if manager is None else manager + 1,
                    "manager_since": moment(rnd.uniform(30, 900)),
                    "is_secretariat": i < 3,
                    "active": True,
                    "created_at": year_ago,
                    "updated_at": year_ago,
                }
            )
        for i in range(0, len(rows), 5000):
            c.execute(insert(Person), rows[i : i + 5000])
        identities = [
            {
                "person_id": i + 1,
                "platform": "slack",
                "user_id": f"U{i:09d}",
                "created_at": year_ago,
                "updated_at": year_ago,
            }
            for i in range(people)
        ]
        for i in range(0, len(identities), 5000):
            c.execute(insert(PlatformIdentity), identities[i : i + 5000])
        counts["people"] = people
        networks = people // 10
        leaders = rnd.sample(range(managers + 1, people + 1), networks)
        fresh_count = min(DUE_TARGET, networks // 2)
        rows = []
        for n, leader in enumerate(leaders):
            fresh = n < fresh_count
            rows.append(
                {
                    "name": f"Netværk {n}",
                    "theme": "Tema",
                    "leader_id": leader,
                    "leader_since": anchor if fresh else moment(rnd.uniform(20, 365)),
                    "reference_leader_id": 1 + rnd.randrange(managers),
                    "start_date": None
                    if fresh
                    else (BENCH_DAY - timedelta(days=rnd.randrange(20, 365))),
                    "created_at": year_ago,
                    "updated_at": year_ago,
                }
            )
        c.execute(insert(Network), rows)
        members = [
            {"network_id": n + 1, "person_id": p, "joined_at": year_ago}
            for n in range(networks)
            for p in rnd.sample(range(managers + 1, people + 1), 5)
        ]
        members = list({(m["network_id"], m["person_id"]): m for m in members}.values())
        c.execute(insert(NetworkMember), members)
        # A year of conversations: every settled leader had one held in the last 12 months.
        conversations, agreements = [], []
        for n, leader in enumerate(leaders):
            if n < fresh_count:
                continue
            conversations.append(
                {
                    "uid": f"samtale-{uuid.uuid4()}",
                    "employee_id": leader,
                    "manager_id": _manager_of(leader, managers),
                    "status": "held",
                    "proposed_by_id": leader,
                    "proposals": [],
                    "duration_minutes": 60,
                    "place_kind": "room",
                    "sequence": 0,
                    "revision": 1,
                    "held_at": moment(rnd.uniform(10, 300)),
                    "created_at": year_ago,
                    "updated_at": year_ago,
                }
            )
        c.execute(insert(Conversation), conversations)
        for i, conv in enumerate(conversations):
            agreements.append(
                {
                    "conversation_id": i + 1,
                    "employee_id": conv["employee_id"],
                    "manager_id": conv["manager_id"],
                    "hours": 4.0,
                    "hours_period": "week",
                    "review_date": BENCH_DAY + timedelta(days=rnd.randrange(1, 200)),
                    "recorded_by_id": conv["manager_id"],
                    "created_at": year_ago,
                    "updated_at": year_ago,
                }
            )
        c.execute(insert(Agreement), agreements)
        # PULS talks: one a year per person, spread over the year around BENCH_DAY.
        talks = [
            {
                "employee_id": i + 1,
                "manager_id": _manager_of(i + 1, managers) or 1,
                "talk_date": BENCH_DAY + timedelta(days=rnd.randrange(-180, 180)),
                "created_at": year_ago,
            }
            for i in range(people)
        ]
        for i in range(0, len(talks), 5000):
            c.execute(insert(PulsTalk), talks[i : i + 5000])
        # A year of outbox history: about three sent messages per person.
        history = []
        for k in range(people * 3):
            at = moment(rnd.uniform(1, 365))
            history.append(
                {
                    "dedupe_key": f"history:{k}",
                    "kind": "puls_manager",
                    "subject": f"puls:{k}",
                    "recipient_id": 1 + rnd.randrange(people),
                    "channel": None,
                    "capped": True,
                    "payload": {},
                    "due_on": at,
                    "status": "sent",
                    "attempts": 1,
                    "next_attempt_at": at,
                    "send_started_at": at,
                    "attempt_at": at,
                    "sent_at": at,
                    "finished_at": at,
                    "sent_channel": "D1",
                    "sent_ts": "1.0",
                    "created_at": at,
                }
            )
        for i in range(0, len(history), 5000):
            c.execute(insert(OutboxMessage), history[i : i + 5000])
        counts.update(
            networks=networks,
            conversations=len(conversations),
            puls=len(talks),
            outbox_history=len(history),
        )
    # The planner starts from the day before the benchmark day.
    from storage.scheduling_models import SchedulerCursor

    with db.session() as s:
        s.add(
            SchedulerCursor(
                name="day", value=(BENCH_DAY - timedelta(days=1)).isoformat(), updated_at=ROLLOVER
            )
        )
        for name, table in (
            ("puls_talk_id", "puls_talks"),
            ("network_id", "networks"),
            ("theme_proposal_id", "theme_proposals"),
        ):
            newest = (
                s.connection().exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar()
            )
            s.add(SchedulerCursor(name=name, value=str(newest), updated_at=ROLLOVER))
        s.commit()
    db.engine.dispose()
    return counts


def _manager_of(person_id: int, managers: int) -> int | None:
    i = person_id - 1
    if i < managers // 10:
        return None
    return (i % managers if i >= managers else i // 10) + 1


# --- our scheduler -------------------------------------------------------------------------


class _NullChat:
    """Accepts everything instantly: the tick is measured, not Slack."""

    platform = "slack"

    def send(self, to: str, message: Any, *, thread: str | None = None) -> Any:
        from bot.core.chat import Sent

        return Sent(channel="D1", ts="1.0")

    def attach(self, to: str, attachment: Any, *, thread: str | None = None) -> None:
        return None

    def update(self, sent: Any, message: Any) -> None:
        return None

    def join(self, channel: str) -> None:
        return None

    def find(self, to: str, key: str, value: str, since: datetime) -> Any:
        return None

    def mention(self, user_id: str) -> str:
        return f"<@{user_id}>"

    def fits(self, message: Any) -> bool:
        return True


def run_ours(url: str, people: int) -> dict[str, Any]:
    from freezegun import freeze_time

    from bot.core.settings import Settings
    from netvaerk.app import build_deps
    from schedules.delivery import Delivery
    from schedules.planner import plan
    from storage.db import Database

    db = Database(url)
    deps = build_deps(Settings(netvaerk_secretariat_channel=None, slack_bot_token="x"), db)
    transport = _NullChat()
    result: dict[str, Any] = {"people": people}
    with freeze_time(ROLLOVER) as frozen:
        t0 = perf()
        rolled = plan(deps)
        result["rollover_ms"] = round((perf() - t0) * 1000, 1)
        result["rollover_due"] = rolled.inserted
        # Minute ticks at night: planner + a delivery pass that finds nothing ready.
        samples = []
        for _ in range(30):
            frozen.tick(timedelta(minutes=1))
            t0 = perf()
            plan(deps)
            Delivery(deps, transport, concurrency=1).run()
            samples.append((perf() - t0) * 1000)
        result["idle_tick_ms"] = round(statistics.median(samples), 2)
        result["idle_tick_p95_ms"] = round(sorted(samples)[int(len(samples) * 0.95) - 1], 2)
    with freeze_time(IDLE) as frozen:
        # At 10:00 the rollover's messages are ready: the tick that delivers them.
        t0 = perf()
        plan(deps)
        stats = Delivery(deps, transport, concurrency=1, sleep=lambda s: frozen.tick(s)).run()
        result["delivery_tick_ms"] = round((perf() - t0) * 1000, 1)
        result["delivered"] = stats.sent + stats.digested
    result["peak_rss_mb"] = round(rss_mb(), 1)
    db.dispose()
    return result


def run_delivery(url: str, messages: int) -> dict[str, Any]:
    """Throughput to the Slack emulator (no latency, no rate limits): one worker, 4 threads."""
    from freezegun import freeze_time

    from bot.core import identity
    from bot.core.due import Due
    from bot.core.settings import Settings
    from emulator import SlackWebAPI
    from netvaerk.app import build_deps
    from platforms.slack.chat import SlackChat, make_delivery_client
    from schedules.delivery import Delivery
    from schedules.outbox import insert_dues
    from storage.db import Database
    from storage.models import Person

    db = Database(url)
    db.upgrade()
    with SlackWebAPI(tokens=["xoxb-bench"]) as api:
        with db.session() as s:
            people = [Person(email=f"d{i}@example.dk", name=f"D {i}") for i in range(messages)]
            s.add_all(people)
            s.flush()
            for i, p in enumerate(people):
                identity.link(s, p.id or 0, "slack", f"U{i:09d}")
                api.add_user(f"U{i:09d}", p.email, p.name)
            s.commit()
            for p in people:
                s.refresh(p)
        settings = Settings(slack_bot_token="xoxb-bench", slack_api_url=api.api_url)
        deps = build_deps(settings, db)
        dues = [
            Due(
                key=f"b:{p.id}",
                kind="theme_invite",
                subject="theme:2027-05-01",
                due_on=BENCH_DAY,
                recipient_id=p.id,
                payload={"deadline": "2027-05-01"},
            )
            for p in people
        ]
        with db.session() as s:
            insert_dues(s, dues, IDLE, deps.calendar, "Europe/Copenhagen")
            s.commit()
        with freeze_time(IDLE, tick=True):
            transport = SlackChat(make_delivery_client(settings))
            t0 = perf()
            stats = Delivery(deps, transport, concurrency=4).run()
            seconds = perf() - t0
    db.dispose()
    return {
        "messages": stats.sent,
        "seconds": round(seconds, 2),
        "per_second": round(stats.sent / seconds, 1),
        "peak_rss_mb": round(rss_mb(), 1),
    }


# --- the alternative: one APScheduler job per reminder -------------------------------------


def _reminder(person_id: int) -> None:  # what each job would run
    pass


def run_apscheduler(jobs: int) -> dict[str, Any]:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'jobs.sqlite3'}"
    result: dict[str, Any] = {"jobs": jobs}
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone="UTC"
    )
    scheduler.start(paused=True)
    t0 = perf()
    first = datetime.now(UTC) + timedelta(days=1)
    for i in range(jobs):
        scheduler.add_job(
            _reminder,
            "date",
            run_date=first + timedelta(minutes=i % 100_000),
            args=[i],
            id=f"reminder-{i}",
            misfire_grace_time=3600,
        )
    result["add_jobs_s"] = round(perf() - t0, 1)
    scheduler.shutdown(wait=False)
    # A restart: a new process' scheduler over the stored jobs.
    t0 = perf()
    again = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone="UTC")
    again.start()
    result["startup_s"] = round(perf() - t0, 2)
    t0 = perf()
    listed = len(again.get_jobs())
    result["get_jobs_s"] = round(perf() - t0, 2)
    result["listed"] = listed
    again.shutdown(wait=False)
    result["peak_rss_mb"] = round(rss_mb(), 1)
    return result


# --- orchestration -------------------------------------------------------------------------


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:] or ["failed"]}
    line: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", choices=["build", "ours", "delivery", "apscheduler"])
    parser.add_argument("--url")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--jobs", type=int, default=100_000)
    args = parser.parse_args()
    if args.run == "build":  # in its own process, so the measured one's RSS is the bot's
        started = perf()
        counts = build(args.url, args.people)
        print(json.dumps({**counts, "build_s": round(perf() - started, 1)}))
        return
    if args.run == "ours":
        print(json.dumps(run_ours(args.url, args.people)))
        return
    if args.run == "delivery":
        print(json.dumps(run_delivery(args.url, args.people)))
        return
    if args.run == "apscheduler":
        print(json.dumps(run_apscheduler(args.jobs)))
        return
    import logging

    logging.disable(logging.WARNING)
    from bench.databases import backends, scratch_database

    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"Netværksbot scheduler benchmark — rollover {ROLLOVER:%Y-%m-%d %H:%M} UTC")
    for backend in backends():
        for size in sizes:
            with scratch_database(backend) as url:
                built = _child("--run", "build", "--url", url, "--people", str(size))
                r = {**built, **_child("--run", "ours", "--url", url, "--people", str(size))}
            print(f"{backend:<10} {size:>7} people: {json.dumps(r)}")
    for backend in backends():
        with scratch_database(backend) as url:
            r = _child("--run", "delivery", "--url", url, "--people", "2000")
        print(f"delivery   {backend:<10}: {json.dumps(r)}")
    r = _child("--run", "apscheduler", "--jobs", str(args.jobs))
    print(f"apscheduler SQLAlchemyJobStore (SQLite): {json.dumps(r)}")


if __name__ == "__main__":
    main()
