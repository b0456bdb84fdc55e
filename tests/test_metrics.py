"""`/metrics` figures from a real tick against the Slack emulator: deliveries by outcome, the
planner's pass, the outbox read from the tables, messages sent today by kind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from freezegun import freeze_time
from prometheus_client.parser import text_string_to_metric_families

from bot.core.due import Due
from bot.operations.metrics import exposition
from emulator import SlackWebAPI
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery
from schedules.outbox import insert_dues
from schedules.tick import run_tick
from storage.db import Database
from storage.scheduling_models import OutboxMessage, OutboxStatus
from tests.log_guard import TOKEN_SHAPE, known_needles
from tests.schedule_support import TOKEN, Org, build_org, cph, hold, make_deps
from tests.slack_ids import slack_id

MONDAY = cph(2027, 3, 1, 10)
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(text: str) -> Samples:
    found: Samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        yield started


@pytest.fixture
def org(db: Database, api: SlackWebAPI) -> Org:
    built = build_org(db, cph(2027, 2, 1, 10), references=False)
    for leader in (built.anne, built.fatima):  # no booking nudges: only the queued messages
        hold(db, leader, built.lars, cph(2027, 2, 1, 11))
    for person in (built.mette, built.lars, built.anne, built.soren, built.fatima, built.ida):
        api.add_user(slack_id(person), person.email, person.name)
    return built


def _queue_theme_invites(db: Database, org: Org) -> None:
    deps = make_deps(db)
    dues = [
        Due(
            key=f"metrics:{person.id}",
            kind="theme_invite",
            subject="theme:2027-05-01",
            due_on=date(2027, 3, 1),
            recipient_id=person.id,
            payload={"deadline": "2027-05-01"},
        )
        for person in (org.mette, org.lars, org.anne, org.soren)
    ]
    with freeze_time(MONDAY), db.session() as s:
        insert_dues(s, dues, cph(2027, 3, 1, 8), deps.calendar, "Europe/Copenhagen")
        s.commit()


def test_a_tick_shows_in_the_figures(db: Database, api: SlackWebAPI, org: Org) -> None:
    deps = make_deps(db, api.api_url)
    _queue_theme_invites(db, org)
    transport = SlackChat(make_delivery_client(deps.settings))
    api.fail_next("chat.postMessage", 429, retry_after=1)
    api.fail_next("chat.postMessage", 500)
    before = scrape(exposition(db, MONDAY, "Europe/Copenhagen").decode())

    with freeze_time(MONDAY) as frozen:
        delivery = Delivery(deps, transport, sleep=lambda s: frozen.tick(s), concurrency=1)
        result = run_tick(deps, transport, delivery)
    at = MONDAY + timedelta(seconds=5)
    after = scrape(exposition(db, at, "Europe/Copenhagen").decode())

    stats = result.delivery
    assert stats is not None and (stats.sent, stats.rate_limited, stats.retrying) == (3, 1, 1)
    for outcome, count in (("sent", 3), ("rate_limited", 1), ("retried", 1), ("failed", 0)):
        grown = value(after, "netvaerk_deliveries_total", outcome=outcome) - value(
            before, "netvaerk_deliveries_total", outcome=outcome
        )
        assert grown == count, outcome
    passes = "netvaerk_planner_pass_duration_seconds_count"
    assert value(after, passes) - value(before, passes) == 1
    # Read from the tables: 3 sent today, 1 waiting for its retry after the 500.
    assert value(after, "netvaerk_messages_sent_today", kind="theme_invite") == 3
    assert value(after, "netvaerk_outbox_depth", state="waiting") == 1
    assert value(after, "netvaerk_outbox_depth", state="due") == 0
    assert value(after, "netvaerk_outbox_oldest_due_age_seconds") == 0
    assert value(after, "netvaerk_scheduler_last_tick_timestamp_seconds") == MONDAY.timestamp()
    assert value(after, "netvaerk_database_up") == 1


def test_a_due_message_that_waits_shows_its_age(db: Database, org: Org) -> None:
    with db.session() as s:
        s.add(
            OutboxMessage(
                dedupe_key="metrics:stuck",
                kind="theme_invite",
                subject="theme:x",
                recipient_id=org.anne.id,
                due_on=MONDAY - timedelta(hours=2),
                next_attempt_at=MONDAY - timedelta(minutes=30),
                status=OutboxStatus.UNKNOWN,
            )
        )
        s.commit()
    samples = scrape(exposition(db, MONDAY, "Europe/Copenhagen").decode())

    assert value(samples, "netvaerk_outbox_depth", state="due") == 1
    assert value(samples, "netvaerk_outbox_oldest_due_age_seconds") == 30 * 60


def test_an_unreachable_database_is_a_figure_not_a_failed_scrape() -> None:
    unreachable = Database("postgresql://nobody@127.0.0.1:1/none")
    samples = scrape(exposition(unreachable, MONDAY, "Europe/Copenhagen").decode())
    assert value(samples, "netvaerk_database_up") == 0


def test_labels_hold_no_personal_data_and_no_tokens(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = make_deps(db, api.api_url)
    _queue_theme_invites(db, org)
    with freeze_time(MONDAY) as frozen:
        transport = SlackChat(make_delivery_client(deps.settings))
        run_tick(deps, transport, Delivery(deps, transport, sleep=lambda s: frozen.tick(s)))
    text = exposition(db, MONDAY, "Europe/Copenhagen").decode()
    label_values = {v for (_name, labels) in scrape(text) for _k, v in labels}

    assert "theme_invite" in label_values
    for needle in [*known_needles(), "U0ANNE", "@"]:
        assert all(needle.lower() not in v.lower() for v in label_values), needle
    assert TOKEN_SHAPE.search(text) is None
