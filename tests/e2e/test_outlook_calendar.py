"""The Outlook calendar end to end: the Slack app over signed HTTP, the Graph emulator over https
(its own CA), freezegun on a real calendar with Easter and the change to summer time in it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.core import actions
from bot.core.settings import Settings
from emulator.microsoft import MicrosoftCloud
from emulator.microsoft.graph import GraphCalendar as GraphEmulator
from platforms.microsoft.graph_calendar import make_graph_calendar
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery
from schedules.planner import plan
from storage.models import Conversation, ConversationStatus
from tests.e2e.conftest import SlackEnv
from tests.e2e.helpers import button, settle, text_of, wait_dm

CPH = ZoneInfo("Europe/Copenhagen")
# Wednesday before Easter 2027, 09:00 in Copenhagen: Thursday, Friday and Monday are holidays,
# and summer time starts on the Sunday.
WEDNESDAY = "2027-03-24 08:00:00"
ANNE, LARS = "anne.jensen@example.dk", "lars.nielsen@example.dk"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=CPH).astimezone(UTC)


MakeGraph = Callable[..., GraphEmulator]


@pytest.fixture
def outlook(env: SlackEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeGraph]:
    """`outlook(scope=[...])`: the Graph emulator with Anne's and Lars's calendars seeded, and
    the running app's Deps given the calendar, exactly as build_deps makes it from GRAPH_*."""
    with MicrosoftCloud() as cloud:

        def make(scope: list[str] | None = None) -> GraphEmulator:
            graph = GraphEmulator(cloud, scope=scope if scope is not None else [ANNE, LARS])
            for key, value in graph.environment().items():
                monkeypatch.setenv(key, value)
            graph.add_busy(ANNE, _at(date(2027, 3, 24), 9), _at(date(2027, 3, 24), 16))
            graph.add_busy(LARS, _at(date(2027, 3, 30), 8), _at(date(2027, 3, 30), 11))
            graph.add_busy(ANNE, _at(date(2027, 3, 31), 8), _at(date(2027, 3, 31), 8, 30))
            env.deps.outlook = make_graph_calendar(Settings(), sleep=lambda seconds: None)
            assert env.deps.outlook is not None
            return graph

        yield make
        env.deps.outlook = None


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def _view_text(view: dict[str, Any]) -> str:
    return str(view["blocks"])


def _propose(env: SlackEnv, values: dict[str, str]) -> Any:
    env.slack.command("UANNE", "book")
    env.api.wait_for("views.open")
    return env.slack.submit_view("UANNE", {"place_kind": "teams", **values})


def _book(env: SlackEnv) -> dict[str, Any]:
    """Anne proposes the first free time, Lars accepts: the booked confirmation to Anne."""
    submitted = _propose(env, {"date1": "2027-03-30", "time1": "11:00"})
    assert submitted.status == 200 and not submitted.problems
    invite = wait_dm(env.api, "ULARS", "Invitation til samtale")
    env.slack.click("ULARS", *button(invite, actions.BOOKING_ACCEPT))
    booked = wait_dm(env.api, "UANNE", "Samtalen er booket")
    settle(env.api)
    return booked


def _conversation(env: SlackEnv) -> Conversation:
    with env.db.session() as s:
        return s.exec(select(Conversation)).one()


def _tick(env: SlackEnv, moment: datetime) -> None:
    transport = SlackChat(make_delivery_client(env.deps.settings))
    with freeze_time(moment) as frozen:
        plan(env.deps)
        Delivery(env.deps, transport, sleep=lambda s: frozen.tick(s), concurrency=1).run()


def test_the_form_offers_the_free_times_of_both(env: SlackEnv, outlook: MakeGraph) -> None:
    graph = outlook()
    with freeze_time(WEDNESDAY, tick=True):
        env.slack.command("UANNE", "book")
        env.api.wait_for("views.open")
        view = env.api.current_view("UANNE")
        assert view is not None
    # Not today (Anne is busy), not Thursday, Friday or Monday (Easter), not before 11 on
    # Tuesday (Lars), not 08:00 on Wednesday (Anne): one start a day, in summer time.
    offered = [
        (
            _block(view, f"date{n}")["element"]["initial_date"],
            _block(view, f"time{n}")["element"]["initial_time"],
        )
        for n in (1, 2, 3)
    ]
    assert offered == [("2027-03-30", "11:00"), ("2027-03-31", "08:30"), ("2027-04-01", "08:00")]
    assert "ledige i jeres begges Outlook-kalendere" in _view_text(view)
    [call] = graph.cloud.calls_to("get_schedule")
    assert sorted(call.body["schedules"]) == [ANNE, LARS]


