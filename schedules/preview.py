"""`netvaerk schedule preview [--days N]`: what will go to whom and when, without sending.

It asks the same rules the planner asks, one simulated day at a time, on the data as it is now
(so it cannot know about bookings that have not happened yet), and adds what already waits in
the outbox. Sending windows, snoozes and pauses are applied; the weekly cap is not simulated
(it can only fold messages together, never add one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.core.clock import now as clock_now
from bot.core.deps import Deps
from bot.core.due import BuildContext, Due, local_midnight
from bot.core.i18n import normalise_language
from bot.reminders.snooze import quiet_until
from schedules.outbox import DbCursors
from schedules.planner import PlanResult, collect, make_window, policy_of
from storage.models import Person
from storage.scheduling_models import OPEN_STATUSES, OutboxMessage


@dataclass(frozen=True)
class PreviewLine:
    when: datetime
    tz: str
    to: str
    kind: str
    text: str
    key: str
    waiting: bool  # already in the outbox


def preview(deps: Deps, days: int = 14, now: datetime | None = None) -> list[PreviewLine]:
    moment = now or clock_now()
    horizon = moment + timedelta(days=days)
    lines: list[PreviewLine] = []
    with deps.db.session() as session:
        seen: set[str] = set()
        for row in session.exec(
            select(OutboxMessage).where(col(OutboxMessage.status).in_(list(OPEN_STATUSES)))
        ).all():
            seen.add(row.dedupe_key)
            due = Due(
                row.dedupe_key,
                row.kind,
                row.subject,
                moment.date(),
                row.recipient_id,
                row.channel,
                row.capped,
                row.payload,
            )
            line = _line(session, deps, due, max(moment, row.next_attempt_at), waiting=True)
            if line is not None and line.when <= horizon:
                lines.append(line)
        cursors = DbCursors(session, read_only=True)
        window = make_window(session, deps, moment, cursors)
        org_zone = ZoneInfo(deps.settings.netvaerk_timezone)
        for offset in range(days + 1):
            if offset:
                day = window.today + timedelta(days=1)
                start = datetime.combine(day, time(0, 1), tzinfo=org_zone)
                window = make_window(session, deps, start, cursors, since_day=window.today)
            for due in collect(session, deps.registry, window, PlanResult()):
                if due.key in seen:
                    continue
                seen.add(due.key)
                line = _line(session, deps, due, window.now, waiting=False)
                if line is not None and line.when <= horizon:
                    lines.append(line)
        session.rollback()  # a preview changes nothing
    return sorted(lines, key=lambda item: (item.when, item.to, item.key))


def _line(
    session: Session, deps: Deps, due: Due, planned_at: datetime, waiting: bool
) -> PreviewLine | None:
    settings = deps.settings
    person = session.get(Person, due.recipient_id) if due.recipient_id else None
    tz = (person.timezone if person else None) or settings.netvaerk_timezone
    start = max(planned_at, local_midnight(due.due_on, tz))
    when = deps.calendar.next_send_opening(start, tz)
    if person is not None:
        dismissed, held = quiet_until(session, person.id or 0, due.subject, when)
        if dismissed:
            return None
        if held is not None:
            when = deps.calendar.next_send_opening(held, tz)
    language = normalise_language(person.language if person else None) or settings.netvaerk_language
    ctx = BuildContext(
        session=session,
        now=when,
        recipient=person,
        language=language,
        tz=tz,
        calendar=deps.calendar,
        policy=policy_of(deps),
        default_tz=settings.netvaerk_timezone,
        default_language=settings.netvaerk_language,
        builders=deps.registry.builders,
    )
    message = ctx.build(due.kind, due.payload)
    if message is None:
        return None
    to = person.name if person else (due.channel or "?")
    return PreviewLine(when, tz, to, due.kind, message.text, due.key, waiting)


def format_lines(lines: list[PreviewLine]) -> str:
    if not lines:
        return "Nothing is due in this period."
    out = []
    for line in lines:
        local = line.when.astimezone(ZoneInfo(line.tz))
        mark = "*" if line.waiting else " "
        out.append(
            f"{local:%Y-%m-%d %a %H:%M} {mark} {line.to:<24.24} {line.kind:<18} "
            f"{line.text}  [{line.key}]"
        )
    out.append("(* = already waiting in the outbox; times are each recipient's local time)")
    return "\n".join(out)
