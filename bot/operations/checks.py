"""The doctor's platform-neutral checks: database, people, departments, scheduler, outbox and
calendar. The chat platform's own checks live beside its adapters
(platforms/slack/doctor.py); `netvaerk/doctor.py` (the composition root) runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from bot.core.formatting import format_date, format_datetime
from bot.core.i18n import Translator
from bot.core.working_calendar import WorkingCalendar
from bot.operations.findings import Finding, Level
from bot.operations.outbox_figures import read_figures
from storage.db import Database
from storage.models import Department, Person, PlatformIdentity

# A tick runs every minute; a few missed ones are a restart, more is a scheduler that stopped.
TICK_STALE_AFTER = timedelta(minutes=10)
# Due messages go out within a minute or two in the sending window; older ones are stuck.
DUE_STUCK_AFTER = timedelta(hours=1)


@dataclass
class Context:
    now: datetime
    tz: str  # NETVAERK_TIMEZONE, already checked to be a real zone (else UTC)
    t: Translator

    def when(self, moment: datetime) -> str:
        return format_datetime(moment, self.t.language, self.tz)

    def ago(self, moment: datetime) -> str:
        minutes = max(int((self.now - moment).total_seconds() // 60), 0)
        if minutes < 60:
            return self.t("operations.doctor.duration.minutes", minutes=minutes)
        if minutes < 48 * 60:
            return self.t(
                "operations.doctor.duration.hours", hours=minutes // 60, minutes=minutes % 60
            )
        return self.t("operations.doctor.duration.days", days=minutes // (24 * 60))


def database(db: Database) -> Finding:
    try:
        current, head = db.current_revision(), db.head_revision()
    except Exception as error:
        return Finding(
            "database",
            Level.PROBLEM,
            "unreachable",
            {"error": type(error).__name__},
            fix="unreachable_fix",
            details={"reachable": False},
        )
    details = {"reachable": True, "revision": current, "newest": head}
    if current != head:
        values = {"current": current or "-", "head": head}
        return Finding("database", Level.PROBLEM, "behind", values, "behind_fix", details)
    return Finding("database", Level.OK, "ok", {"revision": current}, details=details)


def people(session: Session, platform: str, label: str) -> Finding:
    """How many active people the bot can reach on one chat platform, and who it cannot."""
    everyone = session.exec(
        select(Person).where(col(Person.active).is_(True)).order_by(col(Person.name))
    ).all()
    matched_ids = set(
        session.exec(
            select(PlatformIdentity.person_id).where(PlatformIdentity.platform == platform)
        ).all()
    )
    unmatched = [p for p in everyone if p.id not in matched_ids]
    details = {
        "platform": platform,
        "people": len(everyone),
        "matched": len(everyone) - len(unmatched),
        "unmatched": len(unmatched),
    }
    if not everyone:
        return Finding("people", Level.WARNING, "none", fix="none_fix", details=details)
    counts: dict[str, Any] = {"count": len(everyone), "platform": label}
    if not unmatched:
        return Finding("people", Level.OK, "ok", counts, details=details)
    return Finding(
        "people",
        Level.PROBLEM,
        "unmatched",
        {**counts, "matched": details["matched"], "unmatched": len(unmatched)},
        fix=f"unmatched_fix_{platform}",
        details=details,
        people=[f"{p.name} <{p.email}>" for p in unmatched],
    )


def departments_without_channel(session: Session, platform: str = "slack") -> Finding | None:
    """Departments with no channel on `platform` ("slack": `channel`, "teams": `teams_channel`):
    results are not shared there."""
    column = Department.teams_channel if platform == "teams" else Department.channel
    missing = session.exec(
        select(Department.name).where(col(column).is_(None)).order_by(Department.name)
    ).all()
    if not missing:
        return None
    key = "no_teams_channel" if platform == "teams" else "no_channel"
    return Finding(
        "channels",
        Level.WARNING,
        key,
        {"departments": ", ".join(missing)},
        fix=f"{key}_fix",
        details={"platform": platform, "departments_without_channel": len(missing)},
    )


def scheduler_and_outbox(session: Session, ctx: Context) -> list[Finding]:
    figures = read_figures(session, ctx.now, ctx.tz)
    found: list[Finding] = []
    tick = figures.last_tick
    tick_details = {"last_tick": tick.isoformat() if tick else None}
    if tick is None:
        found.append(Finding("scheduler", Level.WARNING, "never", fix="run_fix"))
    else:
        values = {"ago": ctx.ago(tick), "time": ctx.when(tick)}
        stale = ctx.now - tick > TICK_STALE_AFTER
        level, key = (Level.PROBLEM, "stale") if stale else (Level.OK, "ok")
        found.append(Finding("scheduler", level, key, values, "run_fix", tick_details))
    details = {
        "pending": figures.pending,
        "due": figures.due,
        "oldest_due": figures.oldest_due.isoformat() if figures.oldest_due else None,
        "failed_last_week": figures.failed_last_week,
    }
    counts: dict[str, Any] = {"pending": figures.pending, "due": figures.due}
    oldest = figures.oldest_due
    if oldest is not None and ctx.now - oldest > DUE_STUCK_AFTER:
        values = {**counts, "time": ctx.when(oldest), "ago": ctx.ago(oldest)}
        found.append(Finding("outbox", Level.PROBLEM, "stuck", values, "stuck_fix", details))
    elif oldest is not None:
        values = {**counts, "time": ctx.when(oldest)}
        found.append(Finding("outbox", Level.OK, "ok_due", values, details=details))
    else:
        found.append(Finding("outbox", Level.OK, "ok", counts, details=details))
    if figures.failed_last_week:
        failed = {"failed": figures.failed_last_week}
        found.append(Finding("outbox", Level.WARNING, "failed", failed, "failed_fix", details))
    return found


def valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def calendar(calendar: WorkingCalendar, timezone: str, ctx: Context) -> list[Finding]:
    if not valid_timezone(timezone):
        return [
            Finding(
                "calendar",
                Level.PROBLEM,
                "bad_timezone",
                {"timezone": timezone},
                fix="bad_timezone_fix",
            )
        ]
    policy = calendar.policy
    local = ctx.now.astimezone(ZoneInfo(timezone))
    today = local.date()
    day_key = "working_day" if calendar.is_working_day(today) else "closed_day"
    found = [
        Finding(
            "calendar",
            Level.OK,
            "ok",
            {
                "timezone": timezone,
                "time": ctx.when(ctx.now),
                "day": ctx.t(f"operations.doctor.calendar.{day_key}"),
                "start": policy.send_start.strftime("%H:%M"),
                "end": policy.send_end.strftime("%H:%M"),
            },
            details={"timezone": timezone, "working_day": day_key == "working_day"},
        )
    ]
    closed = calendar.closed_days_between(today, today + timedelta(days=31), ctx.t.language)
    if closed:
        days = "; ".join(f"{format_date(day, ctx.t.language)} ({name})" for day, name in closed)
        details = {"closed_days": [day.isoformat() for day, _name in closed]}
        found.append(Finding("calendar", Level.OK, "holidays", {"days": days}, details=details))
    else:
        found.append(Finding("calendar", Level.OK, "no_holidays"))
    return found
