"""Teams delivery: a department's Teams channel, delivery receipts (Teams keeps no history the
bot can search), and downloads served by signed, expiring links (Teams 1:1 chats take no file).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("teams_channel", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    op.create_table(
        "delivery_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("conversation_id", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("activity_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("value", "person_id", "sent_at"):
        op.create_index(
            op.f(f"ix_delivery_receipts_{column}"), "delivery_receipts", [column], unique=False
        )
    op.create_table(
        "downloads",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("filename", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("person_id", "expires_at"):
        op.create_index(op.f(f"ix_downloads_{column}"), "downloads", [column], unique=False)


def downgrade() -> None:
    for column in ("person_id", "expires_at"):
        op.drop_index(op.f(f"ix_downloads_{column}"), table_name="downloads")
    op.drop_table("downloads")
    for column in ("value", "person_id", "sent_at"):
        op.drop_index(op.f(f"ix_delivery_receipts_{column}"), table_name="delivery_receipts")
    op.drop_table("delivery_receipts")
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("teams_channel")
