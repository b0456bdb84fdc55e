"""Booking in Teams: `book`, the proposal's buttons and the dialogs — the Teams twin of
platforms/slack/handlers/booking.py, each one call into BookingFlow.

A message cannot open a dialog in Teams (only a button can), so `book` answers with a card whose
button opens the booking dialog (support.form_offer). The flow tells the other party through
the chat port (`TeamsChat`), and replaces the proposal clicked once it is answered, as on Slack.
App Home has no Teams twin, so nothing is refreshed after a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.booking.commands import BOOK
from bot.booking.flows import BookingFlow, other_party
from bot.core import actions, ui
from bot.core.ui import FormErrors
from bot.privacy.domain import NoticeMessages
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command, on_dialog, on_submit
from platforms.teams.handlers.support import chat_of, form_offer, mentioned


def _flow(request: TeamsRequest) -> BookingFlow:
    notifier = NoticeMessages(chat_of(request), request.deps.db, request.deps.language_of)
    return BookingFlow(request.deps, notifier)


def _ids(request: TeamsRequest) -> list[int]:
    return [int(part) for part in request.value.split(":")]


def book(request: TeamsRequest) -> ui.Message:
    """A card whose button opens the booking dialog (for the person named, if one was:
    `@Netværksbot book @Anne` in a channel). The form is built first, so a refusal (nobody to
    book with, someone unknown) is told at once, as on Slack."""
    me = request.actor.require_person()
    user_id, args = mentioned(request)
    other = other_party(request.uow, request.actor, user_id, args) if args else None
    form = _flow(request).booking_form(me, other, standing=request.actor.standing)
    value = str(other.id) if other is not None and other.id is not None else ""
    return form_offer(request.actor.t, form, actions.BOOKING_OPEN, value)


# --- buttons ---------------------------------------------------------------------------------


def open_booking(request: TeamsRequest) -> ui.Form:
    value = request.value
    employee_id = int(value) if value.isdigit() else None
    me = request.actor.require_person()  # looks up their standing too
    return _flow(request).booking_form(me, employee_id=employee_id, standing=request.actor.standing)


def accept(request: TeamsRequest) -> None:
    _flow(request).accept_proposal(request.actor.require_person(), _ids(request), request.origin)


def decline(request: TeamsRequest) -> None:
    _flow(request).decline_proposal(request.actor.require_person(), _ids(request), request.origin)


def counter(request: TeamsRequest) -> ui.Form:
    conversation_id, revision = _ids(request)
    me = request.actor.require_person()
    return _flow(request).counter_form(me, conversation_id, revision, request.origin)


def reschedule(request: TeamsRequest) -> ui.Form:
    me = request.actor.require_person()
    return _flow(request).reschedule_form(me, int(request.value))


def cancel(request: TeamsRequest) -> None:
    _flow(request).cancel_conversation(request.actor.require_person(), int(request.value))


def open_agreement(request: TeamsRequest) -> ui.Form:
    me = request.actor.require_person()
    return _flow(request).agreement_form(me, int(request.value))


# --- dialogs: checked and stored before the answer, the parties told after ------------------

Submit = Callable[[BookingFlow, Any, str, dict[str, str | None]], tuple[FormErrors, int | None]]
Tell = Callable[[BookingFlow, Any, int, str], None]


def storing(submit: Submit) -> Callable[[TeamsRequest, str, dict[str, str | None]], Any]:
    """The problems, or (conversation, metadata) for `telling`; None when nothing changed."""

    def store(request: TeamsRequest, metadata: str, values: dict[str, str | None]) -> Any:
        me = request.actor.require_person()
        errors, conversation_id = submit(_flow(request), me, metadata, values)
        if errors:
            return errors
        return None if conversation_id is None else (conversation_id, metadata)

    return store


def telling(tell: Tell) -> Callable[[TeamsRequest, Any], None]:
    def notify(request: TeamsRequest, stored: tuple[int, str]) -> None:
        conversation_id, metadata = stored
        tell(_flow(request), request.actor.require_person(), conversation_id, metadata)

    return notify


def register(router: Router) -> None:
    on_command(router, BOOK.slug, book)
    for action_id, open_ in (
        (actions.BOOKING_OPEN, open_booking),
        (actions.BOOKING_COUNTER, counter),
        (actions.BOOKING_RESCHEDULE, reschedule),
        (actions.AGREEMENT_OPEN, open_agreement),
    ):
        on_dialog(router, action_id, open_)
    for action_id, work in (
        (actions.BOOKING_ACCEPT, accept),
        (actions.BOOKING_DECLINE, decline),
        (actions.BOOKING_CANCEL, cancel),
    ):
        on_click(router, action_id, work)
    for callback, submit, tell in (
        (actions.BOOKING_FORM, BookingFlow.submit_booking, BookingFlow.tell_booking),
        (actions.COUNTER_FORM, BookingFlow.submit_counter, BookingFlow.tell_counter),
        (actions.RESCHEDULE_FORM, BookingFlow.submit_reschedule, BookingFlow.tell_reschedule),
        (actions.AGREEMENT_FORM, BookingFlow.submit_agreement, BookingFlow.tell_agreement),
    ):
        on_submit(router, callback, storing(submit), telling(tell))
