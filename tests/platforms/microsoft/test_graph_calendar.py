"""The Graph calendar adapter against the Graph emulator over https: free/busy, one event kept
in step, the RBAC scope, throttling and Outlook-side deletion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.booking.calendar_port import CalendarBusy, CalendarUnavailable, EventText
from bot.core.settings import Settings
from emulator.microsoft import MicrosoftCloud
from emulator.microsoft.graph import GraphCalendar as GraphEmulator
from platforms.microsoft.graph_calendar import GraphCalendar, make_graph_calendar

ALICE, BO, OUTSIDER = "alice@albertslund.dk", "bo@albertslund.dk", "direktion@albertslund.dk"
START = datetime(2027, 3, 15, 8, 0, tzinfo=UTC)
TEXT = EventText(subject="Samtale om netværksarbejdet", body_html="<p>Hej</p>")


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[GraphEmulator]:
    with MicrosoftCloud() as cloud:
        graph = GraphEmulator(cloud, scope=[ALICE, BO])
        for key, value in graph.environment().items():
            monkeypatch.setenv(key, value)
        yield graph


@pytest.fixture
def calendar(emulator: GraphEmulator) -> GraphCalendar:
    made = make_graph_calendar(Settings(), sleep=lambda seconds: None)
    assert made is not None
    return made


def test_not_configured_means_no_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET"):
        monkeypatch.delenv(key, raising=False)
    assert make_graph_calendar(Settings()) is None


def test_busy_of_both_in_one_call(emulator: GraphEmulator, calendar: GraphCalendar) -> None:
    emulator.add_busy(ALICE, START, START + timedelta(hours=1))
    emulator.add_busy(
        BO, START + timedelta(hours=2), START + timedelta(hours=3), status="tentative"
    )
    busy = calendar.busy([ALICE, BO], START - timedelta(hours=1), START + timedelta(hours=8))
    assert sorted((b.start, b.end) for b in busy) == [
        (START, START + timedelta(hours=1)),
        (START + timedelta(hours=2), START + timedelta(hours=3)),
    ]
    assert len(emulator.cloud.calls_to("get_schedule")) == 1


def test_one_event_created_moved_and_cancelled(
    emulator: GraphEmulator, calendar: GraphCalendar
) -> None:
    event = calendar.create_event(ALICE, BO, START, START + timedelta(minutes=60), TEXT, "conv-1:0")
    again = calendar.create_event(ALICE, BO, START, START + timedelta(minutes=60), TEXT, "conv-1:0")
    assert again.id == event.id and len(emulator.events(ALICE)) == 1
    assert event.join_url and event.start == START
    [stored] = emulator.events(BO)
    assert stored["attendees"][0]["emailAddress"]["address"] == BO and stored["isOnlineMeeting"]

    moved = calendar.move_event(
        ALICE, event.id, START + timedelta(days=1), START + timedelta(days=1, hours=1)
    )
    assert moved.id == event.id and moved.start == START + timedelta(days=1)
    calendar.cancel_event(ALICE, event.id, "Aflyst")
    assert emulator.events(ALICE) == []
    got = calendar.get_event(ALICE, event.id)
    assert got is not None and got.cancelled


def test_deleted_in_outlook_reads_as_none(emulator: GraphEmulator, calendar: GraphCalendar) -> None:
    event = calendar.create_event(ALICE, BO, START, START + timedelta(minutes=30), TEXT)
    emulator.delete_in_outlook(event.id)
    assert calendar.get_event(ALICE, event.id) is None
    calendar.cancel_event(ALICE, event.id, "Aflyst")  # already gone: no error


def test_a_mailbox_outside_the_scope_is_unavailable(calendar: GraphCalendar) -> None:
    with pytest.raises(CalendarUnavailable):
        calendar.create_event(OUTSIDER, BO, START, START + timedelta(minutes=30), TEXT)
    with pytest.raises(CalendarUnavailable):
        calendar.busy([ALICE, OUTSIDER], START, START + timedelta(hours=8))


def test_throttling_is_retried_within_budget_then_handed_back(
    emulator: GraphEmulator, calendar: GraphCalendar
) -> None:
    emulator.cloud.fail_next("create_event", 429, retry_after=1, count=2)
    event = calendar.create_event(ALICE, BO, START, START + timedelta(minutes=30), TEXT, "conv-2:0")
    assert len(emulator.events(ALICE)) == 1 and event.id
    emulator.cloud.fail_next("get_event", 429, retry_after=30)  # longer than an answer may wait
    with pytest.raises(CalendarBusy):
        calendar.get_event(ALICE, event.id)
    assert calendar.get_event(ALICE, event.id) is not None


def test_a_wrong_secret_is_unavailable_not_a_crash(
    emulator: GraphEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRAPH_CLIENT_SECRET", "wrong")
    made = make_graph_calendar(Settings())
    assert made is not None
    with pytest.raises(CalendarUnavailable, match="invalid_client"):
        made.busy([ALICE], START, START + timedelta(hours=1))
