"""Migration 0010 both ways: channel posts unique per department *and channel* after it, per
department before it — on SQLite (where 0005's constraint has no name) and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from storage.db import Database


def _unique(db: Database) -> list[list[str]]:
    return [c["column_names"] for c in inspect(db.engine).get_unique_constraints("channel_posts")]


def test_channel_post_uniqueness_migrates_down_and_up_again(db: Database) -> None:
    config = db._alembic_config()
    assert _unique(db) == [["kind", "ref_id", "department_id", "channel"]]
    try:
        command.downgrade(config, "0009")
        assert _unique(db) == [["kind", "ref_id", "department_id"]]
    finally:
        command.upgrade(config, "head")
    assert _unique(db) == [["kind", "ref_id", "department_id", "channel"]]
