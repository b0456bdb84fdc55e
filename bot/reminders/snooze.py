"""Quiet, asked for by a person: "Udsæt en uge" on one nudge, "done" on one, or a pause from
everything (a vacation). Delivery consults this before each message; nothing is deleted from the
outbox, the message simply waits (or, once done, is dropped).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.core import audit
from storage.scheduling_models import OutboxMessage, OutboxStatus, Snooze

EVERYTHING = "*"


def snooze(session: Session, person_id: int, scope: str, until: datetime, now: datetime) -> Snooze:
    """Hold messages about `scope` (or everything) for `person_id` until `until`."""
    entry = Snooze(person_id=person_id, scope=scope, reason="snooze", starts_at=now, until=until)
    session.add(entry)
    session.flush()
    audit.record(session, audit.person_actor(person_id), "nudge.snoozed", "snooze", entry.id)
    session.commit()
    return entry


def dismiss(session: Session, person_id: int, scope: str, now: datetime) -> Snooze:
    """No more messages about `scope` for this person: they say it is taken care of."""
    entry = Snooze(person_id=person_id, scope=scope, reason="done", starts_at=now, until=None)
    session.add(entry)
    session.flush()
    audit.record(session, audit.person_actor(person_id), "nudge.dismissed", "snooze", entry.id)
    session.commit()
    return entry


def pause(session: Session, person_id: int, starts_at: datetime, until: datetime) -> Snooze:
    """A pause from every reminder, e.g. a vacation; what falls due meanwhile comes after it."""
    entry = Snooze(
        person_id=person_id, scope=EVERYTHING, reason="pause", starts_at=starts_at, until=until
    )
    session.add(entry)
    session.flush()
    audit.record(session, audit.person_actor(person_id), "nudge.paused", "snooze", entry.id)
    session.commit()
    return entry


def end_pauses(session: Session, person_id: int, now: datetime) -> int:
    """End every pause and snooze of everything that is running or planned."""
    entries = session.exec(
        select(Snooze).where(
            Snooze.person_id == person_id,
            Snooze.scope == EVERYTHING,
            (col(Snooze.until).is_(None)) | (col(Snooze.until) > now),
        )
    ).all()
    for entry in entries:
        entry.until = now
        session.add(entry)
    if entries:
        audit.record(session, audit.person_actor(person_id), "nudge.unpaused", "person", person_id)
        # What waited for the pause is decided again now (delivery applies the rules afresh).
        session.connection().execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.recipient_id) == person_id,
                col(OutboxMessage.status) == OutboxStatus.PENDING,
                col(OutboxMessage.next_attempt_at) > now,
                col(OutboxMessage.send_started_at).is_(None),
            )
            .values(next_attempt_at=now)
        )
    session.commit()
    return len(entries)


def pauses_of(session: Session, person_id: int, now: datetime) -> list[Snooze]:
    return list(
        session.exec(
            select(Snooze)
            .where(
                Snooze.person_id == person_id,
                Snooze.scope == EVERYTHING,
                col(Snooze.until) > now,
            )
            .order_by(col(Snooze.starts_at))
        ).all()
    )


def quiet_until(
    session: Session, person_id: int, subject: str, now: datetime
) -> tuple[bool, datetime | None]:
    """(dismissed, held_until) for a message about `subject` to `person_id` at `now`."""
    return quiet_from(active_snoozes(session, [person_id], now).get(person_id, []), subject, now)


def active_snoozes(
    session: Session, person_ids: list[int], now: datetime
) -> dict[int, list[Snooze]]:
    """Every snooze, pause and "done" of these people that has not ended, by person (one
    query for a whole delivery batch)."""
    found: dict[int, list[Snooze]] = {}
    if not person_ids:
        return found
    for entry in session.exec(
        select(Snooze).where(
            col(Snooze.person_id).in_(sorted(set(person_ids))),
            (col(Snooze.until).is_(None)) | (col(Snooze.until) > now),
        )
    ).all():
        found.setdefault(entry.person_id, []).append(entry)
    return found


def quiet_from(entries: list[Snooze], subject: str, now: datetime) -> tuple[bool, datetime | None]:
    """Dismissed: the person said it is done; drop it. Held: wait until that moment (the latest
    end of the snoozes and pauses covering now, chained when they overlap)."""
    relevant = [e for e in entries if e.scope in (subject, EVERYTHING)]
    if any(e.until is None and e.scope == subject for e in relevant):
        return True, None
    held: datetime | None = None
    moment = now
    changed = True
    while changed:  # a pause that starts when a snooze ends keeps the message waiting
        changed = False
        for entry in relevant:
            if entry.until is not None and entry.starts_at <= moment < entry.until:
                moment, held, changed = entry.until, entry.until, True
    return False, held


def week_from(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
