"""Unknown outcomes and rate-limit storms (issue 15): a message Slack stored but answered too
late, followed by ten minutes of 429s on the history check, still arrives exactly once; a storm
that never ends reaches a final state that is reported; a working worker keeps its claims."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from bot.core.deps import Deps
from emulator import SlackWebAPI
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery
from schedules.lease import Heartbeat
from schedules.outbox import claim
from schedules.planner import plan
from storage.db import Database
from storage.scheduling_models import OutboxStatus
from tests.delivery_support import (  # noqa: F401
    MONDAY,
    SECRETARIAT_CHANNEL,
    api_fixture,
    org_fixture,
    outbox_ids_posted,
    queue_theme_invites,
)
from tests.schedule_support import (  # noqa: F401
    Org,
    make_deps,
    only_scheduler_rules,
    outbox,
)
from tests.slack_ids import slack_id

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")


def _tick(deps: Deps, transport: SlackChat, at: datetime) -> Any:
    with freeze_time(at) as frozen:
        return Delivery(deps, transport, sleep=lambda s: frozen.tick(s), concurrency=1).run()


def test_a_late_answer_then_ten_minutes_of_history_429s_still_sends_once(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = make_deps(db, api.api_url)
    queue_theme_invites(db, deps, [org.anne])
    transport = SlackChat(make_delivery_client(deps.settings, timeout=1))
    transport.conversation(slack_id(org.anne))  # the DM is open already
    # Slack stores the post but answers after the client gave up: the outcome is unknown.
    api.answer_late("chat.postMessage", 1.6)
    first = _tick(deps, transport, MONDAY)
    assert first.retrying == 1 and first.sent == 0
    assert len(api.messages_in(slack_id(org.anne))) == 1
    [row] = outbox(db)
    assert row.status == OutboxStatus.UNKNOWN and row.first_attempt_at == MONDAY
    # The history check is rate-limited for twenty minutes of ticks (a tick a minute).
    api.fail_until_cleared("conversations.history", 429, retry_after=1)
    for minute in range(1, 21):
        _tick(deps, transport, MONDAY + timedelta(minutes=minute, seconds=5))
    limited = [c for c in api.calls_to("conversations.history") if c.status == 429]
    assert len(limited) >= 3
    [row] = outbox(db)
    assert row.status == OutboxStatus.UNKNOWN and row.rate_limited == len(limited)
    # The latest attempt is more than the look-back after the real post.
    assert row.attempt_at is not None and row.attempt_at > MONDAY + timedelta(minutes=10)
    # Then a clean tick: the post is found in the history, nothing is sent again.
    api.clear_faults()
    clean = _tick(deps, transport, MONDAY + timedelta(hours=1))
    assert clean.recovered == 1 and clean.sent == 0
    [row] = outbox(db)
    assert row.status == OutboxStatus.SENT
    assert outbox_ids_posted(api) == Counter({str(row.id): 1})
    assert len(api.messages_in(slack_id(org.anne))) == 1
    # The search reached back before the first attempt, not the latest one.
    oldest = float(api.calls_to("conversations.history")[-1].params["oldest"])
    assert oldest <= MONDAY.timestamp()


def test_a_rate_limit_storm_that_never_ends_fails_and_is_reported(
    db: Database, api: SlackWebAPI, org: Org, tmp_path: Path
) -> None:
    deps = make_deps(
        db,
        api.api_url,
        "[delivery]\nmax_rate_limited = 4\n",
        tmp_path,
        netvaerk_secretariat_channel=SECRETARIAT_CHANNEL,
    )
    queue_theme_invites(db, deps, [org.anne])
    transport = SlackChat(make_delivery_client(deps.settings))
    api.fail_until_cleared("chat.postMessage", 429, retry_after=1)
    moment = MONDAY
    for _ in range(8):  # a tick every half hour of the storm
        _tick(deps, transport, moment)
        moment += timedelta(minutes=30)
    [row] = outbox(db)
    assert row.status == OutboxStatus.FAILED and row.rate_limited == 4
    assert row.last_error == "ratelimited"
    assert len(api.calls_to("chat.postMessage")) == 4  # bounded, with backoff between
    # Reported to the secretariat once the storm is over, like any failure.
    api.clear_faults()
    with freeze_time(moment):
        assert plan(deps).failures_reported == 1
    _tick(deps, transport, moment)
    [report] = api.messages_in(SECRETARIAT_CHANNEL)
    assert "kunne ikke leveres" in report["text"]
    assert api.messages_in(slack_id(org.anne)) == []


def test_the_heartbeat_keeps_a_working_workers_claims_and_a_dead_ones_run_out(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = make_deps(db, api.api_url)
    queue_theme_invites(db, deps, [org.anne, org.lars])
    now = [MONDAY]
    [first, second] = claim(db, "w1", now[0], 10, 60)
    assert {first.claimed_by, second.claimed_by} == {"w1"}
    heartbeat = Heartbeat(db, "w1", 60, lambda: now[0])
    heartbeat.every = 0.05
    with heartbeat:
        for _ in range(4):  # the worker keeps working well past its 60 s lease
            now[0] += timedelta(seconds=50)
            _wait_until(db, now[0] + timedelta(seconds=60))
            assert claim(db, "w2", now[0], 10, 60) == []
    # It died (no more beats): one lease later another worker takes its rows over.
    now[0] += timedelta(seconds=61)
    taken = claim(db, "w2", now[0], 10, 60)
    assert len(taken) == 2 and heartbeat.beats >= 4


def _wait_until(db: Database, claimed_until: datetime, timeout: float = 5.0) -> None:
    """Until every row's claim runs to `claimed_until` (the heartbeat beats in real time)."""
    deadline = time.monotonic() + timeout
    while not all(row.claimed_until == claimed_until for row in outbox(db)):
        assert time.monotonic() < deadline, "the heartbeat did not renew the claims"
        time.sleep(0.02)
