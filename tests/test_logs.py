"""Log output: plain by default, one JSON object per line with NETVAERK_LOG_FORMAT=json, and the
guard that fails the test run when a log line holds personal data or a token."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.operations.logs import JsonFormatter, RequestFilter
from bot.operations.requests import request_scope
from tests.log_guard import LogGuard, known_needles


def _upgrade(tmp_path: Path, **env: str) -> list[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "NETV"))
    }
    environment.update(DATABASE_URL=f"sqlite:///{tmp_path / 'logs.sqlite3'}", **env)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_plain_lines_stay_the_default(tmp_path: Path) -> None:
    lines = _upgrade(tmp_path)
    assert " INFO alembic.runtime.migration: Context impl SQLiteImpl." in lines[0]
    assert not lines[0].startswith("{")


def test_json_is_one_object_per_line(tmp_path: Path) -> None:
    lines = _upgrade(tmp_path, NETVAERK_LOG_FORMAT="json")
    records = [json.loads(line) for line in lines]
    assert records and all(r["logger"] == "alembic.runtime.migration" for r in records)
    assert set(records[0]) == {
        "time",
        "level",
        "logger",
        "event",
        "request_id",
        "request_kind",
        "duration_ms",
    }
    assert records[0]["level"] == "info" and records[0]["time"].endswith("+00:00")


def test_a_record_inside_a_request_carries_its_id_and_kind() -> None:
    record = logging.LogRecord(
        "netvaerk.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None
    )
    with request_scope("view", request_id="abc123"):
        RequestFilter().filter(record)
    data = json.loads(JsonFormatter().format(record))
    assert (data["event"], data["request_id"], data["request_kind"]) == (
        "hello you",
        "abc123",
        "view",
    )


def test_the_guard_finds_names_emails_notes_and_tokens() -> None:
    guard = LogGuard(known_needles())
    logger = logging.getLogger("netvaerk.guard-test")
    logger.addHandler(guard)
    logger.propagate = False
    try:
        logger.warning("lookup failed for %s", "Anne.Jensen@example.dk")  # any case
        logger.warning("booked with Søren Kjær")
        logger.warning("note: Jeg vil tale med Anne om timerne")
        logger.warning("token xoxb-123-456-abcdef")
        logger.error("failed", exc_info=ValueError("sofie.lund@albertslund.example"))
        logger.warning("outbox row 12 failed permanently: channel_not_found")
        logger.info("body: token=x&user_name=anne&text=hi&trigger_id=1.2.3")
        logging.getLogger("slack_sdk.web").debug("body: anne.jensen@example.dk")  # quiet in prod
    finally:
        logger.removeHandler(guard)
        logger.propagate = True
    for name, level in (
        ("slack_sdk.web", logging.DEBUG),
        ("slack_bolt.RequestVerification", logging.INFO),
    ):
        quiet = logging.LogRecord(name, level, __file__, 1, "anne.jensen@example.dk", None, None)
        guard.handle(quiet)  # production never emits these (bot/operations/logs.py)

    assert [leak.found.lower() for leak in guard.leaks] == [
        "anne.jensen@example.dk",
        "søren kjær",
        "jeg vil tale med anne om timerne",
        "xoxb-123-456-abcdef",
        "sofie.lund@albertslund.example",
        "user_name=",
    ]
    assert guard.checked == 7


def test_bolts_signature_check_never_reaches_the_log(tmp_path: Path) -> None:
    """Bolt logs a rejected request's whole body at INFO (who typed what); production drops it,
    whatever level Bolt gives its loggers when the app is built."""
    import io

    from bot.operations.logs import configure_logging

    stream = io.StringIO()
    handler = configure_logging("plain", stream=stream)
    bolt = logging.getLogger("slack_bolt.RequestVerification")
    try:
        bolt.setLevel(logging.INFO)  # what App(logger=…) does to it
        bolt.info("Invalid request signature detected (body: token=x&user_name=anne&text=hi)")
        bolt.warning("a warning still comes through")
    finally:
        logging.getLogger().removeHandler(handler)
        bolt.setLevel(logging.WARNING)
    assert "user_name" not in stream.getvalue()
    assert "a warning still comes through" in stream.getvalue()
