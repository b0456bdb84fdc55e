"""Events changed in Outlook, noticed at the tick: the conversation follows, both are told.

A booked conversation is one Outlook event (bot/booking/outlook.py). People move and delete
meetings in Outlook, not in the bot; without this the bot would remind them of a time that no
longer holds. Graph has change notifications, but a deployment behind a municipal firewall
cannot always receive them, so the tick asks instead — bounded: at most every
`CHECK_EVERY_MINUTES`, only conversations in the next `HORIZON_DAYS`, at most `MAX_PER_CHECK`
events per check (soonest first), one `GET` each. The same pass finishes what Graph was too
busy to take at the moment: creating the event of a conversation booked while throttled, and
cancelling the event of a conversation cancelled then.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.booking import messages as booking_messages
from bot.booking import outlook
from bot.booking.calendar_port import CalendarBusy, CalendarPort, CalendarUnavailable
from bot.core import ui
from bot.core.due import BuildContext, Due, PlanWindow
from bot.core.formatting import format_datetime
from bot.core.i18n import Translator
from storage.models import Conversation, ConversationStatus, Network, Person

log = logging.getLogger(__name__)

CURSOR = "outlook_checked_at"
CHECK_EVERY_MINUTES = 15
HORIZON_DAYS = 42  # six weeks: a conversation further out is checked as it comes closer
MAX_PER_CHECK = 100
MOVED, CANCELLED = "outlook_moved", "outlook_cancelled"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _told(conversation: Conversation, kind: str, window: PlanWindow) -> list[Due]:
    """Both parties, each once per change (the key holds the sequence the change gave)."""
    return [
        Due(
            key=f"{kind}:{conversation.id}:{conversation.sequence}:{person_id}",
            kind=kind,
            subject=f"conversation:{conversation.id}",
            due_on=window.today,
            recipient_id=person_id,
            capped=False,
            payload={"conversation_id": conversation.id},
        )
        for person_id in (conversation.employee_id, conversation.manager_id)
    ]


def _follow(session: Session, conversation: Conversation, window: PlanWindow) -> list[Due]:
    """Read the event and let the conversation follow it; the messages that tell both."""
    assert window.outlook is not None and conversation.outlook_mailbox
    assert conversation.outlook_event_id and conversation.starts_at
    event = window.outlook.get_event(conversation.outlook_mailbox, conversation.outlook_event_id)
    if event is None or event.cancelled:
        conversation.status = ConversationStatus.CANCELLED
        conversation.closed_at = window.now
        conversation.outlook_event_id = None
        kind = CANCELLED
    else:
        minutes = int((event.end - event.start).total_seconds() // 60)
        if event.start == _aware(conversation.starts_at) and minutes == (
            conversation.duration_minutes
        ):
            return []
        conversation.starts_at = event.start
        conversation.duration_minutes = max(minutes, 1)
        kind = MOVED
    conversation.sequence += 1
    conversation.revision += 1  # buttons on older messages are outdated now
    conversation.updated_at = window.now
    session.add(conversation)
    return _told(conversation, kind, window)


def outlook_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    port = window.outlook
    if port is None:
        return []
    last = window.cursors.get(CURSOR)
    if last and window.now - datetime.fromisoformat(last) < timedelta(minutes=CHECK_EVERY_MINUTES):
        return []
    window.cursors.set(CURSOR, window.now.isoformat())
    found: list[Due] = []
    checked = 0
    try:
        for conversation in _left_behind(session):
            if outlook.cancel(port, conversation, ""):
                conversation.outlook_event_id = None
                session.add(conversation)
        for conversation in _not_yet_created(session, window.now):
            _finish_create(session, conversation, port)
        for conversation in _booked_soon(session, window.now):
            checked += 1
            try:
                found.extend(_follow(session, conversation, window))
            except CalendarUnavailable as error:
                log.info("calendar: event of conversation %s not read (%s)", conversation.id, error)
    except CalendarBusy:
        log.info("calendar: throttled; the rest waits for the next check")
    log.info("calendar: %d event(s) checked, %d change(s) found", checked, len(found) // 2)
    window.memo["outlook_checked"] = checked
    return found


def _booked_soon(session: Session, moment: datetime) -> list[Conversation]:
    return list(
        session.exec(
            select(Conversation)
            .where(
                Conversation.status == ConversationStatus.BOOKED,
                col(Conversation.outlook_event_id).is_not(None),
                col(Conversation.starts_at) > moment,
                col(Conversation.starts_at) <= moment + timedelta(days=HORIZON_DAYS),
            )
            .order_by(col(Conversation.starts_at))
            .limit(MAX_PER_CHECK)
        ).all()
    )


def _not_yet_created(session: Session, moment: datetime) -> list[Conversation]:
    """Booked while Graph was throttling: the mailbox is known, the event not yet made."""
    return list(
        session.exec(
            select(Conversation)
            .where(
                Conversation.status == ConversationStatus.BOOKED,
                col(Conversation.outlook_mailbox).is_not(None),
                col(Conversation.outlook_event_id).is_(None),
                col(Conversation.starts_at) > moment,
            )
            .limit(MAX_PER_CHECK)
        ).all()
    )


def _finish_create(session: Session, conversation: Conversation, port: CalendarPort) -> None:
    """Create the event now, with the same transactionId: had the throttled request reached
    Exchange after all, Graph answers with that event instead of a second one."""
    employee = session.get(Person, conversation.employee_id)
    manager = session.get(Person, conversation.manager_id)
    network = session.get(Network, conversation.network_id) if conversation.network_id else None
    if employee is None or manager is None:
        return
    organiser = outlook.organiser_of(conversation, employee, manager)
    attendee = manager if organiser is employee else employee
    # The organiser's language as imported; the organisation's default (da) otherwise.
    text = outlook.event_text(
        Translator(organiser.language), attendee, network.name if network else None
    )
    event = outlook.create(port, conversation, organiser, attendee, text)
    if event is None:  # the mailbox may not be written after all: the `.ics` stands
        conversation.outlook_mailbox = None
    else:
        conversation.outlook_event_id = event.id
    session.add(conversation)


def _left_behind(session: Session) -> list[Conversation]:
    """Cancelled in the bot while Graph could not be reached: the event still stands."""
    return list(
        session.exec(
            select(Conversation)
            .where(
                Conversation.status == ConversationStatus.CANCELLED,
                col(Conversation.outlook_event_id).is_not(None),
            )
            .limit(MAX_PER_CHECK)
        ).all()
    )


# --- the messages, built at delivery from the conversation as it is then -------------------


def _told_about(
    ctx: BuildContext, payload: Mapping[str, Any], status: ConversationStatus
) -> tuple[Conversation, Person, str] | None:
    """The conversation, the other party and the time as the reader reads it; None when the
    conversation is no longer in `status` (a later change took over) or is gone."""
    conversation = ctx.session.get(Conversation, int(payload["conversation_id"]))
    if conversation is None or ctx.recipient is None or conversation.status != status:
        return None
    other_id = (
        conversation.manager_id
        if ctx.recipient.id == conversation.employee_id
        else conversation.employee_id
    )
    other = ctx.session.get(Person, other_id)
    if other is None or conversation.starts_at is None:
        return None
    return conversation, other, format_datetime(conversation.starts_at, ctx.language, ctx.tz)


def moved_in_outlook(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    found = _told_about(ctx, payload, ConversationStatus.BOOKED)
    if found is None:
        return None
    _conversation, other, when = found
    t = ctx.t
    return ui.Message(
        text=t("booking.outlook.moved_notification", name=other.name, when=when),
        parts=(
            ui.Heading(t("booking.confirmed.heading_moved")),
            ui.Text(t("booking.outlook.moved", name=other.name, when=when)),
        ),
    )


def cancelled_in_outlook(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    found = _told_about(ctx, payload, ConversationStatus.CANCELLED)
    if found is None:
        return None
    conversation, other, when = found
    t = ctx.t
    # The bot's own cancellation message, its text replaced: the same "book again" button.
    message = booking_messages.cancelled(t, conversation, other, other, ctx.tz, own=False)
    return ui.Message(
        text=t("booking.cancelled.notification", when=when),
        parts=(
            ui.Text(t("booking.outlook.cancelled", name=other.name, when=when)),
            *message.parts[1:],
        ),
    )
