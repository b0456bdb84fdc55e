"""The checklist (the seed's 10 points) and its next steps: rounds, answers with notes, talent
nominations, PULS talking points, recommendations.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checklist_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("completed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checklist_rounds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_checklist_rounds_person_started", ["person_id", "started_at"], unique=False
        )

    op.create_table(
        "puls_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("point", sa.Integer(), nullable=True),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("puls_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_puls_notes_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_puls_notes_manager_id"), ["manager_id"], unique=False)

    op.create_table(
        "talent_nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nominated_by_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=True),
        sa.Column("employee_told", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["nominated_by_id"],
            ["people.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("talent_nominations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_talent_nominations_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_talent_nominations_nominated_by_id"), ["nominated_by_id"], unique=False
        )

    op.create_table(
        "checklist_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("point", sa.Integer(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=True),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["checklist_rounds.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "point"),
    )
    with op.batch_alter_table("checklist_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_answers_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_checklist_answers_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("answered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["employee_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["people.id"],
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendations_employee_id"), ["employee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recommendations_manager_id"), ["manager_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendations_manager_id"))
        batch_op.drop_index(batch_op.f("ix_recommendations_employee_id"))

    op.drop_table("recommendations")
    with op.batch_alter_table("checklist_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_answers_round_id"))
        batch_op.drop_index(batch_op.f("ix_checklist_answers_person_id"))

    op.drop_table("checklist_answers")
    with op.batch_alter_table("talent_nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talent_nominations_nominated_by_id"))
        batch_op.drop_index(batch_op.f("ix_talent_nominations_employee_id"))

    op.drop_table("talent_nominations")
    with op.batch_alter_table("puls_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_puls_notes_manager_id"))
        batch_op.drop_index(batch_op.f("ix_puls_notes_employee_id"))

    op.drop_table("puls_notes")
    with op.batch_alter_table("checklist_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_checklist_rounds_person_started")

    op.drop_table("checklist_rounds")
