"""The scheduler's tables: the outbox, the planner's cursors, snoozes and pauses, theme proposals.

Reminders are derived from the domain tables (DESIGN.md §3); nothing here is one timer per
reminder. The outbox holds each message that fell due, under a unique dedupe key, so that a
planner run twice (or on two replicas) yields one row and delivery can be retried and audited.
Payloads hold ids, never what people wrote (GDPR: the text is built at delivery time).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from storage.models import _now


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt (never tried, or known not to have gone)
    SENDING = "sending"  # an attempt started; if its lease runs out the outcome is unknown
    UNKNOWN = "unknown"  # the last attempt may have gone through (timeout, 5xx): check history
    SENT = "sent"
    FAILED = "failed"  # a permanent error, or too many attempts; reported to the secretariat
    DROPPED = "dropped"  # its cause was gone by delivery time (booked, the person left, …)
    DIGESTED = "digested"  # folded into a digest message (the weekly cap), see digest_id


# Rows a delivery worker may pick up.
OPEN_STATUSES = (OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.UNKNOWN)
# The cursor each planner pass stamps with its time: how operators see the scheduler is alive.
LAST_TICK_CURSOR = "last_tick"


class OutboxMessage(SQLModel, table=True):
    """One message that fell due, from the planner's derivation until it is sent or given up."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_ready", "status", "next_attempt_at"),
        Index("ix_outbox_recipient_week", "recipient_id", "send_started_at"),
        Index("ix_outbox_unreported", "status", "reported_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Deterministic: the same due message always gets the same key, e.g.
    # "booking-nudge:{employee}:{manager}:{anchor day}:{n}".
    dedupe_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=50)  # which builder renders it (a feature's feature.py)
    subject: str = Field(max_length=100)  # what it is about, for snoozes: "booking:12"
    recipient_id: int | None = Field(default=None, foreign_key="people.id")
    channel: str | None = Field(default=None, max_length=100)  # a channel post, not a DM
    capped: bool = True  # counts towards the per-person weekly cap
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    due_on: datetime  # local midnight of the day it fell due (UTC)
    status: str = Field(default=OutboxStatus.PENDING, max_length=20)
    attempts: int = 0
    next_attempt_at: datetime
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = None  # the lease: after it, another worker may take over
    # When delivery first decided to send it (counts towards the week's cap from then on).
    send_started_at: datetime | None = None
    attempt_at: datetime | None = None  # when the latest attempt started
    # When the first attempt started: the history check after an unknown outcome searches from
    # here (minus a margin), however many attempts came after it.
    first_attempt_at: datetime | None = None
    # Attempts Slack answered with 429; bounded (`max_rate_limited`) so a storm ends.
    rate_limited: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    last_error: str | None = Field(default=None, max_length=200)
    sent_channel: str | None = Field(default=None, max_length=100)
    sent_ts: str | None = Field(default=None, max_length=50)
    sent_at: datetime | None = None
    finished_at: datetime | None = None  # sent, failed, dropped or digested
    digest_id: int | None = Field(default=None, foreign_key="outbox.id")
    reported_at: datetime | None = None  # a failure, once reported to the secretariat
    created_at: datetime = Field(default_factory=_now)


class SchedulerCursor(SQLModel, table=True):
    """Where the planner got to: the last planned day and the highest ids it has seen.

    Losing these is harmless: the planner starts over from today and the dedupe keys keep it
    from sending anything twice.
    """

    __tablename__ = "scheduler_cursors"

    name: str = Field(primary_key=True, max_length=50)
    value: str = Field(max_length=100)
    updated_at: datetime = Field(default_factory=_now)


class Snooze(SQLModel, table=True):
    """A person asked for quiet: about one thing ("Udsæt en uge"), or everything (pause, vacation).

    `scope` is an outbox subject ("booking:12") or "*" for everything. `until` None means for
    good (the person said the reminder is done, e.g. "Vi har talt sammen").
    """

    __tablename__ = "snoozes"
    __table_args__ = (Index("ix_snoozes_person_scope", "person_id", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="people.id")
    scope: str = Field(max_length=100)
    reason: str = Field(default="snooze", max_length=20)  # snooze, pause, done
    starts_at: datetime
    until: datetime | None = None
    created_at: datetime = Field(default_factory=_now)


class ThemeProposal(SQLModel, table=True):
    """A potential network theme a personnel leader proposed (seed: "blik for potentielle
    netværkstemaer"); forwarded to the secretariat through the outbox."""

    __tablename__ = "theme_proposals"

    id: int | None = Field(default=None, primary_key=True)
    proposed_by_id: int = Field(foreign_key="people.id", index=True)
    text: str = Field(max_length=3000)
    created_at: datetime = Field(default_factory=_now)
