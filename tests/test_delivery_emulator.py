"""Delivery against the Slack Web API emulator: faults, unknown outcomes, a killed worker, the
weekly cap, and what is reported to the secretariat. Nothing is lost, nothing is sent twice."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from freezegun import freeze_time

from bot.core import ui
from bot.core.chat import Sent
from bot.core.deps import Deps
from bot.core.due import Due
from emulator import SlackWebAPI
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery
from schedules.outbox import insert_dues
from schedules.planner import plan
from storage.db import Database
from storage.models import Person
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
    cph,
    hold,
    make_deps,
    only_scheduler_rules,
    outbox,
)
from tests.slack_ids import link_slack, slack_id

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")


def _deps(db: Database, api: SlackWebAPI, **settings: Any) -> Deps:
    return make_deps(db, api.api_url, **settings)


def _transport(deps: Deps, timeout: int = 10) -> SlackChat:
    return SlackChat(make_delivery_client(deps.settings, timeout=timeout))


def _run(deps: Deps, transport: Any, at: Any, **kw: Any) -> Any:
    with freeze_time(at) as frozen:
        return Delivery(deps, transport, sleep=lambda s: frozen.tick(s), **kw).run()


def _everyone(org: Org) -> list[Person]:
    return [org.mette, org.lars, org.anne, org.soren, org.fatima, org.ida]


def test_each_message_carries_its_outbox_id_and_reaches_the_dm(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = _deps(db, api)
    queue_theme_invites(db, deps, _everyone(org))
    stats = _run(deps, _transport(deps), MONDAY)
    assert stats.sent == 6
    rows = outbox(db)
    assert all(row.status == OutboxStatus.SENT and row.sent_ts for row in rows)
    assert outbox_ids_posted(api) == Counter({str(row.id): 1 for row in rows})
    for row in rows:
        message = api.find_message(row.sent_ts or "")
        assert message is not None and message[0] == row.sent_channel
        assert message[1]["metadata"] == {
            "event_type": "netvaerk",
            "event_payload": {"outbox_id": str(row.id)},
        }
    assert api.warnings == []


def test_429_and_500_are_retried_and_everything_is_delivered_once(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = _deps(db, api)
    queue_theme_invites(db, deps, _everyone(org))
    api.fail_next("chat.postMessage", 429, retry_after=2)
    api.fail_next("chat.postMessage", 500, count=2)
    transport = _transport(deps)
    first = _run(deps, transport, MONDAY)
    assert first.rate_limited == 1
    assert first.retrying == 2  # the two 500s wait for their backoff
    # Later the same day the two rows whose outcome was unknown are looked for, then sent.
    second = _run(deps, transport, MONDAY + timedelta(minutes=5))
    assert second.sent == 2 and second.recovered == 0
    assert len(api.calls_to("conversations.history")) == 2
    rows = outbox(db)
    assert all(row.status == OutboxStatus.SENT for row in rows)
    assert outbox_ids_posted(api) == Counter({str(row.id): 1 for row in rows})
    # Retry-After honoured: the rate-limited message went out 2 s (of the test's clock) later.
    [limited] = [c for c in api.calls_to("chat.postMessage") if c.status == 429]
    limited_id = limited.params["metadata"]["event_payload"]["outbox_id"]
    [row] = [r for r in rows if str(r.id) == limited_id]
    assert row.sent_at is not None and row.sent_at >= MONDAY + timedelta(seconds=2)


def test_a_timeout_after_slack_took_the_message_is_not_sent_again(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = _deps(db, api)
    queue_theme_invites(db, deps, [org.anne])
    transport = _transport(deps, timeout=1)
    transport.conversation(slack_id(org.anne))  # the DM is open already
    with freeze_time(MONDAY) as frozen:
        api.latency = 1.5  # Slack posts the message, but only after the client gave up
        stats = Delivery(deps, transport, sleep=lambda s: frozen.tick(s)).run()
        api.wait_for("chat.postMessage", timeout=5)  # … which Slack finishes meanwhile
        api.latency = 0
        assert stats.retrying == 1
        [row] = outbox(db)
        assert row.status == OutboxStatus.UNKNOWN and row.last_error == "timeout"
        frozen.tick(timedelta(minutes=5))
        again = Delivery(deps, transport, sleep=lambda s: frozen.tick(s)).run()
    assert again.recovered == 1 and again.sent == 0
    [row] = outbox(db)
    assert row.status == OutboxStatus.SENT and row.sent_ts
    assert outbox_ids_posted(api) == Counter({str(row.id): 1})


class _DiesAfterSending:
    """The process dies right after Slack took the `n`th message, before it is recorded."""

    def __init__(self, inner: SlackChat, n: int) -> None:
        self.inner, self.n, self.count = inner, n, 0

    platform = "slack"

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Sent:
        sent = self.inner.send(to, message, thread=thread)
        self.count += 1
        if self.count == self.n:
            raise SystemExit("killed")
        return sent

    def attach(self, to: str, attachment: ui.Attachment, *, thread: str | None = None) -> None:
        self.inner.attach(to, attachment, thread=thread)

    def update(self, sent: Sent, message: ui.Message) -> None:
        self.inner.update(sent, message)

    def join(self, channel: str) -> None:
        self.inner.join(channel)

    def find(self, to: str, key: str, value: str, since: Any) -> Sent | None:
        return self.inner.find(to, key, value, since)

    def fits(self, message: ui.Message) -> bool:
        return self.inner.fits(message)


def test_a_worker_killed_mid_delivery_loses_nothing_and_repeats_nothing(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = _deps(db, api)
    queue_theme_invites(db, deps, _everyone(org))
    with pytest.raises(SystemExit):
        _run(deps, _DiesAfterSending(_transport(deps), 3), MONDAY, concurrency=1, worker="w1")
    # Three went to Slack, none was recorded yet (outcomes are committed in small groups);
    # the other three were marked as about to go.
    statuses = Counter(row.status for row in outbox(db))
    assert statuses == {"sending": 6}
    # Restarted at once: the dead worker's claims still hold, so nothing is touched yet.
    early = _run(deps, _transport(deps), MONDAY + timedelta(seconds=10), worker="w2")
    assert early.sent == 0 and early.recovered == 0
    # After the lease: each is looked for in the DM's history first; found ones are recorded
    # as sent, the others are sent now.
    late = _run(deps, _transport(deps), MONDAY + timedelta(minutes=6), worker="w2")
    assert late.recovered == 3 and late.sent == 3
    assert len(api.calls_to("conversations.history")) == 6
    rows = outbox(db)
    assert all(row.status == OutboxStatus.SENT for row in rows)
    assert outbox_ids_posted(api) == Counter({str(row.id): 1 for row in rows})


def test_permanent_errors_fail_at_once_and_are_reported_to_the_secretariat_channel(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = _deps(db, api, netvaerk_secretariat_channel=SECRETARIAT_CHANNEL)
    with db.session() as s:
        gone = s.get(Person, org.soren.id)
        assert gone is not None
        link_slack(s, gone, "U0NOTHERE1")  # not in the workspace
        s.commit()
    queue_theme_invites(db, deps, [org.anne, org.soren, org.fatima])
    api.fail_next("chat.postMessage", error="channel_not_found")
    stats = _run(deps, _transport(deps), MONDAY)
    assert stats.failed == 2 and stats.sent == 1
    failed = outbox(db, status=OutboxStatus.FAILED)
    assert sorted(row.last_error or "" for row in failed) == ["channel_not_found", "user_not_found"]
    assert all(row.attempts == 1 for row in failed)
    # The next tick reports both, in one message to the secretariat's channel.
    with freeze_time(MONDAY + timedelta(minutes=1)):
        result = plan(deps)
    assert result.failures_reported == 2
    _run(deps, _transport(deps), MONDAY + timedelta(minutes=1))
    reports = api.messages_in(SECRETARIAT_CHANNEL)
    assert len(reports) == 1, [r["text"] for r in reports]
    assert "2 beskeder" in reports[0]["text"]
    assert "Søren Kjær" in str(reports[0]["blocks"])
    # Reported once only.
    with freeze_time(MONDAY + timedelta(minutes=2)):
        assert plan(deps).failures_reported == 0


def test_without_a_channel_the_secretariat_members_get_the_report_by_dm(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = _deps(db, api)
    queue_theme_invites(db, deps, [org.anne])
    api.fail_next("chat.postMessage", error="is_archived")
    _run(deps, _transport(deps), MONDAY)
    with freeze_time(MONDAY + timedelta(minutes=1)):
        plan(deps)
    _run(deps, _transport(deps), MONDAY + timedelta(minutes=1))
    [report] = api.messages_in(slack_id(org.ida))
    assert "kunne ikke leveres" in report["text"]


def test_transient_errors_give_up_after_the_limit(
    db: Database, api: SlackWebAPI, org: Org, tmp_path: Any
) -> None:
    deps = make_deps(db, api.api_url, "[delivery]\nmax_attempts = 2\n", tmp_path)
    queue_theme_invites(db, deps, [org.anne])
    api.fail_next("chat.postMessage", 500, count=5)
    transport = _transport(deps)
    _run(deps, transport, MONDAY)
    _run(deps, transport, MONDAY + timedelta(minutes=5))
    [row] = outbox(db)
    assert row.status == OutboxStatus.FAILED and row.attempts == 2
    assert row.last_error == "internal_error"


def test_six_due_nudges_in_one_week_become_at_most_three_messages(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = _deps(db, api)
    queue_theme_invites(db, deps, [org.lars], per_person=6)
    transport = _transport(deps)
    _run(deps, transport, MONDAY)
    for day in range(1, 5):  # the rest of the week
        _run(deps, transport, MONDAY + timedelta(days=day))
    messages = api.messages_in(slack_id(org.lars))
    assert len(messages) == 3
    digest = messages[2]
    assert digest["text"] == "Du har 4 påmindelser fra Netværksbot."
    buttons = [e for b in digest["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert len([b for b in buttons if b["action_id"].startswith("theme.open")]) == 4
    rows = outbox(db)
    assert Counter(row.status for row in rows) == {"sent": 3, "digested": 4}
    # Pacing: one message per second in the DM.
    stamps = [float(m["ts"]) for m in messages]
    assert all(b - a >= 1 for a, b in itertools.pairwise(stamps))


def test_beyond_the_cap_nudges_wait_for_next_week(db: Database, api: SlackWebAPI, org: Org) -> None:
    deps = _deps(db, api)
    transport = _transport(deps)
    queue_theme_invites(db, deps, [org.lars], per_person=3)
    _run(deps, transport, MONDAY)  # three messages: the week is full
    with db.session() as s:
        insert_dues(
            s,
            [
                Due(
                    key="test:late",
                    kind="theme_invite",
                    subject="theme:2027-05-09",
                    due_on=date(2027, 3, 3),
                    recipient_id=org.lars.id,
                    payload={"deadline": "2027-05-09"},
                )
            ],
            cph(2027, 3, 3, 8),
            deps.calendar,
            "Europe/Copenhagen",
        )
        s.commit()
    _run(deps, transport, cph(2027, 3, 3, 10))
    [late] = outbox(db, dedupe_key="test:late")
    assert late.status == OutboxStatus.PENDING
    assert late.next_attempt_at == cph(2027, 3, 8, 9)  # Monday 09:00
    _run(deps, transport, cph(2027, 3, 8, 9, 1))
    assert len(api.messages_in(slack_id(org.lars))) == 4
