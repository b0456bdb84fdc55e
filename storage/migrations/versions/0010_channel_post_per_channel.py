"""Channel posts: one copy per department *and channel*, so a department with a Slack channel
and a Teams channel gets a post in each (the Teams channel id is longer, too).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence


import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_COLUMNS = ["kind", "ref_id", "department_id"]
_NEW = "uq_channel_posts_place"
# 0005 left the old constraint unnamed: PostgreSQL named it, SQLite needs a convention to find it.
_PG_OLD = "channel_posts_kind_ref_id_department_id_key"
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _swap(old: str, new: str, columns: list[str], length: int) -> None:
    channel = sqlmodel.sql.sqltypes.AutoString(length=length)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(old, "channel_posts", type_="unique")
        op.alter_column("channel_posts", "channel", type_=channel, existing_nullable=True)
        op.create_unique_constraint(new, "channel_posts", columns)
        return
    with op.batch_alter_table("channel_posts", naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint(old, type_="unique")
        batch_op.alter_column("channel", type_=channel, existing_nullable=True)
        batch_op.create_unique_constraint(new, columns)


def _old_name() -> str:
    """The unnamed constraint of 0005: PostgreSQL's own name for it, or the convention's name
    on SQLite (which is also the name a downgrade gives it back)."""
    return _PG_OLD if op.get_bind().dialect.name == "postgresql" else "uq_channel_posts_kind"


def upgrade() -> None:
    _swap(_old_name(), _NEW, [*_OLD_COLUMNS, "channel"], 200)


def downgrade() -> None:
    _swap(_NEW, _old_name(), _OLD_COLUMNS, 100)
