from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.db import Database, DatabaseBehind


def test_upgrade_creates_every_table(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables
    db.ensure_current()


def test_a_database_that_is_behind_is_refused(tmp_path) -> None:
    behind = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        behind.ensure_current()
    except DatabaseBehind as error:
        assert "netvaerk db upgrade" in str(error)
    else:
        raise AssertionError("an empty database must be refused")


def test_migrations_match_the_tables(db: Database) -> None:
    """Every table change comes with its migration: autogenerate would find nothing to add."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import storage.tables  # noqa: F401  (every table module)

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
