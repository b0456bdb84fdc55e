"""Serves production on one `$PORT`: Slack (`POST /slack/events`), Teams (`POST /api/messages`,
and `GET /download/<token>` for its signed file links), `GET /healthz`, `GET /readyz` and
`GET /metrics`, from one uvicorn process.

Why this shape. The Teams SDK v2 is asyncio: its `App` mounts `/api/messages` on a FastAPI app
(`FastAPIAdapter`) and its handlers run on an event loop. Bolt, and the core under it, are
synchronous. Both must answer on the same port (DESIGN.md §4) without one holding up the other:

- **uvicorn serving one FastAPI app** is the SDK's own way to serve, so Teams runs exactly as
  the SDK is built and tested. Teams handlers run on the loop; they hand the synchronous core to
  worker threads (platforms/teams/), so the loop is never held by a database call.
- **Slack is the same WSGI app as before** (Bolt's `SlackRequestHandler` inside the edge guard,
  `guard_wsgi`: a malformed body gets 400), mounted at `/slack/events` through a2wsgi's WSGI
  bridge. a2wsgi runs each Slack request in its own pool of `HTTP_THREADS` threads —
  the thread count waitress had — so a slow Slack listener occupies one of those threads and
  nothing else: the loop keeps answering Teams and the health endpoints. (Starlette's own WSGI
  middleware is deprecated in favour of a2wsgi; a2wsgi has no dependencies on Python ≥ 3.11.)
- **Teams has its edge guard too** (platforms/teams/edge.py): a body that is not a JSON object
  gets 400 before the SDK, which would otherwise answer it with a 500.
- **The health endpoints are async** and run their database queries in two threads of their
  own, apart from the Slack threads and from the loop's default executor (where the Teams
  handlers run the core, sized like Slack's pool): a burst of slow Slack or Teams work cannot
  make `/healthz` time out and get the process killed.

Socket Mode serves the same app without `/slack/events` (events arrive over the socket), so the
health endpoints and Teams still answer on `$PORT`. waitress is no longer the production server;
`make_wsgi` stays for the playground, which serves Slack alone on its own loopback port.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from a2wsgi import WSGIMiddleware
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from microsoft_teams.apps import App as TeamsApp
    from microsoft_teams.apps import FastAPIAdapter
    from slack_bolt import App

    from bot.core.deps import Deps

log = logging.getLogger(__name__)

GRACE_SECONDS = 10
PROBE_THREADS = 2
T = TypeVar("T")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
TeamsFactory = Callable[["FastAPIAdapter"], "TeamsApp"]
# A download link's token -> (status, headers, body): platforms/teams/downloads.py.
Download = Callable[[str], tuple[int, Mapping[str, str], bytes]]


@dataclass(frozen=True)
class Probes:
    """`health`: liveness (`/healthz`); `ready`: what keeps the process from taking traffic
    (`/readyz`, 200 only when empty); `metrics`: the Prometheus text (`/metrics`)."""

    health: Callable[[], bool] | None = None
    ready: Callable[[], list[str]] | None = None
    metrics: Callable[[], bytes] | None = None


def slack_wsgi(app: App) -> WSGIApp:
    """Bolt's WSGI handler behind the edge guard: a malformed body gets 400, not Bolt."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from platforms.slack.handlers.edge import guard_wsgi

    return guard_wsgi(SlackRequestHandler(app))


def make_wsgi(app: App, health: Callable[[], bool] | None = None) -> WSGIApp:
    """Slack and `/healthz` as one WSGI app: the playground's server and the Slack-only tests."""
    slack = slack_wsgi(app)

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


@dataclass
class Service:
    """The ASGI app to serve, and the Teams app whose routes it carries (to initialise first)."""

    asgi: FastAPI
    teams: TeamsApp | None = None
    worker_threads: int = 16

    async def prepare(self) -> None:
        """Size the loop's default executor — where the Teams handlers run the synchronous core
        (`asyncio.to_thread`) — like Slack's pool, and register the Teams route (with its token
        validation) before the first request."""
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(self.worker_threads, thread_name_prefix="worker")
        )
        if self.teams is not None:
            await self.teams.initialize()


