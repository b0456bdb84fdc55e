"""End to end: the real Bolt app served over real HTTP (waitress, as in production), talking to
the Slack Web API emulator, driven by requests signed as Slack signs them."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
import waitress
from waitress.server import BaseWSGIServer

from bot.core.deps import Deps
from bot.core.settings import Settings
from emulator.platform import SlackPlatform
from emulator.web_api import SlackWebAPI
from netvaerk.app import build_app, build_deps
from netvaerk.server import WSGIApp, make_wsgi
from storage.db import Database
from tests.e2e.helpers import settle
from tests.factories import Org, build_org
from tests.slack_ids import slack_id

SIGNING_SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@dataclass
class SlackEnv:
    api: SlackWebAPI
    slack: SlackPlatform
    db: Database
    org: Org
    deps: Deps


@dataclass
class RunningServer:
    server: BaseWSGIServer
    stop: threading.Event
    thread: threading.Thread
    url: str


def serve_app(deps: Deps) -> RunningServer:
    return serve_wsgi(make_wsgi(build_app(deps)))


def serve_wsgi(wsgi: WSGIApp) -> RunningServer:
    """Serve with waitress, as production does, in a thread that can be stopped cleanly:
    the event loop runs in small steps and the server is closed by that same thread."""
    server = waitress.create_server(wsgi, host="127.0.0.1", port=0, threads=8)
    assert isinstance(server, BaseWSGIServer)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        server.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return RunningServer(server, stop, thread, f"http://127.0.0.1:{server.effective_port}")


def stop_server(running: RunningServer) -> None:
    running.stop.set()
    running.thread.join(timeout=10)


def settings_for(api: SlackWebAPI, db: Database) -> Settings:
    return Settings(
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_app_token=None,
        slack_api_url=api.api_url,
        database_url=db.url,
        netvaerk_language="da",
        netvaerk_timezone="Europe/Copenhagen",
        slack_max_retries=3,
    )


@pytest.fixture
def env(db: Database) -> Iterator[SlackEnv]:
    org = build_org(db)
    with SlackWebAPI() as api:
        for person, locale in (
            (org.lars, "da-DK"),
            (org.anne, "da-DK"),
            (org.soren, "en-GB"),  # no language in the import: Slack's locale decides
            (org.mette, "da-DK"),
            (org.fatima, "en-US"),
            (org.ida, "da-DK"),
            (org.nomgr, "da-DK"),
        ):
            api.add_user(slack_id(person), person.email, person.name, locale=locale)
        api.add_user("USTRANGER", "stranger@example.dk", "Ukendt Person")
        deps = build_deps(settings_for(api, db), db)
        running = serve_app(deps)
        try:
            platform = SlackPlatform(f"{running.url}/slack/events", SIGNING_SECRET, api)
            yield SlackEnv(api, platform, db, org, deps)
        finally:
            settle(api)  # let work started after the answers (lazy listeners) finish
            stop_server(running)


# Slack markup that the plain-text rendering of a message must never hold: the neutral model
# carries none (tests/test_every_message_plain.py does the same for every outbox message).
_SLACK_MARKUP = re.compile(
    r"(^|\s)\*[^*\s][^*\n]*\*(\s|$)|<[^<>\s]+\|[^<>]+>|<[@#!][^>]*>|&(lt|gt|amp);|\*\*|\]\("
)


@pytest.fixture(autouse=True)
def _every_flow_message_is_neutral(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every text the flows hand to Slack, read as plain text as it is rendered: with no
    platform markup left in it (a flow that formats Slack mrkdwn itself would show here)."""
    from bot.core import ui
    from platforms.slack import blocks

    found: list[str] = []
    render = blocks._spans

    def checked(spans: Iterable[ui.Span]) -> str:
        spans = tuple(spans)
        shown = ui.plain_text(spans)
        if _SLACK_MARKUP.search(shown):
            found.append(shown)
        return render(spans)

    monkeypatch.setattr(blocks, "_spans", checked)
    yield
    assert found == []
