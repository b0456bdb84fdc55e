"""The personnel leader's checklist (the seed's 10 points) and the next steps it leads to.

Privacy: answers and their notes belong to the person who gave them (GDPR: purpose limitation).
They are read back only to that person; the secretariat sees counts per point, and per
department only over at least 5 people (bot/checklist/aggregate.py). Every table here
names the person it is about in a `people.id` column, so the export (art. 15) and the erasure
(art. 17) in bot/privacy/domain.py find them without a list kept by hand.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _now


class ChecklistRound(SQLModel, table=True):
    """One pass through the 10 points by one personnel leader."""

    __tablename__ = "checklist_rounds"
    __table_args__ = (Index("ix_checklist_rounds_person_started", "person_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    started_by: str = Field(default="command", max_length=20)  # command, reflection, scheduler
    started_at: datetime = Field(default_factory=_now)
    completed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=_now)


class ChecklistAnswer(SQLModel, table=True):
    """The answer to one point in one round. One row per (round, point): a double click, a
    Slack retry or a changed mind updates it, never adds a second."""

    __tablename__ = "checklist_answers"
    __table_args__ = (UniqueConstraint("round_id", "point"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="checklist_rounds.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)  # who answered (= the round's)
    point: int  # 1..10, the seed's numbering
    answer: str | None = Field(default=None, max_length=10)  # yes, partly, not_yet, skip
    note: str | None = Field(default=None, max_length=3000)  # "Hvad vil du gøre?"
    answered_at: datetime | None = None
    updated_at: datetime = Field(default_factory=_now)


class TalentNomination(SQLModel, table=True):
    """Point 1: a personnel leader points out an employee with cross-cutting potential to the
    secretariat. The employee is told only when the nominator chooses so (`employee_told`)."""

    __tablename__ = "talent_nominations"

    id: int | None = Field(default=None, primary_key=True)
    nominated_by_id: int = Field(foreign_key="people.id", index=True)
    employee_id: int = Field(foreign_key="people.id", index=True)
    note: str | None = Field(default=None, max_length=3000)
    employee_told: bool = False
    created_at: datetime = Field(default_factory=_now)


class PulsNote(SQLModel, table=True):
    """Points 9 and 10: something the personnel leader wants to bring up in the employee's next
    PULS talk; shown in the reminder before that talk."""

    __tablename__ = "puls_notes"

    id: int | None = Field(default=None, primary_key=True)
    manager_id: int = Field(foreign_key="people.id", index=True)
    employee_id: int = Field(foreign_key="people.id", index=True)
    point: int | None = None  # the checklist point it came from
    text: str = Field(max_length=3000)
    created_at: datetime = Field(default_factory=_now)


class Recommendation(SQLModel, table=True):
    """Points 3 and 6/8: a personnel leader recommends a network to an employee (kind
    "network"), or invites them to present at the next department meeting (kind "present").
    The employee's answer is kept in `status`."""

    __tablename__ = "recommendations"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)  # network, present
    manager_id: int = Field(foreign_key="people.id", index=True)
    employee_id: int = Field(foreign_key="people.id", index=True)
    network_id: int | None = Field(default=None, foreign_key="networks.id")
    status: str = Field(default="sent", max_length=20)  # sent, accepted, declined, added
    created_at: datetime = Field(default_factory=_now)
    answered_at: datetime | None = None