def make_asgi(
    probes: Probes,
    *,
    slack: WSGIApp | None = None,
    slack_threads: int = 16,
    teams: TeamsFactory | None = None,
    downloads: Download | None = None,
    worker_threads: int = 16,
) -> Service:
    """One FastAPI app: `/slack/events` when `slack` is given, `/api/messages` when `teams` is,
    `GET /download/<token>` when `downloads` is (Teams' signed file links,
    platforms/teams/downloads.py), and the probes. No OpenAPI pages: this is a bot's endpoint,
    not an API to browse."""
    asgi = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    # The probes' own threads: busy Teams or Slack workers never keep /healthz from answering.
    probe_pool = ThreadPoolExecutor(PROBE_THREADS, thread_name_prefix="probe")

    async def in_probe_pool(call: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(probe_pool, call)

    async def healthz(_request: Request) -> Response:
        ok = await in_probe_pool(probes.health) if probes.health else True
        return JSONResponse({"ok": ok}, status_code=200 if ok else 503)

    asgi.router.routes.append(Route("/healthz", healthz, methods=["GET"]))
    if probes.ready is not None:
        ready = probes.ready

        async def readyz(_request: Request) -> Response:
            problems = await in_probe_pool(ready)
            body = {"ready": not problems, "problems": problems}
            return JSONResponse(body, status_code=503 if problems else 200)

        asgi.router.routes.append(Route("/readyz", readyz, methods=["GET"]))
    if probes.metrics is not None:
        metrics = probes.metrics

        async def metrics_text(_request: Request) -> Response:
            from bot.operations.metrics import CONTENT_TYPE

            return Response(await in_probe_pool(metrics), media_type=CONTENT_TYPE)

        asgi.router.routes.append(Route("/metrics", metrics_text, methods=["GET"]))
    if downloads is not None:
        serve_download = downloads

        async def download(request: Request) -> Response:
            token = str(request.path_params["token"])
            status, headers, body = await asyncio.to_thread(serve_download, token)
            return Response(body, status_code=status, headers=dict(headers))

        asgi.router.routes.append(Route("/download/{token}", download, methods=["GET"]))
    if slack is not None:
        bridge = WSGIMiddleware(slack, workers=slack_threads)  # type: ignore[arg-type]
        asgi.router.routes.append(Route("/slack/events", bridge, methods=["POST"]))
    service = Service(asgi, worker_threads=worker_threads)
    if teams is not None:
        from microsoft_teams.apps import FastAPIAdapter

        from platforms.teams.edge import ActivityGuard

        asgi.add_middleware(ActivityGuard)  # a malformed body gets 400, not the SDK
        service.teams = teams(FastAPIAdapter(app=asgi))
    return service


def service_probes(settings: Settings, db: Database) -> Probes:
    """Production's liveness, readiness (with the Teams checks when Teams is configured) and
    metrics."""
    from bot.operations.readiness import readiness_check, slack_configured

    ready = readiness_check(db, lambda: slack_configured(settings) or settings.teams_configured)
    if settings.teams_configured:
        from platforms.teams.doctor import TeamsReadiness

        teams_ready = TeamsReadiness(settings)

        def ready_with_teams() -> list[str]:
            return ready() + teams_ready.problems()

        return Probes(_database_healthy(db), ready_with_teams, _metrics(settings, db))
    return Probes(_database_healthy(db), ready, _metrics(settings, db))


def _metrics(settings: Settings, db: Database) -> Callable[[], bytes]:
    from bot.core import clock
    from bot.operations.metrics import exposition

    return lambda: exposition(db, clock.now(), settings.netvaerk_timezone)


def build_service(deps: Deps, *, slack_app: App | None = None) -> Service:
    """Everything `netvaerk run` serves for these settings: Slack over HTTP when it has a signing
    secret and no app token, Teams when it is configured."""
    settings = deps.settings
    slack = None
    if slack_app is not None and not settings.slack_app_token:
        slack = slack_wsgi(slack_app)
    teams = downloads = None
    if settings.teams_configured:
        from platforms.teams.downloads import make_downloads

        teams = _teams_bot(deps)
        downloads = make_downloads(settings, deps.db).serve_download
    return make_asgi(
        service_probes(settings, deps.db),
        slack=slack,
        slack_threads=settings.http_threads,
        teams=teams,
        downloads=downloads,
        worker_threads=settings.http_threads,
    )


def _teams_bot(deps: Deps) -> TeamsFactory:
    from platforms.teams.bot import build_teams_bot

    return lambda adapter: build_teams_bot(deps, adapter)


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


async def run_service(service: Service, host: str, port: int) -> None:
    """Initialise Teams, then serve until uvicorn is told to stop (SIGTERM, Ctrl-C)."""
    import uvicorn

    await service.prepare()
    routes = [r.path for r in service.asgi.router.routes if hasattr(r, "path")]
    log.info("serving on port %s: %s", port, ", ".join(routes))
    # log_config=None: keep our logging (plain or JSON, netvaerk/cli.py), not uvicorn's own.
    # A stop (SIGTERM) lets requests in flight finish, for at most GRACE_SECONDS.
    config = uvicorn.Config(
        service.asgi,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    await uvicorn.Server(config).serve()


def serve(settings: Settings, db: Database) -> int:
    """Production: Slack with a bot token, Teams when configured, or both. With neither,
    `netvaerk run` starts the playground instead (netvaerk/cli.py); this module never imports
    it or the emulator."""
    from bot.core.i18n import t
    from netvaerk.app import build_app, build_deps, build_transport

    db.ensure_current()
    slack = bool(settings.slack_bot_token)
    if slack and not settings.slack_signing_secret and not settings.slack_app_token:
        print(t(settings.netvaerk_language, "setup.no_secret"))
        return 2
    deps = build_deps(settings, db)
    app = build_app(deps) if slack else None
    transport = build_transport(deps)
    # The Teams handlers' flows send through the same port as delivery: one Bot Connector client
    # (its token cached), Slack and Teams channels alike, files as download links.
    deps.chat = transport
    if settings.netvaerk_scheduler and transport is not None:
        from schedules.runner import start_scheduler  # the minute tick and nightly retention

        start_scheduler(deps, transport)
    service = build_service(deps, slack_app=app)
    _freeze_start_up_objects()
    if app is not None and settings.slack_app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        # Socket Mode for Slack's events (its own threads); the rest still answers on PORT.
        SocketModeHandler(app, settings.slack_app_token).connect()
    asyncio.run(run_service(service, "0.0.0.0", settings.port))
    return 0
