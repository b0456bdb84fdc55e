"""Serves the Bolt app in production: HTTP (`POST /slack/events`, `GET /healthz`) or Socket Mode."""

from __future__ import annotations

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


def make_wsgi(app: App, health: Callable[[], bool] | None = None) -> WSGIApp:
    from platforms.slack.handlers.edge import guard_wsgi

    slack = guard_wsgi(SlackRequestHandler(app))  # a malformed body gets 400, not Bolt

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/slack/events" and method == "POST":
            return slack(environ, start_response)
        if path == "/healthz" and method == "GET":
            ok = health() if health else True
            body = json.dumps({"ok": ok}).encode()
            status = "200 OK" if ok else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return wsgi


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
    wsgi = make_wsgi(app, _database_healthy(db))
    import waitress

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
