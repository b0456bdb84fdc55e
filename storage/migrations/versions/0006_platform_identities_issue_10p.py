"""Platform identities: a person's id per chat platform (Slack now, Teams next) in its own table,
instead of `people.slack_id`. Every Slack id moves over; the column goes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_people = sa.table(
    "people",
    sa.column("id", sa.Integer()),
    sa.column("slack_id", sa.String()),
    sa.column("active", sa.Boolean()),
    sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
)
_identities = sa.table(
    "platform_identities",
    sa.column("person_id", sa.Integer()),
    sa.column("platform", sa.String()),
    sa.column("user_id", sa.String()),
    sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
)


def upgrade() -> None:
    op.create_table(
        "platform_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("service_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("tenant_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("aad_object_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "platform"),
        sa.UniqueConstraint("platform", "user_id"),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_people.c.id, _people.c.slack_id, _people.c.active, _people.c.updated_at)
        .where(_people.c.slack_id.is_not(None))
        .order_by(_people.c.id)
    ).all()
    # people.slack_id was not unique; a Slack user now belongs to one person: the active one
    # changed last (an account handed on after someone left).
    owner: dict[str, tuple[bool, datetime, int]] = {}
    for person_id, slack_id, active, updated_at in rows:
        key = (bool(active), updated_at or datetime.min.replace(tzinfo=UTC), person_id)
        if slack_id not in owner or key > owner[slack_id]:
            owner[slack_id] = key
    moment = datetime.now(UTC)
    if owner:
        op.bulk_insert(
            _identities,
            [
                {
                    "person_id": key[2],
                    "platform": "slack",
                    "user_id": slack_id,
                    "created_at": moment,
                    "updated_at": moment,
                }
                for slack_id, key in sorted(owner.items(), key=lambda item: item[1][2])
            ],
        )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_slack_id"))
        batch_op.drop_column("slack_id")


def downgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("slack_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_people_slack_id"), ["slack_id"], unique=False)
    connection = op.get_bind()
    for person_id, user_id in connection.execute(
        sa.select(_identities.c.person_id, _identities.c.user_id).where(
            _identities.c.platform == "slack"
        )
    ).all():
        connection.execute(
            _people.update().where(_people.c.id == person_id).values(slack_id=user_id)
        )
    op.drop_table("platform_identities")
