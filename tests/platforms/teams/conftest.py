"""The Teams bot served for real, for every Teams test: `teams_env`.

The bot (platforms/teams/bot.py: `build_teams_bot`) runs under uvicorn in a thread, on a free
port, with the project's real dependencies (netvaerk/app.py: `build_deps`) on the test database
and the test organisation (tests/factories.py). `MicrosoftCloud` is Entra, the OpenID keys and
the Bot Connector; `TeamsPlatform` sends signed activities as Teams does. Each person of the
organisation has a Teams user with the same email (`env.user("anne")`); nobody is linked to
Teams until the bot learns them (`env.install("anne")`: the app installed for them).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from microsoft_teams.apps import App, FastAPIAdapter

from bot.core.deps import Deps
from bot.core.settings import Settings
from emulator.clock import real_monotonic
from emulator.microsoft import MicrosoftCloud, TeamsPlatform
from emulator.microsoft.records import PostedActivity, TeamsUser
from netvaerk.app import build_deps
from platforms.teams.bot import build_teams_bot
from storage.db import Database
from tests.factories import Org, build_org
from tests.schedule_support import Org as ScheduleOrg
from tests.schedule_support import build_org as build_schedule_org
from tests.schedule_support import cph, hold

LOCALES = {"fatima": "en-GB"}
PUBLIC_URL = "https://netvaerk.example.dk"  # the rest use Teams in Danish


class ServedBot:
    """A FastAPI app served by uvicorn in a thread on a free port of 127.0.0.1."""

    def __init__(self, fastapi: FastAPI) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(fastapi, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        while not self.server.started:
            threading.Event().wait(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"


@dataclass
class TeamsEnv:
    cloud: MicrosoftCloud
    platform: TeamsPlatform
    db: Database
    org: Org
    deps: Deps
    app: App
    served: ServedBot
    users: dict[str, TeamsUser] = field(default_factory=dict)

    def user(self, name: str) -> TeamsUser:
        """The Teams user of a person of the test organisation (`"anne"`, `"lars"`, …)."""
        return self.users[name]

    def install(self, name: str) -> Any:
        """The app installed for the person: the bot learns who they are and greets them."""
        return self.platform.install(self.user(name))

    def wait_message(self, name: str, contains: str, timeout: float = 10.0) -> PostedActivity:
        """The newest message to the person (as it stands now) whose card shows `contains`."""
        deadline = real_monotonic() + timeout
        while True:
            for message in reversed(self.cloud.messages_to(self.user(name))):
                if contains in card_text(message):
                    return message
            if real_monotonic() > deadline:
                shown = [card_text(m)[:80] for m in self.cloud.messages_to(self.user(name))]
                raise AssertionError(f"no message to {name} with {contains!r}; got {shown}")
            threading.Event().wait(0.02)

    def wait_sends(self, count: int) -> None:
        """Until the bot has sent `count` messages in all (work after an answer comes later)."""
        calls = self.cloud.calls_to
        self.cloud.wait_for("send", lambda _c: len(calls("send")) >= count, timeout=10)

    def installed(self, *names: str) -> None:
        """The app installed for each person, and each one's welcome card arrived."""
        for name in names:
            count = len(self.cloud.calls_to("send"))
            self.install(name)
            self.wait_sends(count + 1)

    def answer(
        self, name: str, text: str, *, sends: int = 1, mentions: Sequence[TeamsUser] = ()
    ) -> str:
        """The person writes `text` to the bot; once `sends` more messages went out, what the
        bot's last message to them says."""
        count = len(self.cloud.calls_to("send"))
        assert self.platform.message(self.user(name), text, mentions=mentions).status == 200
        self.wait_sends(count + sends)
        return card_text(self.last_message_to(name))

    def last_message_to(self, name: str) -> PostedActivity:
        messages = self.cloud.messages_to(self.user(name))
        assert messages, f"the bot wrote nothing to {name}"
        return messages[-1]


def card_text(activity: PostedActivity | dict[str, Any]) -> str:
    """Every text of a message's cards (or of one card), joined: what a reader sees."""
    cards = activity.cards if isinstance(activity, PostedActivity) else [activity]
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value", "label", "errorMessage"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(cards)
    return "\n".join(found).replace("\u200b", "")


@pytest.fixture
def teams_env(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TeamsEnv]:
    with MicrosoftCloud() as cloud:
        for key, value in cloud.environment().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("NETVAERK_PUBLIC_URL", PUBLIC_URL)  # where download links point
        org = build_org(db)
        deps = build_deps(Settings(), db)
        fastapi = FastAPI()
        app = build_teams_bot(deps, FastAPIAdapter(app=fastapi))
        asyncio.run(app.initialize())
        served = ServedBot(fastapi)
        served.start()
        users = {
            name: cloud.add_user(person.name, person.email, locale=LOCALES.get(name, "da-DK"))
            for name, person in vars(org).items()
            if hasattr(person, "email")
        }
        env = TeamsEnv(cloud, TeamsPlatform(served.url, cloud), db, org, deps, app, served, users)
        try:
            yield env
        finally:
            served.stop()


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[MicrosoftCloud]:
    with MicrosoftCloud() as started:
        for key, value in started.environment().items():
            monkeypatch.setenv(key, value)
        yield started


@pytest.fixture
def org(db: Database) -> ScheduleOrg:
    """The scheduler tests' organisation (tests/schedule_support.py), for delivery on Teams."""
    built = build_schedule_org(db, cph(2027, 2, 1, 10), references=False)
    for leader in (built.anne, built.fatima):  # no booking nudges in these tests
        hold(db, leader, built.lars, cph(2027, 2, 1, 11))
    return built
