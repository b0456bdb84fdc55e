"""The production endpoints over real HTTP: `/metrics` counts Slack requests by kind and result,
`/readyz` says whether to send traffic, and JSON logs tie a request's answer and its lazy work
together with one request id."""

from __future__ import annotations

import io
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from freezegun import freeze_time

from bot.core.deps import Deps
from bot.core.settings import Settings
from bot.operations.logs import configure_logging
from emulator.platform import SlackPlatform
from emulator.web_api import SlackWebAPI
from netvaerk.app import build_app, build_deps
from netvaerk.server import build_service
from storage.db import Database
from tests.e2e.conftest import SIGNING_SECRET, TOKEN, settings_for
from tests.e2e.helpers import settle, wait_dm
from tests.factories import Org, build_org
from tests.serving import served
from tests.slack_ids import slack_id
from tests.test_metrics import Samples, scrape, value

MONDAY = "2027-03-01 08:00:00"


@dataclass
class Service:
    api: SlackWebAPI
    slack: SlackPlatform
    url: str
    deps: Deps


@pytest.fixture
def service(db: Database) -> Iterator[Service]:
    org: Org = build_org(db)
    with SlackWebAPI() as api:
        for person in (org.lars, org.anne, org.soren, org.mette, org.fatima, org.ida, org.nomgr):
            api.add_user(slack_id(person), person.email, person.name)
        settings = settings_for(api, db)
        deps = build_deps(settings, db)
        with served(build_service(deps, slack_app=build_app(deps))) as url:
            try:
                slack = SlackPlatform(f"{url}/slack/events", SIGNING_SECRET, api)
                yield Service(api, slack, url, deps)
            finally:
                settle(api)


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def metrics(service: Service) -> Samples:
    status, kind, text = get(f"{service.url}/metrics")
    assert status == 200 and kind.startswith("text/plain")
    return scrape(text)


def grew(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def test_requests_are_counted_by_kind_and_result(service: Service) -> None:
    slack = service.slack
    before = metrics(service)
    with freeze_time(MONDAY, tick=True):
        assert slack.command("UANNE", "hjælp").status == 200
        assert slack.app_home_opened("UANNE").status == 200
        nobody_listens = {
            "type": "block_actions",
            "team": {"id": service.api.team_id},
            "user": {"id": "UANNE"},
            "api_app_id": service.api.identity.app_id,
            "actions": [{"type": "button", "action_id": "no_such_button", "value": "1"}],
        }
        assert slack.send_payload(nobody_listens).status == 404
        with slack.signing(secret="not-the-secret"):
            assert slack.command("UANNE", "hjælp").status == 401
        settle(service.api)
    after = metrics(service)

    assert grew(before, after, "netvaerk_requests_total", kind="command", result="ok") == 1
    assert grew(before, after, "netvaerk_requests_total", kind="event", result="ok") == 1
    assert grew(before, after, "netvaerk_requests_total", kind="action", result="unhandled") == 1
    assert grew(before, after, "netvaerk_requests_total", kind="command", result="rejected") == 1
    count = "netvaerk_request_duration_seconds_count"
    assert grew(before, after, count, kind="command", result="ok") == 1
    assert value(after, "netvaerk_outbox_depth", state="due") >= 0
    assert value(after, "netvaerk_database_up") == 1


def test_a_request_id_ties_the_answer_and_the_lazy_work_in_json_logs(
    service: Service,
) -> None:
    stream = io.StringIO()
    handler = configure_logging("json", stream=stream)
    before = metrics(service)
    try:
        with freeze_time(MONDAY, tick=True):
            service.slack.command("UANNE", "mine data")  # the export is sent after the answer
            wait_dm(service.api, "UANNE", "Her er alt, hvad jeg har gemt om dig")
            settle(service.api)
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    after = metrics(service)

    for line in lines:
        assert {
            "time",
            "level",
            "logger",
            "event",
            "request_id",
            "request_kind",
            "duration_ms",
        } <= set(line)
    answered = [line for line in lines if line["event"] == "slack request answered"]
    lazy = [line for line in lines if line["event"] == "lazy work done"]
    assert len(answered) == 1 and len(lazy) == 1
    assert answered[0]["request_kind"] == "command" and answered[0]["result"] == "ok"
    assert lazy[0]["request_id"] == answered[0]["request_id"]
    assert lazy[0]["duration_ms"] > 0 and lazy[0]["result"] == "ok"
    assert grew(before, after, "netvaerk_lazy_work_total", kind="command", result="ok") == 1
    assert "anne" not in stream.getvalue().lower()


def test_failures_are_counted_in_the_answer_and_in_the_work_after_it(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.booking.flows import BookingFlow
    from bot.reminders import flows as reminders_flows

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("on purpose")

    monkeypatch.setattr(reminders_flows, "theme_form", broken)  # fails while answering
    monkeypatch.setattr(BookingFlow, "booking_form", broken)  # fails after the answer
    before = metrics(service)
    with freeze_time(MONDAY, tick=True):
        tema = service.slack.command("UFATIMA", "tema")
        book = service.slack.command("UFATIMA", "book")
        wait_dm(service.api, "UFATIMA", "Sorry, something went wrong")
        settle(service.api)
    after = metrics(service)

    assert tema.status == 200 and book.status == 200  # the person got the apology either way
    assert grew(before, after, "netvaerk_requests_total", kind="command", result="error") == 1
    assert grew(before, after, "netvaerk_requests_total", kind="command", result="ok") == 1
    assert grew(before, after, "netvaerk_lazy_work_total", kind="command", result="error") == 1


def test_ready_only_when_migrated_and_configured(service: Service, tmp_path: Path) -> None:
    status, _kind, body = get(f"{service.url}/readyz")
    assert (status, json.loads(body)) == (200, {"ready": True, "problems": []})

    empty = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # never migrated
    # A token, but neither a signing secret (HTTP) nor an app token (Socket Mode).
    unset = Settings(
        slack_bot_token=TOKEN,
        slack_signing_secret=None,
        slack_app_token=None,
        database_url=empty.url,
        slack_api_url=service.api.api_url,
    )
    deps = build_deps(unset, empty)
    try:
        with served(build_service(deps, slack_app=build_app(deps))) as url:
            status, _kind, body = get(f"{url}/readyz")
            assert status == 503
            problems = json.loads(body)["problems"]
            assert problems == ["database_not_migrated", "platform_not_configured"]
            assert get(f"{url}/healthz")[0] == 200  # alive all the same
    finally:
        empty.dispose()
