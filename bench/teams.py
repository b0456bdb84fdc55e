"""How fast Teams' `adaptiveCard/action` invokes are answered, against the Teams SDK floor.

Starts the Microsoft cloud emulator here (Entra token, Bot Framework keys, Bot Connector),
Netværksbot's Teams side and a bare Teams SDK app that answers every Action.Execute with a
static card (bench/teams_app.py), each in a process of its own served by uvicorn. Then sends N
signed invokes to each at concurrency C, interleaved in rounds so that drift hits both alike:
the bot gets two kinds: "Udsæt en uge" on a nudge (a snooze and its audit row written to the
database, the answer in the person's language), and a button it no longer knows (everything but
the feature's work: token, identity check, dispatch to a worker thread with a unit of work, the
polite answer); the floor gets the same activities. Prints p50/p95/p99 and the slowest, and the
p99 ratio of each to the floor. Target (issue 11): p99 ≤ 1.5 × the floor's. On SQLite, and on
PostgreSQL too when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) names a server.

    .venv/bin/python bench/teams.py [--requests 400] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from subprocess import Popen
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ack import free_port, percentiles, start  # noqa: E402
from bench.databases import backends, scratch_database  # noqa: E402
from bot.core import actions  # noqa: E402
from emulator.microsoft import MicrosoftCloud, TeamsPlatform  # noqa: E402
from emulator.microsoft.records import TeamsUser  # noqa: E402
from platforms.teams.identity import remember  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Person  # noqa: E402

PEOPLE = 200
P99_RATIO = 1.5


def build_org(url: str, cloud: MicrosoftCloud) -> list[TeamsUser]:
    """People known to the bot on Teams (as after the app's installation)."""
    db = Database(url)
    db.upgrade()
    users = []
    with db.session() as session:
        for n in range(PEOPLE):
            email = f"person{n}@bench.dk"
            person = Person(email=email, name=f"Person {n}", language="da")
            session.add(person)
            session.flush()
            user = cloud.add_user(person.name, email)
            remember(
                session,
                person.id or 0,
                user.teams_id,
                conversation_id=cloud.personal_conversation_id(user),
                service_url=cloud.service_url,
                tenant_id=cloud.tenant_id,
                aad_object_id=user.aad_object_id,
            )
            users.append(user)
        session.commit()
    db.engine.dispose()
    return users


SNOOZE, UNKNOWN = actions.NUDGE_SNOOZE, "bench.gone"


def invoke(
    platform: TeamsPlatform, user: TeamsUser, value: str, verb: str = SNOOZE
) -> dict[str, Any]:
    """What Teams posts when `user` presses a button: by default "Udsæt en uge" on a nudge."""
    activity = platform._base(user, platform._personal(user), "invoke")
    activity["name"] = "adaptiveCard/action"
    activity["value"] = {
        "action": {
            "type": "Action.Execute",
            "verb": verb,
            "data": {"value": value},
        },
        "trigger": "manual",
    }
    return activity


def post(port: int, token: str, activity: dict[str, Any]) -> tuple[float, int]:
    body = json.dumps(activity).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = time.perf_counter()
    connection.request("POST", "/api/messages", body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    took = (time.perf_counter() - sent) * 1000
    connection.close()
    return took, response.status


def run_backend(url: str, args: argparse.Namespace) -> dict[str, list[float]]:
    with MicrosoftCloud() as cloud:
        users = build_org(url, cloud)
        platform = TeamsPlatform("", cloud)
        token = platform.token() or ""  # one token, reused as the Bot Framework does for an hour
        env = {**os.environ, **cloud.environment(), "DATABASE_URL": url}
        env.pop("SLACK_BOT_TOKEN", None)
        targets: dict[str, tuple[int, Popen[bytes]]] = {}
        for name in ("netvaerk", "floor"):
            port = free_port()
            kind = "bot" if name == "netvaerk" else "floor"
            command = [sys.executable, str(ROOT / "bench" / "teams_app.py"), kind, str(port)]
            targets[name] = (port, start(command, env, port))
        # (what is measured, its port, the button pressed)
        runs = [
            ("snooze", targets["netvaerk"][0], SNOOZE),
            ("dispatch", targets["netvaerk"][0], UNKNOWN),
            ("floor", targets["floor"][0], SNOOZE),
        ]
        latencies: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        failures: dict[str, int] = {name: 0 for name, _, _ in runs}
        try:
            with ThreadPoolExecutor(args.concurrency) as pool:
                for port, _process in targets.values():  # warm-up, not counted
                    warm = [invoke(platform, user, "w") for user in users]
                    list(pool.map(lambda a, p=port: post(p, token, a), warm))
                per_round = max(1, args.requests // args.rounds)
                for _ in range(args.rounds):
                    for name, port, verb in runs:
                        picked = [
                            invoke(platform, random.choice(users), "booking:1", verb)
                            for _ in range(per_round)
                        ]
                        results = pool.map(lambda a, p=port: post(p, token, a), picked)
                        for took, status in results:
                            if status == 200:
                                latencies[name].append(took)
                            else:
                                failures[name] += 1
        finally:
            for _, process in targets.values():
                process.terminate()
                process.wait(10)
        for name, values in latencies.items():
            p50, p95, p99 = percentiles(values)
            print(
                f"  {name:<9} n={len(values):<5} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                f"p99 {p99:6.1f} ms  max {max(values):6.1f} ms  failed {failures[name]}"
            )
        return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for backend in backends():
        with scratch_database(backend) as url:
            print(
                f"\n== bench/teams.py on {backend}: {args.requests} signed adaptiveCard/action "
                f"invokes per target, concurrency {args.concurrency}"
            )
            latencies = run_backend(url, args)
            floor = percentiles(latencies["floor"])[2]
            for name in ("snooze", "dispatch"):
                ratio = percentiles(latencies[name])[2] / floor
                met = "met" if ratio <= P99_RATIO else "NOT met"
                print(f"  {name} p99 ratio {ratio:.2f} (target ≤ {P99_RATIO:g} × floor): {met}")


if __name__ == "__main__":
    main()