def test_a_time_on_busy_time_is_refused_before_anything_is_sent(
    env: SlackEnv, outlook: MakeGraph
) -> None:
    outlook()
    with freeze_time(WEDNESDAY, tick=True):
        refused = _propose(
            env, {"date1": "2027-03-31", "time1": "10:00", "date2": "2027-03-30", "time2": "09:00"}
        )
        assert refused.json == {
            "response_action": "errors",
            "errors": {
                "time2": "En af jer er optaget i Outlook på det tidspunkt. Vælg en anden tid."
            },
        }
        settle(env.api)
    with env.db.session() as s:
        assert s.exec(select(Conversation)).all() == []
    assert [m for m in env.api.messages_in("ULARS") if "Invitation" in text_of(m)] == []


def test_accept_move_cancel_is_one_event_kept_in_step(env: SlackEnv, outlook: MakeGraph) -> None:
    graph = outlook()
    with freeze_time(WEDNESDAY, tick=True):
        booked = _book(env)
        [event] = graph.events(ANNE)
        assert [a["emailAddress"]["address"] for a in event["attendees"]] == [LARS]
        assert event["_mailbox"] == ANNE and event["isOnlineMeeting"] is True
        assert event["subject"] == "Samtale om tid og rum til netværksarbejdet med Lars Nielsen"
        assert event["start"] == {"dateTime": "2027-03-30T09:00:00.0000000", "timeZone": "UTC"}
        assert event["transactionId"].startswith("netvaerk-")
        conversation = _conversation(env)
        assert conversation.outlook_event_id == event["id"]
        assert conversation.outlook_mailbox == ANNE
        assert graph.events(LARS) == [event]  # Lars is invited, not given a second event
        assert "Mødet ligger i jeres Outlook-kalendere med et Teams-link" in text_of(
            wait_dm(env.api, "ULARS", "Samtalen er booket")
        )

        env.slack.click("UANNE", *button(booked, actions.BOOKING_RESCHEDULE))
        env.api.wait_for(
            "views.open",
            lambda c: c.params.get("view", {}).get("callback_id") == actions.RESCHEDULE_FORM,
        )
        busy = env.slack.submit_view("UANNE", {"date1": "2027-03-31", "time1": "08:00"})
        assert busy.json["errors"] == {
            "time1": "En af jer er optaget i Outlook på det tidspunkt. Vælg en anden tid."
        }
        # Its own time is not a collision: an hour later overlaps only the event itself.
        env.slack.submit_view("UANNE", {"date1": "2027-03-30", "time1": "11:30"})
        moved = wait_dm(env.api, "ULARS", "Samtalen er flyttet")
        settle(env.api)
        [event_after] = graph.events(ANNE)
        assert event_after["id"] == event["id"]
        assert event_after["start"]["dateTime"] == "2027-03-30T09:30:00.0000000"
        assert len(graph.cloud.calls_to("update_event")) == 1

        env.slack.click("ULARS", *button(moved, actions.BOOKING_CANCEL))
        wait_dm(env.api, "UANNE", "Lars Nielsen har aflyst samtalen")
        settle(env.api)
        assert graph.events(ANNE) == []
        [gone] = graph.events(ANNE, include_gone=True)
        assert gone["isCancelled"] is True and gone["id"] == event["id"]
    assert len(graph.cloud.calls_to("create_event")) == 1


def test_deleted_in_outlook_cancels_and_tells_both(env: SlackEnv, outlook: MakeGraph) -> None:
    graph = outlook()
    with freeze_time(WEDNESDAY, tick=True):
        _book(env)
        [event] = graph.events(ANNE)
        graph.delete_in_outlook(event["id"])
    _tick(env, _at(date(2027, 3, 24), 10))
    settle(env.api)
    for user in ("UANNE", "ULARS"):
        [told] = [
            m for m in env.api.messages_in(user) if "slettet eller aflyst i Outlook" in text_of(m)
        ]
        assert "tirsdag d. 30. marts 2027 kl. 11:00" in text_of(told)
    conversation = _conversation(env)
    assert conversation.status == ConversationStatus.CANCELLED
    assert len(graph.cloud.calls_to("get_event")) == 1
    # The next tick within the check interval asks Graph nothing; nobody is told twice.
    _tick(env, _at(date(2027, 3, 24), 10, 5))
    assert len(graph.cloud.calls_to("get_event")) == 1


