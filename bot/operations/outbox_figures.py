"""What the outbox and the scheduler say about delivery, read from the tables.

Shared by `/metrics` and `netvaerk doctor`. Read from the database rather than kept in memory,
so the figures are right on every replica, after a restart, and when cron runs the ticks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.scheduling_models import (
    LAST_TICK_CURSOR,
    OPEN_STATUSES,
    OutboxMessage,
    OutboxStatus,
    SchedulerCursor,
)


@dataclass
class OutboxFigures:
    due: int = 0  # open and ready to go now
    waiting: int = 0  # open, waiting for their time (sending window, pacing, retry backoff)
    oldest_due: datetime | None = None  # when the longest-waiting due message became due
    failed_last_week: int = 0
    sent_today: dict[str, int] = field(default_factory=dict)  # by kind, since local midnight
    last_tick: datetime | None = None

    @property
    def pending(self) -> int:
        return self.due + self.waiting

    def oldest_due_age(self, now: datetime) -> float:
        if self.oldest_due is None:
            return 0.0
        return max((now - self.oldest_due).total_seconds(), 0.0)


def local_midnight_of(now: datetime, tz: str) -> datetime:
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def read_figures(session: Session, now: datetime, tz: str) -> OutboxFigures:
    figures = OutboxFigures()
    is_open = col(OutboxMessage.status).in_(list(OPEN_STATUSES))
    due_now = col(OutboxMessage.next_attempt_at) <= now
    due, oldest = session.exec(
        select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(is_open, due_now)
    ).one()
    figures.due, figures.oldest_due = int(due), _aware(oldest)
    figures.waiting = int(
        session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(is_open, col(OutboxMessage.next_attempt_at) > now)
        ).one()
    )
    figures.failed_last_week = int(
        session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.FAILED,
                col(OutboxMessage.finished_at) >= now - timedelta(days=7),
            )
        ).one()
    )
    rows = session.exec(
        select(OutboxMessage.kind, func.count())
        .where(
            OutboxMessage.status == OutboxStatus.SENT,
            col(OutboxMessage.sent_at) >= local_midnight_of(now, tz),
        )
        .group_by(OutboxMessage.kind)
    ).all()
    figures.sent_today = {kind: int(count) for kind, count in rows}
    tick = session.get(SchedulerCursor, LAST_TICK_CURSOR)
    if tick is not None:
        figures.last_tick = _aware(datetime.fromisoformat(tick.value))
    return figures


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes for aggregates; they are UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=ZoneInfo("UTC"))
