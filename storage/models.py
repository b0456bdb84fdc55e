"""The tables. Timestamps are timezone-aware and come back in UTC (sqlmodel's UTCDateTime);
dates are local dates.

Only what the features need is stored (GDPR: data minimisation): no chat profile beyond the
platform ids (platform_identities), time zone and language, and no free text that the person did
not write for this purpose.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


def _now() -> datetime:
    # Imported lazily: storage must not depend on the domain, but the clock is the one clock.
    from bot.core.clock import now

    return now()


class Department(SQLModel, table=True):
    __tablename__ = "departments"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    channel: str | None = Field(default=None, max_length=100)  # Slack: C… or #name
    teams_channel: str | None = Field(default=None, max_length=200)  # Teams: 19:…@thread.tacv2
    meeting_weekday: int | None = None  # 0 = Monday … 6 = Sunday
    meeting_time: time | None = None
    meeting_interval_weeks: int | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class Person(SQLModel, table=True):
    __tablename__ = "people"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=320)  # always stored lower-case
    name: str = Field(max_length=200)
    department_id: int | None = Field(default=None, foreign_key="departments.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    # When the current manager became the manager: a new manager means a new conversation.
    manager_since: datetime = Field(default_factory=_now)
    language: str | None = Field(default=None, max_length=5)
    timezone: str | None = Field(default=None, max_length=64)
    is_secretariat: bool = False
    active: bool = True
    left_at: datetime | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class PlatformIdentity(SQLModel, table=True):
    """Who a person is on one chat platform (Slack now, Teams next): one row per person and
    platform, matched to the person by email at import or when the platform first shows them.

    Only ids are kept (GDPR: data minimisation). Teams needs more than a user id to write first:
    the 1:1 conversation, the Bot Connector's service URL and the tenant; Slack needs none of them.
    """

    __tablename__ = "platform_identities"
    __table_args__ = (
        # The ack path's lookup (who clicked?) is one probe of this index.
        UniqueConstraint("platform", "user_id"),
        UniqueConstraint("person_id", "platform"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    platform: str = Field(max_length=16)  # "slack", "teams"
    user_id: str = Field(max_length=200)  # Slack U…/W…; Teams 29:…
    conversation_id: str | None = Field(default=None, max_length=300)  # Teams: the 1:1 chat
    service_url: str | None = Field(default=None, max_length=500)  # Teams: where to send
    tenant_id: str | None = Field(default=None, max_length=64)  # Teams: the tenant
    aad_object_id: str | None = Field(default=None, max_length=64)  # Teams: the Entra user
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class Network(SQLModel, table=True):
    __tablename__ = "networks"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    theme: str = Field(max_length=1000)
    leader_id: int = Field(foreign_key="people.id", index=True)
    leader_since: datetime = Field(default_factory=_now)
    reference_leader_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    start_date: date | None = None
    end_date: date | None = None
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class NetworkMember(SQLModel, table=True):
    """A participant (not the leader, who is on Network) in a network."""

    __tablename__ = "network_members"
    __table_args__ = (UniqueConstraint("network_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    network_id: int = Field(foreign_key="networks.id", index=True)
    person_id: int = Field(foreign_key="people.id", index=True)
    joined_at: datetime = Field(default_factory=_now)


class ConversationStatus(StrEnum):
    PROPOSED = "proposed"  # times proposed, waiting on the other party
    BOOKED = "booked"  # a time is agreed
    HELD = "held"  # the conversation took place
    DECLINED = "declined"
    CANCELLED = "cancelled"


class Conversation(SQLModel, table=True):
    """The conversation (samtalen) between an employee in a network and their personnel leader."""

    __tablename__ = "conversations"

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(unique=True, max_length=100)  # the calendar invitation's stable UID
    employee_id: int = Field(foreign_key="people.id", index=True)
    manager_id: int = Field(foreign_key="people.id", index=True)
    network_id: int | None = Field(default=None, foreign_key="networks.id")
    status: str = Field(default=ConversationStatus.PROPOSED, max_length=20, index=True)
    proposed_by_id: int = Field(foreign_key="people.id")
    # Proposed start times as ISO 8601 strings with offset; the other party picks one.
    proposals: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    duration_minutes: int = 60
    place_kind: str = Field(default="room", max_length=20)  # room, teams, phone, other
    place_text: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=3000)
    starts_at: datetime | None = None  # set when booked
    sequence: int = 0  # the invitation's SEQUENCE, raised on every change of time or status
    # Raised on every change; buttons carry it, so a click on an outdated message is recognised.
    revision: int = 0
    booked_at: datetime | None = None
    held_at: datetime | None = None
    closed_at: datetime | None = None  # declined or cancelled
    # The booked conversation as one Outlook event (DESIGN.md §4, the Outlook calendar): the
    # organiser's mailbox that holds it and its Graph id. Both None on the `.ics` path.
    outlook_mailbox: str | None = Field(default=None, max_length=320)
    outlook_event_id: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class Agreement(SQLModel, table=True):
    """What the two agreed in the conversation; both see it, and it is revisited at review_date."""

    __tablename__ = "agreements"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversations.id", unique=True)
    employee_id: int = Field(foreign_key="people.id", index=True)
    manager_id: int = Field(foreign_key="people.id", index=True)
    hours: float
    hours_period: str = Field(default="week", max_length=10)  # week or month
    reprioritised: str | None = Field(default=None, max_length=3000)
    secretariat_time: str | None = Field(default=None, max_length=3000)
    competence: str | None = Field(default=None, max_length=3000)
    showcase: str | None = Field(default=None, max_length=3000)
    review_date: date
    recorded_by_id: int = Field(foreign_key="people.id")
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)


class PulsTalk(SQLModel, table=True):
    """A yearly PULS talk between an employee and their personnel leader."""

    __tablename__ = "puls_talks"
    __table_args__ = (UniqueConstraint("employee_id", "talk_date"),)

    id: int | None = Field(default=None, primary_key=True)
    employee_id: int = Field(foreign_key="people.id", index=True)
    manager_id: int = Field(foreign_key="people.id", index=True)
    talk_date: date
    talk_time: time | None = None
    created_at: datetime = Field(default_factory=_now)


class AuditEntry(SQLModel, table=True):
    """Who changed what, when. Details name records, never personal answers or tokens."""

    __tablename__ = "audit_entries"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_now, index=True)
    actor: str = Field(max_length=100)  # "person:<id>", "import", "operator", "scheduler"
    action: str = Field(max_length=100)
    entity: str = Field(max_length=50)
    entity_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DeliveryReceipt(SQLModel, table=True):
    """A message of ours a platform took, by its metadata (the outbox id), recorded the moment
    the platform answered: where the platform keeps no history the bot can search (Teams' Bot
    Connector), this is how a resend after an unknown outcome is recognised. Kept a few days."""

    __tablename__ = "delivery_receipts"

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    key: str = Field(max_length=40)  # the metadata key, e.g. "outbox_id"
    value: str = Field(max_length=100, index=True)
    conversation_id: str = Field(max_length=300)
    activity_id: str = Field(max_length=100)
    person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    sent_at: datetime = Field(default_factory=_now, index=True)


class Download(SQLModel, table=True):
    """A file the bot serves by a signed, expiring link where the platform cannot take a file
    in the chat (Teams 1:1 without the file-consent flow): a calendar invitation, a person's own
    data. Deleted when it expires and when the person is erased."""

    __tablename__ = "downloads"

    id: str = Field(primary_key=True, max_length=32)  # random, in the signed link
    person_id: int | None = Field(default=None, foreign_key="people.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    content: bytes
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime = Field(index=True)