def test_moved_in_outlook_the_conversation_follows(env: SlackEnv, outlook: MakeGraph) -> None:
    graph = outlook()
    with freeze_time(WEDNESDAY, tick=True):
        _book(env)
        [event] = graph.events(ANNE)
        graph.move_in_outlook(event["id"], _at(date(2027, 4, 1), 13), _at(date(2027, 4, 1), 13, 45))
    _tick(env, _at(date(2027, 3, 24), 10))
    settle(env.api)
    for user in ("UANNE", "ULARS"):
        [told] = [m for m in env.api.messages_in(user) if "flyttet i Outlook" in text_of(m)]
        assert "torsdag d. 1. april 2027 kl. 13:00" in text_of(told)
    conversation = _conversation(env)
    assert conversation.starts_at is not None
    assert conversation.starts_at.astimezone(UTC) == _at(date(2027, 4, 1), 13)
    assert conversation.duration_minutes == 45 and conversation.status == ConversationStatus.BOOKED


def test_throttling_is_retried_and_nothing_is_lost_or_doubled(
    env: SlackEnv, outlook: MakeGraph
) -> None:
    graph = outlook()
    graph.cloud.fail_next("create_event", 429, retry_after=1, count=2)
    with freeze_time(WEDNESDAY, tick=True):
        _book(env)
    assert len(graph.cloud.calls_to("create_event")) == 3
    [event] = graph.events(ANNE)
    assert _conversation(env).outlook_event_id == event["id"]


def test_a_mailbox_outside_the_scope_gets_the_ics_path(env: SlackEnv, outlook: MakeGraph) -> None:
    graph = outlook(scope=[LARS])  # Anne, who invites, is outside the app's RBAC scope
    with freeze_time(WEDNESDAY, tick=True):
        env.slack.command("UANNE", "book")
        env.api.wait_for("views.open")
        view = env.api.current_view("UANNE")
        assert view is not None
        assert "Kalenderen kunne ikke læses" in _view_text(view)
        assert "du kan stadig foreslå tider" in _view_text(view)
        # The seeded busy morning cannot be seen: the proposal goes as without a calendar.
        submitted = env.slack.submit_view(
            "UANNE", {"date1": "2027-03-30", "time1": "09:00", "place_kind": "teams"}
        )
        assert submitted.status == 200 and not submitted.problems
        invite = wait_dm(env.api, "ULARS", "Invitation til samtale")
        env.slack.click("ULARS", *button(invite, actions.BOOKING_ACCEPT))
        booked = wait_dm(env.api, "ULARS", "Samtalen er booket")
        assert "som en .ics-fil" in text_of(booked) and "Outlook" not in text_of(booked)
        settle(env.api)
    assert graph.events() == []
    assert _conversation(env).outlook_event_id is None
    for user in ("UANNE", "ULARS"):
        channel = env.api.dm_channel_id(user)
        assert [f for f in env.api.files if f.channel_id == channel]  # the .ics invitation


def test_throttled_past_the_budget_the_tick_creates_the_event_once(
    env: SlackEnv, outlook: MakeGraph
) -> None:
    graph = outlook()
    graph.cloud.fail_next("create_event", 429, retry_after=1, count=3)  # more than the budget
    with freeze_time(WEDNESDAY, tick=True):
        _book(env)
    assert graph.events(ANNE) == []
    conversation = _conversation(env)
    assert conversation.outlook_mailbox == ANNE and conversation.outlook_event_id is None
    _tick(env, _at(date(2027, 3, 24), 10))
    [event] = graph.events(ANNE)
    assert _conversation(env).outlook_event_id == event["id"]
    assert event["subject"] == "Samtale om tid og rum til netværksarbejdet med Lars Nielsen"
    _tick(env, _at(date(2027, 3, 24), 10, 30))  # the next check reads it, makes no other
    assert len(graph.events(ANNE)) == 1 and len(graph.cloud.calls_to("create_event")) == 4
