"""The checklist's place in the scheduler (declared in bot/checklist/feature.py): the invitation
to a round at most every 6 months, and one reminder when a round is unfinished after 3 working days.

Both are derived from the tables (DESIGN.md §3): the invitation falls due 6 months after the
later of the person's last round and their last invitation (at once for someone never asked);
the reminder falls due 3 working days after a round started, under a key per round, so there is
one reminder per round and then silence. Both are capped: they count toward the weekly cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.checklist.domain import latest_round, network_leadership_since, state_of
from bot.core import actions, ui
from bot.core.due import BuildContext, Due, PlanWindow, add_months
from storage.checklist_models import ChecklistRound
from storage.scheduling_models import OutboxMessage

INVITE_KIND = "checklist_invite"
REMINDER_KIND = "checklist_reminder"
EVERY_MONTHS = 6
REMINDER_AFTER_WORKING_DAYS = 3
# A round started this recently makes a waiting invitation pointless.
RECENT_ROUND_DAYS = 30


def checklist_subject(person_id: int) -> str:
    return f"checklist:{person_id}"


def _latest_by_person(
    session: Session, column: Any, person_column: Any, *where: Any
) -> dict[int, Any]:
    rows = session.connection().execute(
        sa_select(person_column, func.max(column)).where(*where).group_by(person_column)
    )
    return {int(pid): moment for pid, moment in rows if pid is not None}


def invite_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On each new day: personnel leaders with employees in networks whose invitation day came
    — every 6 months from the later of their last round and their last invitation, or, for
    someone never asked, from when they first had an employee in a network. (Before that, the
    reflection message before the conversation offers the checklist.) After downtime a missed
    day is not sent late: the next one, 6 months on, comes as usual."""
    if not window.new_day:
        return []
    leaders = network_leadership_since(session)
    if not leaders:
        return []
    rounds = _latest_by_person(
        session, col(ChecklistRound.started_at), col(ChecklistRound.person_id)
    )
    invites = _latest_by_person(
        session,
        col(OutboxMessage.due_on),
        col(OutboxMessage.recipient_id),
        col(OutboxMessage.kind) == INVITE_KIND,
    )
    found = []
    for person_id, since in sorted(leaders.items()):
        asked = [m for m in (rounds.get(person_id), invites.get(person_id)) if m is not None]
        anchor = window.local_date(max(asked) if asked else since)
        day = _next_invite_day(window, anchor)
        if day is None:
            continue
        found.append(
            Due(
                key=f"checklist-invite:{person_id}:{day.isoformat()}",
                kind=INVITE_KIND,
                subject=checklist_subject(person_id),
                due_on=day,
                recipient_id=person_id,
                payload={"person_id": person_id},
            )
        )
    return found


def _next_invite_day(window: PlanWindow, anchor: date) -> date | None:
    """The invitation day (anchor + 6, 12, … months, on a working day) that falls within this
    pass's new days, if any."""
    k = 1
    while True:
        day = window.workdays.on_or_after(add_months(anchor, EVERY_MONTHS * k))
        if day > window.today:
            return None
        if window.fresh(day):
            return day
        k += 1


def reminder_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On each new day: unfinished rounds whose third working day has come; one per round."""
    if not window.new_day:
        return []
    oldest = window.now - timedelta(days=window.policy.catch_up_days + 14)
    rounds = session.exec(
        select(ChecklistRound).where(
            col(ChecklistRound.completed_at).is_(None), col(ChecklistRound.started_at) >= oldest
        )
    ).all()
    found = []
    for round_ in rounds:
        day = window.workdays.add(window.local_date(round_.started_at), REMINDER_AFTER_WORKING_DAYS)
        if day > window.today:
            continue
        found.append(
            Due(
                key=f"checklist-reminder:{round_.id}",
                kind=REMINDER_KIND,
                subject=checklist_subject(round_.person_id),
                due_on=day,
                recipient_id=round_.person_id,
                payload={"round_id": round_.id},
            )
        )
    return found


# --- messages ---------------------------------------------------------------------------------


def checklist_invite(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    person = ctx.recipient
    if person is None or person.id != int(payload["person_id"]):
        return None
    latest = latest_round(ctx.session, person.id)
    if latest is not None and latest.started_at > ctx.now - timedelta(days=RECENT_ROUND_DAYS):
        return None  # taken (or started) meanwhile
    t = ctx.t
    return ui.Message(
        text=t("checklist.invite.text"),
        parts=(
            ui.Heading(t("checklist.invite.heading")),
            ui.Text(t("checklist.invite.body")),
            ui.Buttons(
                (
                    ui.Button(
                        t("checklist.round.start"), actions.CHECKLIST_START, "scheduler", "primary"
                    ),
                    ui.Button(
                        t("scheduler.button.snooze"),
                        actions.NUDGE_SNOOZE,
                        checklist_subject(person.id),
                    ),
                ),
                id=f"checklist-invite-{person.id}",
            ),
            ui.Note(t("checklist.invite.note")),
        ),
    )


def checklist_reminder(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    round_ = ctx.session.get(ChecklistRound, int(payload["round_id"]))
    if round_ is None or round_.completed_at is not None:
        return None
    if ctx.recipient is None or ctx.recipient.id != round_.person_id:
        return None
    state = state_of(ctx.session, round_)
    n = state.position
    if n is None:
        return None
    t = ctx.t
    return ui.Message(
        text=t("checklist.reminder.text", n=n),
        parts=(
            ui.Heading(t("checklist.reminder.heading")),
            ui.Text(t("checklist.reminder.body", n=n)),
            ui.Buttons(
                (
                    ui.Button(
                        t("checklist.round.resume"),
                        actions.CHECKLIST_RESUME,
                        str(round_.id),
                        "primary",
                    ),
                ),
                id=f"checklist-reminder-{round_.id}",
            ),
        ),
    )
