"""Serves the Bolt app in production: HTTP (`POST /slack/events`, `GET /healthz`, `GET /readyz`,
`GET /metrics`) or Socket Mode (the GET endpoints still answer on PORT)."""

from __future__ import annotations

import gc
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.core.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def make_wsgi(
    app: App,
    health: Callable[[], bool] | None = None,
    *,
    ready: Callable[[], list[str]] | None = None,
    metrics: Callable[[], bytes] | None = None,
) -> WSGIApp:
    """`health`: liveness (`/healthz`); `ready`: what keeps it from taking traffic
    (`/readyz`, 200 only when empty); `metrics`: the Prometheus text (`/metrics`)."""
    from platforms.slack.handlers.edge import guard_wsgi

    slack = guard_wsgi(SlackRequestHandler(app))  # a malformed body gets 400, not Bolt

    def answer(
        start_response: Callable[..., Any], ok: bool, body: bytes, kind: str = "application/json"
    ) -> list[bytes]:
        status = "200 OK" if ok else "503 Service Unavailable"
        start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body)))])
        return [body]

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/slack/events" and method == "POST":
            return slack(environ, start_response)
        if path == "/healthz" and method == "GET":
            ok = health() if health else True
            return answer(start_response, ok, json.dumps({"ok": ok}).encode())
        if path == "/readyz" and method == "GET" and ready is not None:
            problems = ready()
            body = json.dumps({"ready": not problems, "problems": problems}).encode()
            return answer(start_response, not problems, body)
        if path == "/metrics" and method == "GET" and metrics is not None:
            from bot.operations.metrics import CONTENT_TYPE

            return answer(start_response, True, metrics(), CONTENT_TYPE)
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return wsgi


def make_service_wsgi(app: App, settings: Settings, db: Database) -> WSGIApp:
    """The production endpoints: Slack, liveness, readiness and metrics."""
    from bot.core import clock
    from bot.operations.metrics import exposition
    from bot.operations.readiness import readiness_check, slack_configured

    return make_wsgi(
        app,
        _database_healthy(db),
        ready=readiness_check(db, lambda: slack_configured(settings)),
        metrics=lambda: exposition(db, clock.now(), settings.netvaerk_timezone),
    )


def _database_healthy(db: Database) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with db.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            log.exception("health check: database unreachable")
            return False

    return check


def _freeze_start_up_objects() -> None:
    """Put what start-up made (modules, the app, catalogues, mappers) out of the collector's reach.

    Otherwise every full collection walks all of it while holding the GIL, and each stalls every
    request in flight: 190 ms at a time under load, the whole of the ack's tail in bench/ack.py
    (measured with gc.callbacks). CPython documents gc.freeze() for long-lived servers.
    """
    gc.collect()
    gc.freeze()


def serve(settings: Settings, db: Database) -> int:
    """Production: Slack with a bot token. Without one, `netvaerk run` starts the playground
    instead (netvaerk/cli.py); this module never imports it or the emulator."""
    from bot.core.i18n import t
    from netvaerk.app import build_app, build_deps

    db.ensure_current()
    if not settings.slack_signing_secret and not settings.slack_app_token:
        print(t(settings.netvaerk_language, "setup.no_secret"))
        return 2
    deps = build_deps(settings, db)
    app = build_app(deps)
    from platforms.slack.chat import SlackChat, make_delivery_client
    from schedules.runner import start_scheduler  # the minute tick and the nightly retention

    if settings.netvaerk_scheduler:
        start_scheduler(deps, SlackChat(make_delivery_client(settings)))
    wsgi = make_service_wsgi(app, settings, db)
    import waitress

    _freeze_start_up_objects()

    if settings.slack_app_token:
        import threading

        from slack_bolt.adapter.socket_mode import SocketModeHandler

        # Socket Mode for events; the health endpoint still answers on PORT.
        threading.Thread(
            target=waitress.serve,
            kwargs={"app": wsgi, "host": "0.0.0.0", "port": settings.port, "threads": 2},
            daemon=True,
        ).start()
        SocketModeHandler(app, settings.slack_app_token).start()
        return 0
    log.info("serving Slack over HTTP on port %s", settings.port)
    waitress.serve(wsgi, host="0.0.0.0", port=settings.port, threads=settings.http_threads)
    return 0
