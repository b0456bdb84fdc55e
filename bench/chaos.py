"""Chaos run (issue 15): two `netvaerk tick` worker processes on one outbox, SIGKILLed at random
while a slow Slack (the emulator, on loopback) answers; then clean ticks until every row is
final. Prints how many messages were sent, lost and duplicated.

    python bench/chaos.py [--messages 400] [--seconds 60] [--latency 0.15] [--seed 15]
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres python bench/chaos.py

Without BENCH_DATABASE_URL (or TEST_DATABASE_URL) it runs on a SQLite file. On PostgreSQL it
creates and drops a database of its own (bench/databases.py). Everything listens on 127.0.0.1.
The workers run the real `netvaerk tick` (planner + delivery) with a policy that opens the
sending window all week, so the run does not depend on the time of day.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POLICY = """
[calendar]
working_weekdays = [1, 2, 3, 4, 5, 6, 7]
closed_days = []

[sending]
start = "00:00"
end = "23:59"
"""
TOKEN = "xoxb-chaos"


def _seed(url: str, api: object, messages: int) -> None:
    """One person per message (so per-channel pacing does not dominate), one outbox row each."""
    from sqlalchemy import insert

    from storage.db import Database
    from storage.models import Person, PlatformIdentity
    from storage.scheduling_models import OutboxMessage

    db = Database(url)
    db.upgrade()
    now = datetime.now(UTC)
    with db.session() as session:
        people = [
            {
                "email": f"p{i}@chaos.example",
                "name": f"Person {i}",
                "language": "da",
                "manager_since": now,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(messages)
        ]
        session.connection().execute(insert(Person.__table__), people)  # type: ignore[attr-defined]
        ids = [
            pid
            for (pid,) in session.connection().execute(
                Person.__table__.select().with_only_columns(Person.__table__.c.id)  # type: ignore[attr-defined]
            )
        ]
        identities = [
            {
                "person_id": pid,
                "platform": "slack",
                "user_id": f"U{n:08d}",
                "created_at": now,
                "updated_at": now,
            }
            for n, pid in enumerate(sorted(ids))
        ]
        session.connection().execute(insert(PlatformIdentity.__table__), identities)  # type: ignore[attr-defined]
        rows = [
            {
                "dedupe_key": f"chaos:{pid}",
                "kind": "theme_invite",
                "subject": "theme:chaos",
                "recipient_id": pid,
                "capped": False,
                "payload": {"deadline": f"{now.year + 1}-05-01"},
                "due_on": now,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for pid in ids
        ]
        session.connection().execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]
        session.commit()
    for i in range(messages):
        api.add_user(f"U{i:08d}", f"p{i}@chaos.example", f"Person {i}")  # type: ignore[attr-defined]
    db.engine.dispose()


def _open_rows(url: str) -> int:
    from sqlmodel import col, func, select

    from storage.db import Database
    from storage.scheduling_models import OPEN_STATUSES, OutboxMessage

    db = Database(url)
    with db.session() as session:
        count = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(col(OutboxMessage.status).in_(list(OPEN_STATUSES)))
        ).one()
    db.engine.dispose()
    return int(count)


def _statuses(url: str) -> dict[int, str]:
    from sqlmodel import select

    from storage.db import Database
    from storage.scheduling_models import OutboxMessage

    db = Database(url)
    with db.session() as session:
        found = {row.id or 0: row.status for row in session.exec(select(OutboxMessage)).all()}
    db.engine.dispose()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long kills go on")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per Slack call")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--settle", type=float, default=240.0, help="bound on the clean-up")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    from bench.databases import postgres_admin_url, scratch_database
    from emulator import SlackWebAPI

    backend = "postgresql" if postgres_admin_url() else "sqlite"
    tmp = tempfile.TemporaryDirectory()
    policy = Path(tmp.name) / "policy.toml"
    policy.write_text(POLICY, encoding="utf-8")
    kills = spawned = 0
    try:
        with (
            scratch_database(backend) as url,
            SlackWebAPI(tokens=[TOKEN], latency=args.latency) as api,
        ):
            _seed(url, api, args.messages)
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": "chaos",
                "SLACK_API_URL": api.api_url,
                "NETVAERK_POLICY_FILE": str(policy),
                "NETVAERK_SCHEDULER": "false",
            }
            command = [sys.executable, "-m", "netvaerk", "tick"]

            def spawn() -> subprocess.Popen[bytes]:
                nonlocal spawned
                spawned += 1
                return subprocess.Popen(
                    command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )

            started = time.monotonic()
            workers = [spawn(), spawn()]
            while time.monotonic() - started < args.seconds and _open_rows(url):
                time.sleep(rng.uniform(0.3, 2.0))
                index = rng.randrange(len(workers))
                victim = workers[index]
                if victim.poll() is None:
                    os.kill(victim.pid, signal.SIGKILL)
                    kills += 1
                victim.wait()
                workers[index] = spawn()
                for i, worker in enumerate(workers):  # a tick that finished: start the next
                    if i != index and worker.poll() is not None:
                        workers[i] = spawn()
            for worker in workers:
                worker.wait()
            chaos_seconds = time.monotonic() - started
            # Clean ticks (no kills) until every row is final: dead workers' leases run out.
            deadline = time.monotonic() + args.settle
            while _open_rows(url) and time.monotonic() < deadline:
                subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)
                time.sleep(2)
            open_left = _open_rows(url)
            posted: Counter[str] = Counter(
                str(m.get("metadata", {}).get("event_payload", {}).get("outbox_id"))
                for _channel, m in api.message_log()
                if m.get("metadata")
            )
            history_calls = len(api.calls_to("conversations.history"))
            post_calls = len(api.calls_to("chat.postMessage"))
            statuses = _statuses(url)  # before the scratch database is dropped
    finally:
        tmp.cleanup()

    sent = sum(1 for row_id in statuses if posted[str(row_id)] >= 1)
    lost = sum(1 for row_id in statuses if posted[str(row_id)] == 0)
    duplicated = sum(1 for row_id in statuses if posted[str(row_id)] > 1)
    shown = "PostgreSQL" if backend == "postgresql" else "SQLite"
    print(f"database: {shown}; messages: {len(statuses)}")
    print(f"chaos: {chaos_seconds:.0f} s, {kills} SIGKILLs, {spawned} tick processes")
    print(
        f"Slack latency {args.latency:.2f} s; chat.postMessage calls {post_calls}, "
        f"conversations.history calls {history_calls}"
    )
    print(f"row statuses: {dict(Counter(statuses.values()))}; still open: {open_left}")
    print(f"sent {sent}  lost {lost}  duplicated {duplicated}")
    return 0 if lost == 0 and duplicated == 0 and open_left == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
