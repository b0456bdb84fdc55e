"""The playground's web server: the page, its static files and the JSON API, on loopback.

`netvaerk run` without `SLACK_BOT_TOKEN` ends up here (netvaerk/server.py). The page is plain HTML,
CSS and JavaScript from playground/static/ — no build step and nothing fetched from the internet,
so it works offline and leaks nothing.

It only listens on 127.0.0.1, refuses requests whose Host is not local (DNS rebinding) and
accepts actions only as `application/json`, which a foreign web page cannot send without a CORS
preflight that this server never grants: another site open in the same browser cannot press the
playground's buttons.
"""

from __future__ import annotations

import html
import json
import logging
import mimetypes
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import waitress

from bot.core.i18n import LANGUAGES, t
from bot.core.settings import Settings
from playground.api import ApiError, Playground, default_db_path

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
HOST = "127.0.0.1"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
MAX_BODY = 256 * 1024
_PLACEHOLDER = re.compile(r"\{\{([a-z0-9_.]+)\}\}")
# Everything the page loads comes from this server; images in bot messages may be anywhere.
SECURITY_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: https:; style-src 'self'; "
        "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
StartResponse = Callable[..., Any]


def render_index(language: str) -> bytes:
    """index.html with every `{{key}}` replaced by the catalogue's `playground.key`, escaped."""
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")

    def text(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "lang":
            return language
        return html.escape(t(language, f"playground.{key}"))

    return _PLACEHOLDER.sub(text, template).encode("utf-8")


def _reply(
    start_response: StartResponse,
    status: str,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
) -> list[bytes]:
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body)))]
    start_response(status, headers + SECURITY_HEADERS + (extra or []))
    return [body]


def _json(start_response: StartResponse, status: str, data: Any) -> list[bytes]:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return _reply(start_response, status, body, "application/json; charset=utf-8")


def _static(start_response: StartResponse, name: str) -> list[bytes]:
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file() or name == "index.html":
        return _reply(start_response, "404 Not Found", b"not found", "text/plain")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    return _reply(start_response, "200 OK", path.read_bytes(), kind)


def _host_ok(environ: dict[str, Any]) -> bool:
    host = str(environ.get("HTTP_HOST") or "")
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in LOCAL_HOSTS


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    if not str(environ.get("CONTENT_TYPE", "")).startswith("application/json"):
        raise ApiError(415, "playground.error.bad_request")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise ApiError(400, "playground.error.bad_request") from error
    if length > MAX_BODY:
        raise ApiError(413, "playground.error.bad_request")
    raw = environ["wsgi.input"].read(length) if length else b"{}"
    try:
        body = json.loads(raw or b"{}")
    except ValueError as error:
        raise ApiError(400, "playground.error.bad_request") from error
    if not isinstance(body, dict):
        raise ApiError(400, "playground.error.bad_request")
    return body


def make_playground_wsgi(playground: Playground) -> WSGIApp:
    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = str(environ.get("PATH_INFO", "/"))
        if not _host_ok(environ):
            return _reply(start_response, "403 Forbidden", b"forbidden", "text/plain")
        query = {k: v[0] for k, v in parse_qs(str(environ.get("QUERY_STRING", ""))).items()}
        try:
            return route(method, path, query, environ, start_response)
        except ApiError as error:
            message = t(playground.language, error.key, **error.values)
            return _json(start_response, f"{error.status} Error", {"ok": False, "error": message})
        except Exception:
            log.exception("playground request %s %s failed", method, path)
            message = t(playground.language, "playground.error.internal")
            return _json(
                start_response, "500 Internal Server Error", {"ok": False, "error": message}
            )

    def route(
        method: str,
        path: str,
        query: dict[str, str],
        environ: dict[str, Any],
        start_response: StartResponse,
    ) -> list[bytes]:
        if method == "GET":
            if path == "/":
                language = query.get("lang") or playground.language
                if language not in LANGUAGES:
                    language = playground.language
                return _reply(
                    start_response, "200 OK", render_index(language), "text/html; charset=utf-8"
                )
            if path.startswith("/static/"):
                return _static(start_response, path.removeprefix("/static/"))
            if path == "/healthz":
                return _json(start_response, "200 OK", {"ok": True})
            if path == "/api/state":
                return _json(start_response, "200 OK", playground.state(query.get("user", "")))
            if path == "/api/texts":
                return _json(start_response, "200 OK", playground.texts(query.get("lang")))
            if path.startswith("/api/files/"):
                found = playground.file(path.removeprefix("/api/files/"))
                if found is None:
                    return _reply(start_response, "404 Not Found", b"not found", "text/plain")
                name, content = found
                safe = re.sub(r"[^\w.-]", "_", name)
                disposition = [("Content-Disposition", f'attachment; filename="{safe}"')]
                kind = mimetypes.guess_type(safe)[0] or "application/octet-stream"
                return _reply(start_response, "200 OK", content, kind, disposition)
        if method == "POST" and path.startswith("/api/"):
            answer = playground.handle(path.removeprefix("/api/"), _read_json(environ))
            return _json(start_response, "200 OK", answer)
        return _reply(start_response, "404 Not Found", b"not found", "text/plain")

    return wsgi


def serve_playground(settings: Settings) -> int:
    """Start the playground on http://127.0.0.1:$PORT/ and serve until interrupted.

    It never looks at DATABASE_URL: it runs on its own SQLite file in the working directory.
    """
    url = f"http://{HOST}:{settings.port}/"
    playground = Playground(settings, default_db_path())
    print(t(settings.netvaerk_language, "playground.console.started", url=url), flush=True)
    try:
        waitress.serve(make_playground_wsgi(playground), host=HOST, port=settings.port, threads=8)
    finally:
        playground.close()
    return 0
