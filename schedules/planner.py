"""The planner: "what is due now?", asked of the domain tables, answered into the outbox.

It never stores a timer per reminder (DESIGN.md §3). Each pass looks at the days since the last
pass (`since_day`, kept in a cursor; the very first pass starts at the import, so what fell due
before the first tick is not lost) and at rows that appeared since the last tick; the rules
every feature declares in its `feature.py` (`deps.registry.rules`) say what falls due. Running
it twice — or on two replicas — is harmless: every due message has a deterministic dedupe key,
unique in the outbox.

Most rules only have work when a new day begins (the first tick after local midnight), so the
every-minute tick is a handful of indexed queries that find nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from bot.core.clock import now as clock_now
from bot.core.deps import Deps
from bot.core.due import Due, PlanWindow, Workdays, for_each_target
from bot.core.feature import Registry
from bot.reminders.digest import FAILURE_REPORT_KIND
from bot.reminders.policy import ReminderPolicy, reminder_policy
from schedules.outbox import DbCursors, insert_dues
from storage.models import Person
from storage.scheduling_models import LAST_TICK_CURSOR, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

DAY_CURSOR = "day"


@dataclass
class PlanResult:
    due: list[Due] = field(default_factory=list)  # what the rules found (before dedupe)
    inserted: int = 0
    new_day: bool = False
    failures_reported: int = 0
    failed_rules: list[str] = field(default_factory=list)


def policy_of(deps: Deps) -> ReminderPolicy:
    return reminder_policy(deps.calendar.policy)


def make_window(
    session: Session, deps: Deps, now: datetime, cursors: DbCursors, since_day: date | None = None
) -> PlanWindow:
    policy = policy_of(deps)
    org_tz = deps.settings.netvaerk_timezone
    today = now.astimezone(ZoneInfo(org_tz)).date()
    if since_day is None:
        stored = cursors.get(DAY_CURSOR)
        since_day = date.fromisoformat(stored) if stored else first_day(session, org_tz, today)
    # After long downtime, what fell due more than catch_up_days ago is not sent any more.
    since_day = max(since_day, today - timedelta(days=policy.catch_up_days + 1))
    return PlanWindow(
        now=now,
        today=today,
        since_day=min(since_day, today),
        org_tz=org_tz,
        calendar=deps.calendar,
        policy=policy,
        secretariat_channel=deps.settings.netvaerk_secretariat_channel,
        cursors=cursors,
        workdays=Workdays(deps.calendar),
    )


def first_day(session: Session, org_tz: str, today: date) -> date:
    """The day before the organisation's data arrived (the first import): the first pass plans
    from there, so what fell due between the import and the first tick is not lost (DESIGN §3).
    Without any data, yesterday; `make_window` clamps it to `catch_up_days` either way."""
    first = session.exec(select(func.min(Person.created_at))).one()
    if first is None:
        return today - timedelta(days=1)
    if first.tzinfo is None:  # SQLite gives naive UTC
        first = first.replace(tzinfo=UTC)
    return min(first.astimezone(ZoneInfo(org_tz)).date(), today) - timedelta(days=1)


def collect(
    session: Session, registry: Registry, window: PlanWindow, result: PlanResult
) -> list[Due]:
    """Run every rule; a rule that fails is logged and the day is planned again next tick."""
    found: list[Due] = []
    for name, rule in registry.rules:
        try:
            found.extend(rule(session, window))
        except Exception:
            log.exception("planner rule %s failed", name)
            result.failed_rules.append(name)
            session.rollback()
    return found


def plan(deps: Deps, now: datetime | None = None) -> PlanResult:
    """One planner pass at `now` (default: the clock). Commits the new outbox rows together with
    the cursors, so a crash in between leaves the pass to be done again, not half-done."""
    moment = now or clock_now()
    result = PlanResult()
    with deps.db.session() as session:
        cursors = DbCursors(session)
        window = make_window(session, deps, moment, cursors)
        window.outlook = deps.outlook
        result.new_day = window.new_day
        result.due = collect(session, deps.registry, window, result)
        result.inserted = insert_dues(
            session, result.due, moment, deps.calendar, deps.settings.netvaerk_timezone
        )
        result.failures_reported = report_failures(session, window)
        if not result.failed_rules:
            cursors.set(DAY_CURSOR, window.today.isoformat())
        cursors.set(LAST_TICK_CURSOR, moment.isoformat())  # the doctor's and /metrics' heartbeat
        cursors.save(moment)
        session.commit()
    if result.inserted:
        log.info("planner: %d new message(s) due", result.inserted)
    return result


def report_failures(session: Session, window: PlanWindow) -> int:
    """Batch every failure not yet reported into one report to the secretariat (its channel,
    or each member by DM). Failed reports are not reported again: that would never end."""
    failed = list(
        session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.status == OutboxStatus.FAILED,
                col(OutboxMessage.reported_at).is_(None),
                OutboxMessage.kind != FAILURE_REPORT_KIND,
            )
        ).all()
    )
    if not failed:
        return 0
    ids = sorted(i for i in failed if i is not None)
    dues = for_each_target(
        session,
        window,
        key=f"delivery-failures:{ids[0]}-{ids[-1]}:{len(ids)}",
        kind=FAILURE_REPORT_KIND,
        subject="failures",
        due_on=window.today,
        payload={"items": ids},
    )
    if not dues:
        log.warning("%d failed deliveries and no secretariat to report them to", len(ids))
    # Reports wait for the sending window like everything else, but not for the next day.
    insert_dues(session, dues, window.now, window.calendar, window.org_tz)
    session.connection().execute(
        update(OutboxMessage).where(col(OutboxMessage.id).in_(ids)).values(reported_at=window.now)
    )
    return len(ids)
