"""The playground served as `netvaerk run` serves it (waitress on loopback), with its clock
started on a fixed Monday so every test sees the same calendar."""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import waitress
from playwright.sync_api import Browser, Page, expect, sync_playwright
from waitress.server import BaseWSGIServer

from bot.core.settings import Settings
from playground.api import Playground
from playground.server import make_playground_wsgi

CPH = ZoneInfo("Europe/Copenhagen")
START = datetime(2027, 3, 1, 9, 0, tzinfo=CPH)  # a Monday; the demo's own "day 0"


@dataclass
class Served:
    playground: Playground
    url: str

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, Any]:
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, reply.read(), reply.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def post(
        self, path: str, body: dict[str, Any], content_type: str = "application/json"
    ) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": content_type},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return reply.status, json.loads(reply.read())
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw)
            except ValueError:
                return error.code, raw

    def state(self, user: str) -> dict[str, Any]:
        status, body, _ = self.get(f"/api/state?user={user}")
        assert status == 200, body
        result: dict[str, Any] = json.loads(body)
        return result


def playground_settings() -> Settings:
    return Settings(
        slack_bot_token=None,
        slack_signing_secret=None,
        slack_app_token=None,
        netvaerk_language="da",
        netvaerk_timezone="Europe/Copenhagen",
        netvaerk_secretariat_channel=None,
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    playground = Playground(
        playground_settings(),
        tmp_path / "playground.sqlite3",
        start=START,
        background_tick_seconds=0,  # the tests move the clock themselves
    )
    server = waitress.create_server(
        make_playground_wsgi(playground), host="127.0.0.1", port=0, threads=8
    )
    assert isinstance(server, BaseWSGIServer)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        server.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield Served(playground, f"http://127.0.0.1:{server.effective_port}")
    finally:
        stop.set()
        thread.join(timeout=10)
        playground.close()


# --- the browser (headless Chromium via Playwright) ----------------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(or point CHROMIUM_PATH at it). The browser test is never skipped."
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1366, "height": 800},
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
    )
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    # Nothing may leave loopback: no fonts, no CDNs.
    outside: list[str] = []
    opened.on(
        "request",
        lambda request: None if request.url.startswith(served.url) else outside.append(request.url),
    )
    opened.goto(served.url + "/")
    try:
        yield opened
    finally:
        context.close()
    assert errors == [], errors
    assert outside == [], outside


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"playground-{name}.png"))


def be(page: Page, name: str) -> None:
    """Choose who you are in the page."""
    select = page.get_by_label("Du er")
    value = select.locator("option", has_text=name).get_attribute("value")
    assert value
    select.select_option(value)
    expect(page.locator("#who-desc")).not_to_be_empty()


def write(page: Page, text: str) -> None:
    """Write in the composer and send (a command, or a message)."""
    composer = page.get_by_label("Skriv en besked eller en kommando")
    composer.fill(text)
    composer.press("Enter")
