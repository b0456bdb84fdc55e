"""The Graph calendar emulator: free/busy from seeded times and events, events kept in step,
the RBAC scope, throttling, and changes made "in Outlook"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from emulator.microsoft import MicrosoftCloud
from emulator.microsoft.cloud import GRAPH_SCOPE
from emulator.microsoft.graph import GraphCalendar, graph_time

ALICE, BO, OUTSIDER = "alice@albertslund.dk", "bo@albertslund.dk", "direktion@albertslund.dk"
MONDAY_9 = datetime(2027, 3, 15, 8, 0, tzinfo=UTC)  # 09:00 in Copenhagen


@pytest.fixture
def graph(trust: MicrosoftCloud) -> GraphCalendar:
    return GraphCalendar(trust, scope=[ALICE, BO])


def call(graph: GraphCalendar, method: str, path: str, json: Any = None) -> requests.Response:
    token = requests.post(
        f"{graph.cloud.login_url}/{graph.cloud.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": graph.client_id,
            "client_secret": graph.client_secret,
            "scope": GRAPH_SCOPE,
        },
        timeout=5,
    ).json()["access_token"]
    return requests.request(
        method,
        f"{graph.url}/{path}",
        json=json,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def schedule(graph: GraphCalendar, *who: str) -> dict[str, Any]:
    answer = call(
        graph,
        "POST",
        f"users/{ALICE}/calendar/getSchedule",
        {
            "schedules": list(who),
            "startTime": {"dateTime": "2027-03-15T09:00:00", "timeZone": "Europe/Copenhagen"},
            "endTime": {"dateTime": "2027-03-15T11:00:00", "timeZone": "Europe/Copenhagen"},
            "availabilityViewInterval": 30,
        },
    )
    assert answer.status_code == 200, answer.text
    return {entry["scheduleId"]: entry for entry in answer.json()["value"]}


def test_free_busy_follows_seeded_times(graph: GraphCalendar) -> None:
    graph.add_busy(BO, MONDAY_9 + timedelta(minutes=30), MONDAY_9 + timedelta(minutes=90))
    found = schedule(graph, ALICE, BO)
    assert found[ALICE]["availabilityView"] == "0000"
    assert found[BO]["availabilityView"] == "0220"
    assert found[BO]["scheduleItems"][0]["status"] == "busy"


def test_an_event_makes_both_busy_and_moves_and_cancels(graph: GraphCalendar) -> None:
    created = call(
        graph,
        "POST",
        f"users/{ALICE}/events",
        {
            "subject": "Samtale om netværksarbejdet",
            "start": graph_time(MONDAY_9),
            "end": graph_time(MONDAY_9 + timedelta(minutes=30)),
            "attendees": [{"emailAddress": {"address": BO}, "type": "required"}],
            "isOnlineMeeting": True,
            "onlineMeetingProvider": "teamsForBusiness",
        },
    )
    assert created.status_code == 201
    event = created.json()
    assert event["onlineMeeting"]["joinUrl"].startswith("https://teams.microsoft.com/")
    assert schedule(graph, ALICE, BO)[BO]["availabilityView"] == "2000"

    moved = call(
        graph,
        "PATCH",
        f"users/{ALICE}/events/{event['id']}",
        {
            "start": graph_time(MONDAY_9 + timedelta(hours=1)),
            "end": graph_time(MONDAY_9 + timedelta(minutes=90)),
        },
    )
    assert moved.status_code == 200 and moved.json()["changeKey"] != event["changeKey"]
    assert schedule(graph, BO)[BO]["availabilityView"] == "0020"

    assert (
        call(
            graph, "POST", f"users/{ALICE}/events/{event['id']}/cancel", {"comment": "Aflyst"}
        ).status_code
        == 202
    )
    assert schedule(graph, BO)[BO]["availabilityView"] == "0000"
    assert call(graph, "GET", f"users/{ALICE}/events/{event['id']}").json()["isCancelled"] is True


def test_deleted_in_outlook_answers_404(graph: GraphCalendar) -> None:
    event = call(
        graph,
        "POST",
        f"users/{ALICE}/events",
        {
            "subject": "x",
            "start": graph_time(MONDAY_9),
            "end": graph_time(MONDAY_9 + timedelta(minutes=30)),
        },
    ).json()
    graph.delete_in_outlook(event["id"])
    gone = call(graph, "GET", f"users/{ALICE}/events/{event['id']}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "ErrorItemNotFound"


def test_a_mailbox_outside_the_scope_is_refused(graph: GraphCalendar) -> None:
    refused = call(
        graph,
        "POST",
        f"users/{OUTSIDER}/events",
        {
            "subject": "x",
            "start": graph_time(MONDAY_9),
            "end": graph_time(MONDAY_9 + timedelta(minutes=30)),
        },
    )
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "ErrorAccessDenied"
    assert schedule(graph, OUTSIDER)[OUTSIDER]["error"]["responseCode"] == "ErrorAccessDenied"


def test_throttling_and_a_bot_token_are_refused(graph: GraphCalendar) -> None:
    graph.cloud.fail_next("get_schedule", 429, retry_after=2)
    limited = call(graph, "POST", f"users/{ALICE}/calendar/getSchedule", {})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    bot_token = graph.cloud.issue_token(GRAPH_SCOPE)  # the Teams bot's app, not the calendar's
    refused = requests.get(
        f"{graph.url}/users/{ALICE}/events/x",
        headers={"Authorization": f"Bearer {bot_token}"},
        timeout=5,
    )
    assert refused.status_code == 401
