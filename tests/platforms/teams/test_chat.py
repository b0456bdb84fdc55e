"""Delivery on Teams over real HTTP against the emulated Bot Connector: proactive 1:1 messages
(the conversation created once and reused), updates in place, 429 with Retry-After, 5xx with an
unknown outcome, a crash after Teams took a message, and a person who uninstalled the app.
Nothing is lost, nothing is sent twice."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from bot.core import ui
from bot.core.chat import DeliveryError, Failure
from emulator.microsoft import MicrosoftCloud
from platforms.teams.chat import TeamsChat
from platforms.teams.identity import conversation_of
from storage.db import Database
from storage.scheduling_models import OutboxStatus
from tests.delivery_support import MONDAY
from tests.platforms.teams.support import (
    everyone,
    on_teams,
    outbox_ids_posted,
    queue,
    run,
    teams_chat,
    teams_deps,
)
from tests.schedule_support import Org, only_scheduler_rules, outbox  # noqa: F401

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")


def test_a_reminder_goes_by_proactive_1_to_1_created_once_and_reused(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = teams_deps(db, cloud)
    users = on_teams(db, cloud, [org.anne])
    user = users[org.anne.id or 0]
    queue(db, deps, [org.anne], per_person=2)
    transport = teams_chat(deps)
    first = run(deps, transport, MONDAY)
    assert first.sent == 2 and first.deferred == 1  # paced: one message a second per chat
    assert len(cloud.calls_to("create_conversation")) == 1
    with db.session() as session:
        assert conversation_of(session, user.teams_id) == (
            cloud.personal_conversation_id(user),
            cloud.service_url.rstrip("/"),
        )
    messages = cloud.messages_to(user)
    assert len(messages) == 2
    rows = outbox(db)
    assert all(row.status == OutboxStatus.SENT for row in rows)
    assert {row.sent_ts for row in rows} == {m.id for m in messages}
    assert {m.activity["channelData"]["netvaerk"]["outbox_id"] for m in messages} == {
        str(row.id) for row in rows
    }
    assert all(m.cards and m.cards[0]["version"] == "1.5" for m in messages)
    assert cloud.warnings == []


def test_update_replaces_the_card_in_place(db: Database, cloud: MicrosoftCloud, org: Org) -> None:
    deps = teams_deps(db, cloud)
    user = on_teams(db, cloud, [org.anne], known=True)[org.anne.id or 0]
    transport = teams_chat(deps)
    sent = transport.send(user.teams_id, ui.Message("Et forslag", (ui.Text("Et forslag"),)))
    transport.update(sent, ui.Message("Accepteret", (ui.Text("Accepteret"),)))
    [message] = cloud.messages_to(user)
    assert message.id == sent.ts and message.updates == 1
    assert message.cards[0]["body"][0]["text"] == "Accepteret"
    assert cloud.calls_to("create_conversation") == []  # the stored conversation was used


def test_429_waits_as_asked_and_everything_goes_once(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = teams_deps(db, cloud)
    on_teams(db, cloud, everyone(org), known=True)
    queue(db, deps, everyone(org))
    cloud.fail_next("send", 429, retry_after=2)
    transport = teams_chat(deps)
    first = run(deps, transport, MONDAY)
    assert first.rate_limited == 1
    rows = outbox(db)
    assert all(row.status == OutboxStatus.SENT for row in rows)
    assert outbox_ids_posted(cloud) == Counter({str(row.id): 1 for row in rows})
    [limited] = [c for c in cloud.calls_to("send") if c.status == 429]
    limited_id = limited.body["channelData"]["netvaerk"]["outbox_id"]
    [row] = [r for r in rows if str(r.id) == limited_id]
    assert row.sent_at is not None and row.sent_at >= MONDAY + timedelta(seconds=2)


def test_5xx_is_an_unknown_outcome_retried_without_a_double(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = teams_deps(db, cloud)
    on_teams(db, cloud, everyone(org), known=True)
    queue(db, deps, everyone(org))
    cloud.fail_next("send", 502, count=2)
    transport = teams_chat(deps)
    first = run(deps, transport, MONDAY)
    assert first.sent == 4 and first.retrying == 2
    assert len(outbox(db, status=OutboxStatus.UNKNOWN)) == 2
    second = run(deps, transport, MONDAY + timedelta(minutes=5))
    assert second.sent == 2 and second.recovered == 0
    rows = outbox(db)
    assert all(row.status == OutboxStatus.SENT for row in rows)
    assert outbox_ids_posted(cloud) == Counter({str(row.id): 1 for row in rows})


class LostAnswer:
    """Teams took the message, then the worker died before it recorded it: the send raises as a
    lost answer would, after the message really went out."""

    def __init__(self, inner: TeamsChat) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.fits = inner.fits
        self.find = inner.find

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Any:
        self.inner.send(to, message, thread=thread)
        raise DeliveryError(Failure.TRANSIENT, "crashed", maybe_sent=True)


def test_a_message_teams_took_before_a_crash_is_found_by_its_receipt_not_resent(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = teams_deps(db, cloud)
    user = on_teams(db, cloud, [org.anne], known=True)[org.anne.id or 0]
    queue(db, deps, [org.anne])
    transport = teams_chat(deps)
    run(deps, LostAnswer(transport), MONDAY)
    [row] = outbox(db)
    assert row.status == OutboxStatus.UNKNOWN
    again = run(deps, transport, MONDAY + timedelta(minutes=5))
    assert again.recovered == 1 and again.sent == 0
    [row] = outbox(db)
    [message] = cloud.messages_to(user)
    assert row.status == OutboxStatus.SENT and row.sent_ts == message.id
    assert len(cloud.calls_to("send")) == 1


def test_someone_who_uninstalled_the_app_fails_at_once_and_is_reported(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = teams_deps(db, cloud)
    on_teams(db, cloud, [org.anne], app_installed=False)
    queue(db, deps, [org.anne])
    stats = run(deps, teams_chat(deps), MONDAY)
    assert stats.failed == 1
    [row] = outbox(db)
    assert row.status == OutboxStatus.FAILED and row.last_error == "Forbidden"
    assert [c.status for c in cloud.calls_to("create_conversation")] == [403]
    assert cloud.calls_to("send") == []
