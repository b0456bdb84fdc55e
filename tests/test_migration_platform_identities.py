"""Migration 0006: every `people.slack_id` moves into `platform_identities`, and back on
downgrade. Runs on its own database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), since
it walks the schema below head."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from storage.db import Database, normalise_url
from tests.conftest import TEST_DATABASE_URL, _admin_url

BEFORE = "0005"


def _urls(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    if TEST_DATABASE_URL:
        base, name = _admin_url(TEST_DATABASE_URL)
        admin = create_engine(normalise_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield f"{base}/{name}"
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _person(db: Database, person_id: int, slack_id: str | None, active: bool, day: int) -> None:
    moment = datetime(2027, 1, day, tzinfo=UTC)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO people (id, email, name, manager_since, slack_id, is_secretariat,"
                " active, created_at, updated_at) VALUES (:id, :email, :name, :at, :slack_id,"
                " false, :active, :at, :at)"
            ),
            {
                "id": person_id,
                "email": f"p{person_id}@example.dk",
                "name": f"Person {person_id}",
                "at": moment,
                "slack_id": slack_id,
                "active": active,
            },
        )


def test_slack_ids_move_to_platform_identities_and_back(tmp_path: Path) -> None:
    for url in _urls(tmp_path):
        db = Database(url)
        config = db._alembic_config()
        command.upgrade(config, BEFORE)
        _person(db, 1, "UANNE", True, 1)
        _person(db, 2, None, True, 1)  # not found in Slack: no row
        # One Slack user on two rows (people.slack_id was not unique): the active one wins.
        _person(db, 3, "UOLD", False, 5)
        _person(db, 4, "UOLD", True, 2)

        command.upgrade(config, "head")
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT person_id, platform, user_id"
                    " FROM platform_identities ORDER BY person_id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [(1, "slack", "UANNE"), (4, "slack", "UOLD")]
        assert "slack_id" not in {c["name"] for c in inspect(db.engine).get_columns("people")}

        command.downgrade(config, BEFORE)
        with db.engine.connect() as connection:
            back = connection.execute(text("SELECT id, slack_id FROM people ORDER BY id")).all()
        assert [tuple(r) for r in back] == [(1, "UANNE"), (2, None), (3, None), (4, "UOLD")]
        assert "platform_identities" not in inspect(db.engine).get_table_names()
        db.dispose()


@pytest.mark.parametrize("platform", ["slack", "teams"])
def test_one_person_has_one_id_per_platform(db: Database, platform: str) -> None:
    from bot.core import identity
    from storage.models import Person

    with db.session() as session:
        anne, bo = Person(email="anne@example.dk", name="Anne"), Person(email="bo@x.dk", name="Bo")
        session.add_all([anne, bo])
        session.flush()
        assert anne.id is not None and bo.id is not None
        assert identity.link(session, anne.id, platform, "ID-1")
        assert not identity.link(session, anne.id, platform, "ID-1")  # unchanged
        assert identity.link(session, anne.id, platform, "ID-2")  # a new account replaces
        # An id the platform now gives to someone else moves over.
        assert identity.link(session, bo.id, platform, "ID-2")
        session.commit()
        assert identity.user_id(session, anne.id, platform) is None
        assert identity.person_for(session, platform, "ID-2") == bo
        assert identity.user_ids(session, [anne.id, bo.id], platform) == {bo.id: "ID-2"}
        bo.active = False
        session.add(bo)
        session.commit()
        assert identity.person_for(session, platform, "ID-2") is None
        assert identity.user_ids(session, [bo.id], platform, active_only=True) == {}
        assert identity.person_for(session, platform, "ID-2", active_only=False) == bo
        assert identity.forget(session, bo.id) == 1
