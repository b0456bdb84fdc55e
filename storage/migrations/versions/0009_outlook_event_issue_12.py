"""Conversations: the Outlook event that is the booked conversation (issue 12).

With the Outlook calendar configured, accepting a proposal creates one event in the organiser's
mailbox; moving and cancelling change that same event, and the tick reads it back to notice a
change made in Outlook. The mailbox is stored beside the id: the event stays where it was made
even if the organiser's email changes later.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "outlook_mailbox", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "outlook_event_id", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("outlook_event_id")
        batch_op.drop_column("outlook_mailbox")
