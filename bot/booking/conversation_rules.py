"""Nudges 2–4 around a booked conversation: reflect before it, follow up after it, and review the
agreement when its review date comes.

The seed: "Inden samtalen har netværkslederen reflekteret over egne behov og ønsker i forhold til
tid og rum til netværksarbejdet og det samme kan du som personaleleder gøre." The follow-up asks
"Blev samtalen holdt?" and leads to the agreement, which "should be revisited" (DESIGN.md §1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.core import actions, ui
from bot.core.due import BuildContext, Due, PlanWindow, add_months
from bot.core.formatting import format_date, format_datetime
from storage.models import Agreement, Conversation, ConversationStatus, Person


def conversation_subject(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


def _recipients(conversation: Conversation | Agreement, roles: Iterable[str]) -> list[int]:
    ids = {"manager": conversation.manager_id, "employee": conversation.employee_id}
    return [ids[role] for role in roles if role in ids]


def _starts_key(starts_at: datetime) -> str:
    return starts_at.strftime("%Y%m%dT%H%M")


def reflection_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Every tick: booked conversations whose reflection day has come and that are still ahead.
    A conversation booked at short notice gets its reflection at once."""
    before = window.policy.reflection_before
    # The last conversation day whose reflection day is today or earlier.
    last = window.today
    while window.workdays.add(last + timedelta(days=1), -before) <= window.today:
        last += timedelta(days=1)
    rows = session.exec(
        select(Conversation).where(
            Conversation.status == ConversationStatus.BOOKED,
            col(Conversation.starts_at) > window.now,
            col(Conversation.starts_at) < window.midnight(last + timedelta(days=1)),
        )
    ).all()
    found = []
    for conversation in rows:
        assert conversation.starts_at is not None and conversation.id is not None
        day = window.workdays.add(window.local_date(conversation.starts_at), -before)
        for person_id in (conversation.employee_id, conversation.manager_id):
            found.append(
                Due(
                    key=f"reflection:{conversation.id}:{_starts_key(conversation.starts_at)}:{person_id}",
                    kind="reflection",
                    subject=conversation_subject(conversation.id),
                    due_on=min(day, window.today),
                    recipient_id=person_id,
                    payload={
                        "conversation_id": conversation.id,
                        "starts_at": conversation.starts_at.isoformat(),
                    },
                )
            )
    return found


def follow_up_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Every tick: booked conversations that lie behind us and whose follow-up day has come,
    within the catch-up limit (an old conversation nobody answered for is not asked about)."""
    after = window.policy.follow_up_after
    oldest = window.now - timedelta(days=window.policy.catch_up_days)
    rows = session.exec(
        select(Conversation).where(
            Conversation.status == ConversationStatus.BOOKED,
            col(Conversation.starts_at) >= oldest,
            col(Conversation.starts_at) < window.now,
        )
    ).all()
    found = []
    for conversation in rows:
        assert conversation.starts_at is not None and conversation.id is not None
        day = window.workdays.add(window.local_date(conversation.starts_at), after)
        if day > window.today:
            continue
        for person_id in _recipients(conversation, window.policy.follow_up_recipients):
            found.append(
                Due(
                    key=f"follow-up:{conversation.id}:{_starts_key(conversation.starts_at)}:{person_id}",
                    kind="follow_up",
                    subject=conversation_subject(conversation.id),
                    due_on=day,
                    recipient_id=person_id,
                    payload={
                        "conversation_id": conversation.id,
                        "starts_at": conversation.starts_at.isoformat(),
                    },
                )
            )
    return found


def review_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On each new day: agreements whose review date came within the new days."""
    if not window.new_day:
        return []
    rows = session.exec(
        select(Agreement).where(
            col(Agreement.review_date) > window.since_day,
            col(Agreement.review_date) <= window.today,
        )
    ).all()
    found = []
    for agreement in rows:
        assert agreement.id is not None
        for person_id in _recipients(agreement, window.policy.review_recipients):
            found.append(
                Due(
                    key=f"review:{agreement.id}:{agreement.review_date.isoformat()}:{person_id}",
                    kind="agreement_review",
                    subject=f"agreement:{agreement.id}",
                    due_on=agreement.review_date,
                    recipient_id=person_id,
                    payload={
                        "agreement_id": agreement.id,
                        "review_date": agreement.review_date.isoformat(),
                    },
                )
            )
    return found


# --- messages ------------------------------------------------------------------------------


def _booked(ctx: BuildContext, payload: Mapping[str, Any]) -> Conversation | None:
    """The conversation, if it is still booked for the time the reminder was planned for."""
    conversation = ctx.session.get(Conversation, int(payload["conversation_id"]))
    if conversation is None or conversation.status != ConversationStatus.BOOKED:
        return None
    if conversation.starts_at is None or conversation.starts_at.isoformat() != payload["starts_at"]:
        return None
    if ctx.recipient is None or ctx.recipient.id not in (
        conversation.employee_id,
        conversation.manager_id,
    ):
        return None
    return conversation


def _other(ctx: BuildContext, record: Conversation | Agreement) -> Person | None:
    assert ctx.recipient is not None
    other_id = record.manager_id if ctx.recipient.id == record.employee_id else record.employee_id
    other = ctx.session.get(Person, other_id)
    return other if other is not None and other.active else None


