"""Two delivery workers racing on one outbox (and two planners on one database): no message is
sent twice and none is lost. Runs on PostgreSQL (FOR UPDATE SKIP LOCKED) when TEST_DATABASE_URL
is set, and on SQLite (one writer at a time, guarded claims) otherwise."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from freezegun import freeze_time

from emulator import SlackWebAPI
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery, DeliveryStats
from schedules.planner import plan
from storage.db import Database
from storage.models import Person
from storage.scheduling_models import OutboxStatus
from tests.delivery_support import outbox_ids_posted, queue_theme_invites
from tests.schedule_support import TOKEN, build_org, cph, make_deps, only_scheduler_rules, outbox  # noqa: F401
from tests.slack_ids import link_slack, slack_id

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")

PEOPLE = 60


@pytest.fixture
def api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        yield started


def _people(db: Database, api: SlackWebAPI) -> list[Person]:
    with db.session() as s:
        people = [Person(email=f"p{i}@example.dk", name=f"Person {i}") for i in range(PEOPLE)]
        s.add_all(people)
        s.flush()
        for i, person in enumerate(people):
            link_slack(s, person, f"U0RACE{i:04d}")
        s.commit()
        for person in people:
            s.refresh(person)
    for person in people:
        api.add_user(slack_id(person), person.email, person.name)
    return people


def test_two_workers_racing_on_one_outbox_send_each_message_once(
    db: Database, api: SlackWebAPI, tmp_path: Path
) -> None:
    # Small batches, so the two workers take turns claiming.
    deps = make_deps(db, api.api_url, "[delivery]\nbatch_size = 10\n", tmp_path)
    people = _people(db, api)
    queue_theme_invites(db, deps, people, per_person=2)
    results: dict[str, DeliveryStats] = {}
    start = threading.Barrier(2)

    def work(name: str) -> None:
        transport = SlackChat(make_delivery_client(deps.settings))
        delivery = Delivery(deps, transport, worker=name, concurrency=2)
        start.wait()
        results[name] = delivery.run()

    # The clock runs (tick=True), so the second message to each person goes a second later.
    with freeze_time(cph(2027, 3, 1, 10), tick=True):
        threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    rows = outbox(db)
    assert all(row.status == OutboxStatus.SENT for row in rows), Counter(r.status for r in rows)
    assert outbox_ids_posted(api) == Counter({str(row.id): 1 for row in rows})
    assert sum(r.sent for r in results.values()) == len(rows) == 2 * PEOPLE
    assert all(r.sent > 0 for r in results.values()), results  # both did share the work


def test_two_planners_on_one_database_plan_each_message_once(db: Database) -> None:
    build_org(db, cph(2027, 3, 1, 7))
    deps = make_deps(db)
    found: list[int] = []

    def run() -> None:
        found.append(plan(deps).inserted)

    # One frozen clock for both threads: freezegun's patching is process-wide, not per thread.
    with freeze_time(cph(2027, 3, 3, 0, 5)):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert len(found) == 2, "a planner thread failed"
    keys = [row.dedupe_key for row in outbox(db)]
    assert len(keys) == len(set(keys)) == sum(found)
    assert any(key.startswith("booking-nudge:") for key in keys)
