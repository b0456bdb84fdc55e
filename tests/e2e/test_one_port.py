"""`netvaerk run`'s one port over real HTTP: Slack, Teams and the probes from one server
(netvaerk/server.py), each answered while the other is busy."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from microsoft_teams.api import MessageActivity
from microsoft_teams.apps import ActivityContext, FastAPIAdapter
from slack_bolt import Ack

from bot.core.deps import Deps
from emulator.microsoft import MicrosoftCloud, TeamsPlatform, TeamsUser
from emulator.platform import Response, SlackPlatform
from emulator.web_api import SlackWebAPI
from netvaerk.app import build_app, build_deps
from netvaerk.server import Service, build_service, make_asgi, service_probes, slack_wsgi
from platforms.teams.sdk import make_teams_app
from storage.db import Database
from tests.e2e.conftest import SIGNING_SECRET, settings_for
from tests.e2e.helpers import settle
from tests.factories import Org, build_org
from tests.serving import served
from tests.slack_ids import slack_id

WAIT = 10.0  # seconds a handler waits for the other platform before giving up


@dataclass
class Both:
    api: SlackWebAPI
    cloud: MicrosoftCloud
    org: Org
    deps: Deps
    alice: TeamsUser


@pytest.fixture
def both(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Both]:
    org = build_org(db)
    with SlackWebAPI() as api, MicrosoftCloud() as cloud:
        for key, value in cloud.environment().items():
            monkeypatch.setenv(key, value)  # the CA for httpx; the TEAMS_* for the record
        api.add_user(slack_id(org.lars), org.lars.email, org.lars.name)
        settings = settings_for(api, db).model_copy(update=cloud.teams_settings())
        assert settings.teams_configured
        alice = cloud.add_user(org.lars.name, org.lars.email)
        try:
            yield Both(api, cloud, org, build_deps(settings, db), alice)
        finally:
            settle(api)


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_one_port_answers_slack_teams_and_the_probes(both: Both) -> None:
    service = build_service(both.deps, slack_app=build_app(both.deps))
    with served(service) as url:
        slack = SlackPlatform(f"{url}/slack/events", SIGNING_SECRET, both.api)
        answer = slack.command(slack_id(both.org.lars), "hjælp")
        assert answer.status == 200
        teams = TeamsPlatform(f"{url}/api/messages", both.cloud).message(both.alice, "hjælp")
        assert teams.status == 200
        help_text = both.cloud.wait_for("send").body
        assert "Netværksbot" in json.dumps(help_text, ensure_ascii=False)  # the real Teams bot
        forged = TeamsPlatform(f"{url}/api/messages", both.cloud)
        assert forged.message(both.alice, "hjælp", token="forged").status == 401
        assert get(f"{url}/healthz") == (200, {"ok": True})
        assert get(f"{url}/readyz") == (200, {"ready": True, "problems": []})
        # The bot's token came from the emulated Entra (the answer; readiness: a cached one).
        assert {call.status for call in both.cloud.calls_to("token")} == {200}


def test_teams_alone_needs_no_slack_setting(db: Database, both: Both) -> None:
    unslacked = both.deps.settings.model_copy(
        update={"slack_bot_token": None, "slack_signing_secret": None}
    )
    service = build_service(build_deps(unslacked, db))
    with served(service) as url:
        assert (
            TeamsPlatform(f"{url}/api/messages", both.cloud).message(both.alice, "x").status == 200
        )
        assert get(f"{url}/readyz") == (200, {"ready": True, "problems": []})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                urllib.request.Request(f"{url}/slack/events", data=b"{}", method="POST"), timeout=5
            )
        assert refused.value.code == 404  # no Slack route without Slack


def test_not_ready_when_entra_refuses_the_token(both: Both) -> None:
    service = build_service(both.deps, slack_app=build_app(both.deps))
    with served(service) as url:
        both.cloud.fail_next("token", 500, count=3)
        status, body = get(f"{url}/readyz")
        assert (status, body) == (503, {"ready": False, "problems": ["teams_token_failed"]})
        assert both.cloud.app_secret not in json.dumps(body)
        assert get(f"{url}/healthz")[0] == 200  # alive all the same


class Gates:
    """Each platform's handler, once started, waits until the test opens its gate."""

    def __init__(self) -> None:
        self.slack_started, self.slack_gate = threading.Event(), threading.Event()
        self.teams_started, self.teams_gate = threading.Event(), threading.Event()
        self.teams_released: list[bool] = []


def gated_service(deps: Deps, gates: Gates) -> Service:
    """The real Bolt app plus a slow command, and a Teams app whose message handler is slow."""
    app = build_app(deps)

    @app.command("/langsom")
    def slow(ack: Ack) -> None:
        gates.slack_started.set()
        ack("released" if gates.slack_gate.wait(WAIT) else "timed out")

    def teams(adapter: FastAPIAdapter) -> Any:
        bot = make_teams_app(deps.settings, adapter)

        @bot.on_message
        async def on_message(_ctx: ActivityContext[MessageActivity]) -> None:
            gates.teams_started.set()
            gates.teams_released.append(await asyncio.to_thread(gates.teams_gate.wait, WAIT))

        return bot

    settings = deps.settings
    probes = service_probes(settings, deps.db)
    return make_asgi(probes, slack=slack_wsgi(app), slack_threads=4, teams=teams)


