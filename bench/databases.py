"""Throw-away databases for the benchmarks: a SQLite file, or a PostgreSQL database of its own
made on the server that `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) points at, dropped after."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from storage.db import normalise_url


def backends() -> list[str]:
    """SQLite always; PostgreSQL too when a server is given."""
    return ["sqlite"] + (["postgresql"] if postgres_admin_url() else [])


def postgres_admin_url() -> str | None:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")


@contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    """The URL of an empty database for one run."""
    if backend == "sqlite":
        workdir = Path(tempfile.mkdtemp(prefix="netvaerk-bench-"))
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    admin = normalise_url(postgres_admin_url() or "")
    name = f"netvaerk_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin.rpartition('/')[0]}/{name}"
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
