"""Shared fixtures.

The database: a fresh SQLite file per test by default. With TEST_DATABASE_URL pointing at a
PostgreSQL server, each pytest run creates its own database on that server (so parallel runs
never meet), migrates it once, and empties the tables between tests.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (define every table before any test freezes the clock)
from bot.operations.logs import quiet_third_parties
from storage.db import Database, normalise_url
from tests.log_guard import LogGuard, known_needles

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _admin_url(url: str) -> tuple[str, str]:
    base, _, _dbname = normalise_url(url).rpartition("/")
    name = f"netvaerk_test_{uuid.uuid4().hex[:10]}"
    return base, name


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str | None]:
    if not TEST_DATABASE_URL:
        yield None
        return
    base, name = _admin_url(TEST_DATABASE_URL)
    admin = create_engine(normalise_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{base}/{name}"
    Database(url).upgrade()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def db(_postgres_url: str | None, tmp_path: Path) -> Iterator[Database]:
    if _postgres_url is None:
        database = Database(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        database.upgrade()
        yield database
        database.dispose()
        return
    database = Database(_postgres_url)
    yield database
    database.dispose()
    # Work a test started in background threads (Bolt's lazy listeners, a delivery worker) may
    # still hold a transaction open; end those sessions so TRUNCATE cannot wait on them.
    cleaner = create_engine(normalise_url(_postgres_url), isolation_level="AUTOCOMMIT")
    with cleaner.connect() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    cleaner.dispose()


# --- No personal data or tokens in any log line of the whole run (GDPR) ----------------------

_log_guard = LogGuard(known_needles())


def pytest_sessionstart(session: pytest.Session) -> None:
    root = logging.getLogger()
    root.addHandler(_log_guard)
    # What production logs (bot/operations/logs.py: INFO, Bolt and the SDK kept at INFO).
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    quiet_third_parties()


def pytest_runtest_setup(item: pytest.Item) -> None:
    _log_guard.current_test = item.nodeid


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _log_guard.leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"log guard: {_log_guard.checked} log records checked for names, emails, notes and tokens"
    )
    if not _log_guard.leaks:
        return
    terminalreporter.section("personal data or tokens in log lines (GDPR)", red=True)
    for leak in _log_guard.leaks[:50]:
        terminalreporter.write_line(f"{leak.test} [{leak.logger}] {leak.found!r}: {leak.line}")
    terminalreporter.write_line(f"{len(_log_guard.leaks)} log line(s) leaked; the run fails.")
