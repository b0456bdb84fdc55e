"""Inbound security: the SDK's Bot Framework JWT validation, always on, over real HTTP.

Every activity without a valid token gets 401 and reaches no handler: missing, forged (another
key), expired, for another bot, for another serviceUrl. Even with the SDK's own escape hatch set
in the environment (DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS), validation stays on.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from microsoft_teams.api import MessageActivity
from microsoft_teams.apps import ActivityContext, App, FastAPIAdapter

from bot.core.settings import Settings
from emulator.microsoft import MicrosoftCloud, TeamsPlatform
from platforms.teams.sdk import make_teams_app


class Served:
    def __init__(self, app: App, fastapi: FastAPI) -> None:
        self.app = app
        self.seen: list[str] = []
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(fastapi, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Served, MicrosoftCloud]]:
    with MicrosoftCloud() as cloud:
        for key, value in cloud.environment().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", "true")
        fastapi = FastAPI()
        app = make_teams_app(Settings(), FastAPIAdapter(app=fastapi))
        running = Served(app, fastapi)

        @app.on_message
        async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
            running.seen.append(ctx.activity.text or "")
            await ctx.send(f"ekko: {ctx.activity.text}")

        asyncio.run(app.initialize())
        running.thread.start()
        while not running.server.started:
            threading.Event().wait(0.01)
        yield running, cloud
        running.server.should_exit = True
        running.thread.join(5)


def test_a_signed_message_reaches_the_handler_and_the_answer_the_connector(
    served: tuple[Served, MicrosoftCloud],
) -> None:
    running, cloud = served
    alice = cloud.add_user("Alice Jensen", "alice@albertslund.dk")
    answer = TeamsPlatform(running.url, cloud).message(alice, "hjælp")
    assert answer.status == 200
    assert running.seen == ["hjælp"]
    sent = cloud.wait_for("send")
    assert sent.status == 201 and sent.body["text"] == "ekko: hjælp"
    assert [call.status for call in cloud.calls_to("token")] == [200]


@pytest.mark.parametrize(
    "token", ["missing", "forged", "expired", "wrong_audience", "wrong_serviceurl"]
)
def test_anything_else_gets_401_and_causes_nothing(
    served: tuple[Served, MicrosoftCloud], token: Any
) -> None:
    running, cloud = served
    alice = cloud.add_user("Alice Jensen", "alice@albertslund.dk")
    answer = TeamsPlatform(running.url, cloud).message(alice, "slet alt", token=token)
    assert answer.status == 401
    assert running.seen == []
    assert cloud.calls_to("send") == [] and cloud.calls_to("token") == []
