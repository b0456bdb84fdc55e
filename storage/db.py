"""The engine, sessions and the migration check.

One `Database` per process. Services open a short session per unit of work
(`with db.session() as s: …; s.commit()`), so a request never holds a connection while it
waits on Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseBehind(RuntimeError):
    """The database schema is older than the code; `netvaerk db upgrade` fixes it."""


def normalise_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` forms and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        # A pool as large as the threads that may query at once: connections made beyond it
        # are opened and closed per request (bench/ack.py measured it as the biggest cost).
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=32,
            max_overflow=32,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # --- migrations -------------------------------------------------------------------------

    def _alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["engine"] = self.engine
        return config

    def upgrade(self) -> None:
        command.upgrade(self._alembic_config(), "head")

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def ensure_current(self) -> None:
        """Refuse to run on a schema that is behind: the code would fail later, and worse."""
        current, head = self.current_revision(), self.head_revision()
        if current != head:
            raise DatabaseBehind(
                f"The database is at revision {current or 'none'}, the code needs {head}. "
                "Run: netvaerk db upgrade"
            )

    def is_empty(self) -> bool:
        return not inspect(self.engine).get_table_names()

    def prepare(self, auto_migrate: bool = True) -> None:
        """Bring the schema to the code's before a command uses it (NETVAERK_AUTO_MIGRATE).

        An empty database is simply created: a first start in a new folder needs no extra
        step. An older schema is migrated, unless the deployment migrates in a release step
        (`auto_migrate` false): then the command refuses, as `ensure_current` does.
        """
        current, head = self.current_revision(), self.head_revision()
        if current == head:
            return
        empty = current is None and self.is_empty()
        if not empty and not auto_migrate:
            self.ensure_current()
        self.upgrade()
        if empty:
            log.info("database created at revision %s", head)
        else:
            log.info("database migrated from revision %s to %s", current or "none", head)

    def dispose(self) -> None:
        self.engine.dispose()
