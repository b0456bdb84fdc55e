"""Outbox: when the first send attempt started, and how many attempts Slack rate-limited.

The resend check after an unknown outcome searches the DM's history from the *first* attempt
(a later attempt's time would move the search window past the real post), and rate-limited
attempts are counted so that a storm of 429s ends in a final state.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("first_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("rate_limited", sa.Integer(), nullable=False, server_default="0")
        )
    # Rows already under way: their first attempt is as early as anything recorded for them.
    op.execute(
        "UPDATE outbox SET first_attempt_at = COALESCE(send_started_at, attempt_at)"
        " WHERE attempt_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("rate_limited")
        batch_op.drop_column("first_attempt_at")
