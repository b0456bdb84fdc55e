"""Showcase tables (issue 5): network results and their channel posts, recognition, the
department's showcase settings, department-meeting invitations and answers, and open networks.

The seed's tasks 6, 7, 8 and 3: results are made visible in the departments continuously,
recognised, presented at department meetings; employees are encouraged to join networks.

What people wrote for a result (title, what was achieved, what it means) is stored because it
is the purpose of the feature: it is shown again in App Home and in PULS talking points.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models import _now


class ResultStatus(StrEnum):
    DRAFT = "draft"  # submitted once, shown as a preview, not shared yet
    PUBLISHED = "published"


class NetworkResult(SQLModel, table=True):
    """A result a network leader or participant shares with the departments."""

    __tablename__ = "network_results"
    __table_args__ = (Index("ix_network_results_created", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="networks.id", index=True)
    posted_by_id: int = Field(foreign_key="people.id", index=True)
    status: str = Field(default=ResultStatus.DRAFT, max_length=20)
    title: str = Field(max_length=150)
    achieved: str = Field(max_length=2000)
    meaning: str = Field(max_length=2000)
    link: str | None = Field(default=None, max_length=500)
    # Where it came from, when shared from an existing message ("Del som netværksresultat").
    source_channel: str | None = Field(default=None, max_length=100)
    source_ts: str | None = Field(default=None, max_length=50)
    published_at: datetime | None = None
    created_at: datetime = Field(default_factory=_now)


class PostKind(StrEnum):
    RESULT = "result"
    OPEN_CALL = "open_call"  # "Netværket søger deltagere"


class PostStatus(StrEnum):
    PENDING = "pending"  # to be posted now
    POSTING = "posting"  # an attempt started; if it is old, its outcome is unknown
    POSTED = "posted"
    DIGEST = "digest"  # waits for the department's weekly digest (the outbox posts it)
    FAILED = "failed"  # not posted: `error` says why; reported to the secretariat


class ChannelPost(SQLModel, table=True):
    """One department's copy of a result (or open call) in one of its channels: exactly one per
    department and channel, so a network with two members in one department posts there once,
    and a department on Slack and Teams gets one post in each."""

    __tablename__ = "channel_posts"
    __table_args__ = (
        # One copy per department and channel: a department may have a Slack and a Teams one.
        UniqueConstraint(
            "kind", "ref_id", "department_id", "channel", name="uq_channel_posts_place"
        ),
        Index("ix_channel_posts_status", "status", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    ref_id: int  # network_results.id or open_calls.id, by kind
    department_id: int = Field(foreign_key="departments.id", index=True)
    channel: str | None = Field(default=None, max_length=200)  # as configured when created
    status: str = Field(default=PostStatus.PENDING, max_length=20)
    attempts: int = 0
    error: str | None = Field(default=None, max_length=100)
    posted_channel: str | None = Field(default=None, max_length=100)  # the C… id Slack answered
    ts: str | None = Field(default=None, max_length=50)
    posted_at: datetime | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class Recognition(SQLModel, table=True):
    """ "Anerkend": one per person per result (the seed's task 7)."""

    __tablename__ = "result_recognitions"
    __table_args__ = (UniqueConstraint("result_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    result_id: int = Field(foreign_key="network_results.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    created_at: datetime = Field(default_factory=_now)


class DepartmentShowcase(SQLModel, table=True):
    """A department's own choices: a weekly digest instead of single posts, and which week the
    meeting rhythm counts from (the first meeting of an every-N-weeks rhythm)."""

    __tablename__ = "department_showcase"

    department_id: int = Field(foreign_key="departments.id", primary_key=True)
    digest: bool = False
    meeting_anchor: date | None = None
    updated_by_id: int | None = Field(default=None, foreign_key="people.id")
    updated_at: datetime = Field(default_factory=_now)


class InvitationStatus(StrEnum):
    ASKED = "asked"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MeetingInvitation(SQLModel, table=True):
    """ "Invitér til at fortælle på mødet": the personnel leader asks an employee to present."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (UniqueConstraint("department_id", "meeting_date", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="departments.id", index=True)
    meeting_date: date
    person_id: int = Field(foreign_key="people.id", index=True)
    invited_by_id: int = Field(foreign_key="people.id")
    status: str = Field(default=InvitationStatus.ASKED, max_length=20)
    answered_at: datetime | None = None
    created_at: datetime = Field(default_factory=_now)


class MeetingAnswer(SQLModel, table=True):
    """ "Blev netværksarbejdet præsenteret?" — one answer per department meeting."""

    __tablename__ = "meeting_answers"
    __table_args__ = (UniqueConstraint("department_id", "meeting_date"),)

    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="departments.id", index=True)
    meeting_date: date = Field(index=True)
    presented: bool
    answered_by_id: int | None = Field(default=None, foreign_key="people.id")
    created_at: datetime = Field(default_factory=_now)


class OpenCall(SQLModel, table=True):
    """ "Netværket søger deltagere", posted by the network leader to chosen departments."""

    __tablename__ = "open_calls"

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="networks.id", index=True)
    posted_by_id: int = Field(foreign_key="people.id", index=True)
    note: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=_now)


class JoinStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class JoinRequest(SQLModel, table=True):
    """ "Vil du være med?": an employee asks to join; the network leader decides."""

    __tablename__ = "join_requests"
    __table_args__ = (UniqueConstraint("network_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="networks.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    call_id: int | None = Field(default=None, foreign_key="open_calls.id")
    status: str = Field(default=JoinStatus.PENDING, max_length=20)
    decided_by_id: int | None = Field(default=None, foreign_key="people.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=_now)
