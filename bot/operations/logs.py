"""Log output for operators: the plain lines we always had, or one JSON object per line.

`NETVAERK_LOG_FORMAT=json` gives `{"time", "level", "logger", "event", "request_id",
"request_kind", "duration_ms"}` per line, for log shippers. Every line logged while a Slack
request is handled carries that request's id, in its answer and in the work done after it.

What is never logged (GDPR): tokens, names, emails, free text. Bolt and the Slack SDK write
request and response bodies at DEBUG, so their loggers stay at INFO whatever the root level.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.operations.requests import current

# Third-party loggers that write request/response bodies (personal data, tokens), and the
# lowest level at which they do not: Bolt and the SDK at DEBUG; Bolt's signature check at INFO
# ("Invalid request signature detected (… body: …)" holds the user's name and what they typed).
# A rejected request still gets its own line from netvaerk.requests, with result "rejected".
QUIET_LEVELS = {
    "slack_bolt": logging.INFO,
    "slack_sdk": logging.INFO,
    "slack_bolt.RequestVerification": logging.WARNING,
    # httpx logs every request line at INFO, and Graph's URLs name the mailbox
    # (/users/{email}/…): an email is personal data, so only its warnings get through.
    "httpx": logging.WARNING,
}
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_HANDLER_NAME = "netvaerk"


class RequestFilter(logging.Filter):
    """Stamps each record with the request it belongs to (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current()
        if not hasattr(record, "request_id"):
            record.request_id = info.id if info else None
        if not hasattr(record, "request_kind"):
            record.request_kind = info.kind if info else None
        return True


class QuietFilter(logging.Filter):
    """Drops what `QUIET_LEVELS` keeps out. Logger levels alone do not hold: Bolt copies its
    base logger's level onto each of its loggers when an app is built."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= production_level(record.name)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the exception, if any, as text in `error`."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "request_kind": getattr(record, "request_kind", None),
            "duration_ms": getattr(record, "duration_ms", None),
        }
        result = getattr(record, "result", None)
        if result is not None:
            data["result"] = result
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(
    log_format: str | None = None, level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """Send log records to stderr as plain lines (default) or JSON (`json`). Idempotent:
    calling it again replaces the handler it installed before."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(QuietFilter())
    handler.addFilter(RequestFilter())
    wants_json = (log_format or "plain").strip().lower() == "json"
    handler.setFormatter(JsonFormatter() if wants_json else logging.Formatter(PLAIN_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    quiet_third_parties()
    return handler


def quiet_third_parties() -> None:
    for name, level in QUIET_LEVELS.items():
        logging.getLogger(name).setLevel(level)


def production_level(logger_name: str) -> int:
    """The lowest level production lets through for a logger (NOTSET: whatever the root says)."""
    found, matched = logging.NOTSET, ""
    for name, level in QUIET_LEVELS.items():
        if (logger_name == name or logger_name.startswith(name + ".")) and len(name) > len(matched):
            found, matched = level, name
    return found
