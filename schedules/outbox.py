"""The outbox table's operations: insert what fell due (once), claim rows for a worker, and the
planner's cursors.

Inserting relies on the unique dedupe key (`ON CONFLICT DO NOTHING` on both SQLite and
PostgreSQL), so two planners — two ticks, or two replicas — never make two rows of one message.
Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL and a guarded UPDATE everywhere, so two
workers never hold the same row; a worker that dies leaves a lease that runs out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.core.clock import now as clock_now
from bot.core.due import Due, local_midnight
from bot.core.working_calendar import WorkingCalendar
from storage.db import Database
from storage.models import Person
from storage.scheduling_models import OPEN_STATUSES, OutboxMessage, SchedulerCursor

_INSERT_CHUNK = 400  # rows per INSERT (SQLite allows 32766 bound values)
_IN_CHUNK = 500


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(keys, _IN_CHUNK):
        found.update(
            session.exec(
                select(OutboxMessage.dedupe_key).where(col(OutboxMessage.dedupe_key).in_(chunk))
            ).all()
        )
    return found


def timezones(session: Session, person_ids: Iterable[int], default: str) -> dict[int, str]:
    wanted = sorted(set(person_ids))
    found: dict[int, str] = {}
    for chunk in _chunks(wanted, _IN_CHUNK):
        for person_id, tz in session.exec(
            select(Person.id, Person.timezone).where(col(Person.id).in_(chunk))
        ).all():
            found[person_id or 0] = tz or default
    return found


def insert_dues(
    session: Session,
    dues: Sequence[Due],
    now: datetime,
    calendar: WorkingCalendar,
    default_tz: str,
) -> int:
    """Put what fell due into the outbox, each at the recipient's next sending opening.
    Returns how many rows are new. Does not commit."""
    unique = {due.key: due for due in dues}
    if not unique:
        return 0
    known = existing_keys(session, list(unique))
    fresh = [due for key, due in unique.items() if key not in known]
    if not fresh:
        return 0
    zones = timezones(session, (d.recipient_id for d in fresh if d.recipient_id), default_tz)
    openings: dict[tuple[str, datetime], datetime] = {}
    rows = []
    for due in fresh:
        tz = zones.get(due.recipient_id or 0, default_tz) if due.recipient_id else default_tz
        start = max(now, local_midnight(due.due_on, tz))
        if (tz, start) not in openings:
            openings[(tz, start)] = calendar.next_send_opening(start, tz)
        opening = openings[(tz, start)]
        rows.append(
            {
                "dedupe_key": due.key,
                "kind": due.kind,
                "subject": due.subject,
                "recipient_id": due.recipient_id,
                "channel": due.channel,
                "capped": due.capped,
                "payload": dict(due.payload),
                "due_on": local_midnight(due.due_on, tz),
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": opening,
                "created_at": now,
            }
        )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = 0
    for chunk in _chunks(rows, _INSERT_CHUNK):
        statement = (
            dialect.insert(OutboxMessage.__table__)  # type: ignore[attr-defined]
            .values(list(chunk))
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.__table__.c.id)  # type: ignore[attr-defined]
        )
        inserted += len(session.connection().execute(statement).all())
    return inserted


def claim(
    db: Database, worker: str, now: datetime, limit: int, lease_seconds: int
) -> list[OutboxMessage]:
    """Claim up to `limit` rows that are ready, for `lease_seconds`. A row held by a worker
    whose lease ran out (it died, or hangs) is claimed again.

    One statement, `UPDATE … WHERE id IN (SELECT … LIMIT n [FOR UPDATE SKIP LOCKED]) RETURNING`:
    on PostgreSQL two workers skip each other's rows; on SQLite the statement runs under the one
    write lock, so two workers never pick the same rows and neither comes back empty-handed
    while rows are free.
    """
    until = now + timedelta(seconds=lease_seconds)
    free = or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now)
    ready = (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.status).in_(list(OPEN_STATUSES)),
            col(OutboxMessage.next_attempt_at) <= now,
            free,
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    if db.is_postgres:
        ready = ready.with_for_update(skip_locked=True)
    with db.session() as session:
        claimed = (
            session.connection()
            .execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(ready.scalar_subquery()), free)
                .values(claimed_by=worker, claimed_until=until)
                .returning(col(OutboxMessage.id))
            )
            .scalars()
            .all()
        )
        session.commit()
        if not claimed:
            return []
        rows = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.id).in_(list(claimed)), OutboxMessage.claimed_by == worker)
            .order_by(col(OutboxMessage.due_on), col(OutboxMessage.id))
        ).all()
        return list(rows)


def next_ready_at(db: Database) -> datetime | None:
    with db.session() as session:
        return session.exec(
            select(OutboxMessage.next_attempt_at)
            .where(col(OutboxMessage.status).in_(list(OPEN_STATUSES)))
            .order_by(col(OutboxMessage.next_attempt_at))
            .limit(1)
        ).first()


class DbCursors:
    """The planner's cursors, read at the start of a pass and written with its inserts."""

    def __init__(self, session: Session, read_only: bool = False) -> None:
        self.session = session
        self.read_only = read_only
        self.values = {c.name: c.value for c in session.exec(select(SchedulerCursor)).all()}
        self.changed: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        if self.values.get(name) != value:
            self.changed[name] = value
            self.values[name] = value

    def save(self, now: datetime | None = None) -> None:
        if self.read_only:
            return
        moment = now or clock_now()
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        for name, value in self.changed.items():
            # An upsert: two planners (replicas) may save the same cursor at once.
            statement = dialect.insert(SchedulerCursor.__table__).values(  # type: ignore[attr-defined]
                name=name, value=value, updated_at=moment
            )
            statement = statement.on_conflict_do_update(
                index_elements=["name"], set_={"value": value, "updated_at": moment}
            )
            self.session.connection().execute(statement)
        self.changed.clear()
