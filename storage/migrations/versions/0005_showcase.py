"""Showcase: network results and their channel posts, recognition, department settings,
department-meeting invitations and answers, open networks and join requests.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("posted_channel", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("ts", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("posted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref_id", "department_id"),
    )
    with op.batch_alter_table("channel_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_posts_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index("ix_channel_posts_status", ["status", "updated_at"], unique=False)

    op.create_table(
        "department_showcase",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("meeting_anchor", sa.Date(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("department_id"),
    )
    op.create_table(
        "meeting_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("presented", sa.Boolean(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department_id", "meeting_date"),
    )
    with op.batch_alter_table("meeting_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_answers_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_answers_meeting_date"), ["meeting_date"], unique=False
        )

    op.create_table(
        "meeting_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("department_id", "meeting_date", "person_id"),
    )
    with op.batch_alter_table("meeting_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_invitations_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_invitations_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "network_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("posted_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
        sa.Column("achieved", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("meaning", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("source_channel", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("source_ts", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["posted_by_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("network_results", schema=None) as batch_op:
        batch_op.create_index("ix_network_results_created", ["status", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_network_results_network_id"), ["network_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_results_posted_by_id"), ["posted_by_id"], unique=False
        )

    op.create_table(
        "open_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("posted_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["posted_by_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("open_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open_calls_network_id"), ["network_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_open_calls_posted_by_id"), ["posted_by_id"], unique=False
        )

    op.create_table(
        "join_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["open_calls.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("network_id", "person_id"),
    )
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_join_requests_network_id"), ["network_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_join_requests_person_id"), ["person_id"], unique=False)

    op.create_table(
        "result_recognitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["network_results.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("result_id", "person_id"),
    )
    with op.batch_alter_table("result_recognitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_result_recognitions_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_result_recognitions_result_id"), ["result_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("result_recognitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_recognitions_result_id"))
        batch_op.drop_index(batch_op.f("ix_result_recognitions_person_id"))

    op.drop_table("result_recognitions")
    with op.batch_alter_table("join_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_requests_person_id"))
        batch_op.drop_index(batch_op.f("ix_join_requests_network_id"))

    op.drop_table("join_requests")
    with op.batch_alter_table("open_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open_calls_posted_by_id"))
        batch_op.drop_index(batch_op.f("ix_open_calls_network_id"))

    op.drop_table("open_calls")
    with op.batch_alter_table("network_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_results_posted_by_id"))
        batch_op.drop_index(batch_op.f("ix_network_results_network_id"))
        batch_op.drop_index("ix_network_results_created")

    op.drop_table("network_results")
    with op.batch_alter_table("meeting_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_invitations_person_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_invitations_department_id"))

    op.drop_table("meeting_invitations")
    with op.batch_alter_table("meeting_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_answers_meeting_date"))
        batch_op.drop_index(batch_op.f("ix_meeting_answers_department_id"))

    op.drop_table("meeting_answers")
    op.drop_table("department_showcase")
    with op.batch_alter_table("channel_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_posts_status")
        batch_op.drop_index(batch_op.f("ix_channel_posts_department_id"))

    op.drop_table("channel_posts")
