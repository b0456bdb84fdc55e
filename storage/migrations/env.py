"""Alembic environment: runs against the engine the Database hands over (see storage/db.py)."""

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers every table on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata
MIGRATION_LOCK = 0x6E657476  # any fixed number; "netv"


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        if connection.dialect.name == "postgresql":
            # Replicas that start together (NETVAERK_AUTO_MIGRATE) migrate one after the other:
            # the second waits here, then finds the schema current and does nothing.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