def reflection(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    conversation = _booked(ctx, payload)
    if conversation is None or conversation.starts_at is None or ctx.now >= conversation.starts_at:
        return None
    other = _other(ctx, conversation)
    if other is None:
        return None
    t = ctx.t
    role = (
        "manager" if ctx.recipient and ctx.recipient.id == conversation.manager_id else "employee"
    )
    when = format_datetime(conversation.starts_at, ctx.language, ctx.tz)
    buttons = [
        ui.Button(
            t("scheduler.button.reschedule"),
            actions.BOOKING_RESCHEDULE,
            str(conversation.id),
        ),
    ]
    if role == "manager":  # the seed's 10 points, as the checklist (issue 4)
        buttons.insert(
            0, ui.Button(t("checklist.round.start"), actions.CHECKLIST_START, "reflection")
        )
    return ui.Message(
        text=t("scheduler.reflection.text", other=other.name, when=when),
        parts=(
            ui.Heading(t("scheduler.reflection.heading")),
            ui.Text(t("scheduler.reflection.intro", other=other.name, when=when)),
            ui.Text(t(f"scheduler.reflection.questions.{role}")),
            ui.Buttons(tuple(buttons), id=f"reflection-{conversation.id}"),
        ),
    )


def follow_up(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    conversation = _booked(ctx, payload)
    if conversation is None or conversation.starts_at is None:
        return None
    agreement = ctx.session.exec(
        select(Agreement.id).where(Agreement.conversation_id == conversation.id)
    ).first()
    other = _other(ctx, conversation)
    if agreement is not None or other is None:
        return None
    t = ctx.t
    when = format_datetime(conversation.starts_at, ctx.language, ctx.tz)
    return ui.Message(
        text=t("scheduler.follow_up.text", other=other.name),
        parts=(
            ui.Heading(t("scheduler.follow_up.heading")),
            ui.Text(t("scheduler.follow_up.body", other=other.name, when=when)),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.record_agreement"),
                        actions.AGREEMENT_OPEN,
                        str(conversation.id),
                        "primary",
                    ),
                    ui.Button(
                        t("scheduler.button.not_held"),
                        actions.BOOKING_RESCHEDULE,
                        str(conversation.id),
                    ),
                ),
                id=f"follow-up-{conversation.id}",
            ),
        ),
    )


def agreement_review(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    agreement = ctx.session.get(Agreement, int(payload["agreement_id"]))
    if agreement is None or agreement.review_date.isoformat() != payload["review_date"]:
        return None
    employee = ctx.session.get(Person, agreement.employee_id)
    if employee is None or not employee.active or employee.manager_id != agreement.manager_id:
        return None  # a new manager means a new conversation, which nudge 1 asks for
    if ctx.recipient is None or ctx.recipient.id not in (
        agreement.employee_id,
        agreement.manager_id,
    ):
        return None
    other = _other(ctx, agreement)
    if other is None:
        return None
    t = ctx.t
    made = format_date(ctx_local_date(ctx, agreement.created_at), ctx.language)
    period = t(f"scheduler.agreement.period.{agreement.hours_period}")
    return ui.Message(
        text=t("scheduler.review.text", other=other.name),
        parts=(
            ui.Heading(t("scheduler.review.heading")),
            ui.Text(t("scheduler.review.body", other=other.name, made=made)),
            ui.Facts(agreement_facts(ctx, agreement, period)),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.update_agreement"),
                        actions.AGREEMENT_OPEN,
                        str(agreement.conversation_id),
                        "primary",
                    ),
                    ui.Button(
                        t("scheduler.button.keep_agreement"),
                        actions.AGREEMENT_KEEP,
                        str(agreement.id),
                    ),
                    ui.Button(
                        t("scheduler.button.snooze"),
                        actions.NUDGE_SNOOZE,
                        f"agreement:{agreement.id}",
                    ),
                ),
                id=f"review-{agreement.id}",
            ),
        ),
    )


def agreement_facts(
    ctx: BuildContext, agreement: Agreement, period: str
) -> tuple[tuple[str, str], ...]:
    """The agreement as label/value pairs; shared by the review and the PULS reminders."""
    t = ctx.t
    facts = [(t("scheduler.agreement.hours"), f"{agreement.hours:g} {period}")]
    for name in ("reprioritised", "secretariat_time", "competence", "showcase"):
        value = getattr(agreement, name)
        if value:
            facts.append((t(f"scheduler.agreement.{name}"), value))
    facts.append(
        (t("scheduler.agreement.review_date"), format_date(agreement.review_date, ctx.language))
    )
    return tuple(facts)


def ctx_local_date(ctx: BuildContext, moment: datetime) -> date:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(ctx.tz)).date()


def keep_agreement(
    session: Session, agreement_id: int, person_id: int, today: date
) -> Agreement | None:
    """ "Aftalen gælder stadig": the next review comes 6 months from today."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or person_id not in (agreement.employee_id, agreement.manager_id):
        return None
    agreement.review_date = add_months(today, 6)
    session.add(agreement)
    session.commit()
    session.refresh(agreement)
    return agreement
