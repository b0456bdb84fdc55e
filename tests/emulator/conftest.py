"""Fixtures for the emulator's own tests: a started API, a real WebClient, a tiny Bolt app."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from emulator import SlackPlatform, SlackWebAPI

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"
ALICE, BOB, GONE = "U0ALICE001", "U0BOB00002", "U0GONE0003"
GENERAL, SECRET_ROOM, OLD, OUTSIDE = "C0GENERAL1", "G0PRIVATE1", "C0ARCHIVE1", "C0OUTSIDE1"


@pytest.fixture
def api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        started.add_user(ALICE, "Alice@Example.dk", "alice")
        started.add_user(BOB, "bob@example.dk", "bob", tz="America/New_York", locale="en-US")
        started.add_user(GONE, "gone@example.dk", "gone", deleted=True)
        started.add_channel(GENERAL, "general")
        started.add_channel(SECRET_ROOM, "hemmelig", is_private=True, bot_is_member=False)
        started.add_channel(OLD, "gammel", is_archived=True)
        started.add_channel(OUTSIDE, "udenfor", bot_is_member=False)
        yield started


@pytest.fixture
def client(api: SlackWebAPI) -> WebClient:
    return WebClient(base_url=api.api_url, token=TOKEN)


@dataclass
class BoltHarness:
    app: App
    platform: SlackPlatform
    url: str


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """wsgiref, one thread per request (Bolt may be busy with one while Slack sends another).

    Chosen over waitress here because it shuts down cleanly from another thread.
    """

    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve(api: SlackWebAPI) -> Iterator[Callable[[App], BoltHarness]]:
    """Serve a Bolt app over real HTTP on loopback and point a platform at it."""
    servers: list[tuple[WSGIServer, threading.Thread]] = []

    def start(app: App) -> BoltHarness:
        server = make_server(
            "127.0.0.1",
            0,
            SlackRequestHandler(app),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        thread.start()
        servers.append((server, thread))
        url = f"http://127.0.0.1:{server.server_port}/slack/events"
        return BoltHarness(app, SlackPlatform(url, SECRET, api), url)

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def bolt_app(api: SlackWebAPI) -> App:
    """A Bolt app wired to the emulator the way the bot is (SLACK_API_URL = api.api_url)."""
    return App(
        signing_secret=SECRET,
        client=WebClient(base_url=api.api_url, token=TOKEN),
    )