def in_background(call: Any) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    return thread, result


def test_a_slow_slack_handler_does_not_hold_up_teams(both: Both) -> None:
    gates = Gates()
    with served(gated_service(both.deps, gates)) as url:
        slack = SlackPlatform(f"{url}/slack/events", SIGNING_SECRET, both.api, timeout=30)
        thread, slack_answer = in_background(
            lambda: slack.command(slack_id(both.org.lars), "", command="/langsom")
        )
        assert gates.slack_started.wait(WAIT)
        gates.teams_gate.set()  # Teams' own handler does not wait in this direction
        teams = TeamsPlatform(f"{url}/api/messages", both.cloud)
        assert teams.message(both.alice, "hjælp").status == 200  # while Slack still works
        assert get(f"{url}/healthz")[0] == 200
        assert thread.is_alive()  # the Slack request was still in its handler all along
        gates.slack_gate.set()
        thread.join(WAIT)
        answer: Response = slack_answer[0]
        assert answer.status == 200 and "released" in answer.body


def test_a_slow_teams_handler_does_not_hold_up_slack(both: Both) -> None:
    gates = Gates()
    with served(gated_service(both.deps, gates)) as url:
        teams = TeamsPlatform(f"{url}/api/messages", both.cloud, timeout=30)
        thread, teams_answer = in_background(lambda: teams.message(both.alice, "hjælp"))
        assert gates.teams_started.wait(WAIT)
        slack = SlackPlatform(f"{url}/slack/events", SIGNING_SECRET, both.api)
        assert slack.command(slack_id(both.org.lars), "hjælp").status == 200
        assert get(f"{url}/healthz")[0] == 200
        assert thread.is_alive()
        gates.teams_gate.set()
        thread.join(WAIT)
        assert teams_answer[0].status == 200 and gates.teams_released == [True]


@pytest.mark.parametrize(
    "body", [b"{", b"\xff", b"[]", b"null", b'{"type": 5}', b'{"text": "no type"}']
)
def test_a_malformed_teams_body_gets_400_and_reaches_nothing(both: Both, body: bytes) -> None:
    """Signed or not: the SDK would answer these with a 500 and a stack trace."""
    service = build_service(both.deps, slack_app=build_app(both.deps))
    with served(service) as url:
        teams = TeamsPlatform(f"{url}/api/messages", both.cloud)
        request = urllib.request.Request(
            f"{url}/api/messages",
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {teams.token()}",
            },
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=WAIT)
        assert refused.value.code == 400
        too_large = urllib.request.Request(
            f"{url}/api/messages", data=b" " * 1_000_001, method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(too_large, timeout=WAIT)
        assert refused.value.code == 413
        assert both.cloud.calls_to("send") == []
        assert teams.message(both.alice, "hjælp").status == 200  # the next good one is answered
        assert both.cloud.wait_for("send").status == 201


def test_teams_download_links_are_served_on_the_same_port(both: Both) -> None:
    from bot.core import ui
    from platforms.teams.downloads import make_downloads

    invitation = ui.Attachment("samtale.ics", "Samtalen", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    token = make_downloads(both.deps.settings, both.deps.db).store(invitation, None)
    with served(build_service(both.deps)) as url:
        with urllib.request.urlopen(f"{url}/download/{token}", timeout=WAIT) as answer:
            assert answer.status == 200 and answer.read() == invitation.content
            assert answer.headers["Content-Type"].startswith("text/calendar")
        file_id, expires, _signature = token.split(".")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/download/{file_id}.{expires}.forged", timeout=WAIT)
        assert refused.value.code == 404


def test_the_probes_answer_while_teams_work_holds_every_worker_thread(both: Both) -> None:
    """The Teams handlers run the core in the loop's default executor (two threads here); both
    held, /healthz and /readyz still answer from the probes' own threads."""
    started, gate = threading.Semaphore(0), threading.Event()

    def teams(adapter: FastAPIAdapter) -> Any:
        bot = make_teams_app(both.deps.settings, adapter)

        @bot.on_message
        async def on_message(_ctx: ActivityContext[MessageActivity]) -> None:
            started.release()
            await asyncio.to_thread(gate.wait, WAIT)

        return bot

    probes = service_probes(both.deps.settings, both.deps.db)
    with served(make_asgi(probes, teams=teams, worker_threads=2)) as url:
        platform = TeamsPlatform(f"{url}/api/messages", both.cloud, timeout=30)
        held = [in_background(lambda: platform.message(both.alice, "x")) for _ in range(2)]
        assert started.acquire(timeout=WAIT) and started.acquire(timeout=WAIT)
        assert get(f"{url}/healthz") == (200, {"ok": True})
        assert get(f"{url}/readyz")[0] == 200
        assert all(thread.is_alive() for thread, _answer in held)
        gate.set()
        for thread, answer in held:
            thread.join(WAIT)
            assert answer[0].status == 200
