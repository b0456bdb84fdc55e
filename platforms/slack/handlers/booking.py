"""Listeners for the conversation: `/netvaerk book`, the proposal's buttons, and the modals.
Each is ack -> one BookingFlow call -> render; the flow decides who is told what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.booking.commands import BOOK
from bot.booking.flows import BookingFlow, other_party
from bot.core import actions
from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.ui import FormErrors
from bot.core.unit_of_work import UnitOfWork
from bot.privacy.domain import NoticeMessages
from platforms.slack.actor import SlackActor, mentioned_user
from platforms.slack.blocks import form_errors, read_form, render_form
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import on_click, on_submit, open_form, origin_of, value_of
from platforms.slack.home import refresh_conversation


def _flow(deps: Deps, client: WebClient) -> BookingFlow:
    notifier = NoticeMessages(SlackChat(client), deps.db, deps.language_of)
    return BookingFlow(deps, notifier)


def _ids(body: dict[str, Any]) -> list[int]:
    return [int(part) for part in value_of(body).split(":")]


def acknowledge(request: CommandRequest) -> None:
    request.ack()


def book(request: CommandRequest) -> None:
    me = request.actor.require_person()
    other = None
    if request.args:
        other = other_party(request.uow, request.actor, mentioned_user(request.args), request.args)
    standing = request.actor.standing if isinstance(request.actor, SlackActor) else None
    form = _flow(request.deps, request.client).booking_form(me, other, standing=standing)
    request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))


# Answered at once, the modal opened right after (well inside the trigger_id's 3 seconds):
# answering only after views.open put the Web API's own latency and pauses into the ack, the
# largest part of its tail under load (bench/ack.py).
ROUTES = (Route(BOOK, acknowledge, book),)


# --- buttons: acknowledged at once, the work runs after the response ------------------------


def open_booking(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    value = value_of(body)
    employee_id = int(value) if value.isdigit() else None
    form = _flow(deps, client).booking_form(actor.require_person(), employee_id=employee_id)
    open_form(client, body, render_form(form))


def accept(
    body: dict[str, Any], client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    flow = _flow(deps, client)
    changed = flow.accept_proposal(actor.require_person(), _ids(body), origin_of(body))
    refresh_conversation(deps, uow, client, changed)


def counter(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    conversation_id, revision = _ids(body)
    flow = _flow(deps, client)
    form = flow.counter_form(actor.require_person(), conversation_id, revision, origin_of(body))
    open_form(client, body, render_form(form))


def decline(
    body: dict[str, Any], client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    flow = _flow(deps, client)
    changed = flow.decline_proposal(actor.require_person(), _ids(body), origin_of(body))
    refresh_conversation(deps, uow, client, changed)


def reschedule(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    form = _flow(deps, client).reschedule_form(actor.require_person(), int(value_of(body)))
    open_form(client, body, render_form(form))


def cancel(
    body: dict[str, Any], client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    flow = _flow(deps, client)
    changed = flow.cancel_conversation(actor.require_person(), int(value_of(body)))
    refresh_conversation(deps, uow, client, changed)


def open_agreement(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    form = _flow(deps, client).agreement_form(actor.require_person(), int(value_of(body)))
    open_form(client, body, render_form(form))


# --- forms: validated and stored before the ack, the parties told after ---------------------

Submit = Callable[[BookingFlow, Any, str, dict[str, str | None]], tuple[FormErrors, int | None]]
Tell = Callable[[BookingFlow, Any, int, str], None]


def storing(submit: Submit) -> Callable[..., None]:
    """The ack phase: problems go back inline; what was stored is left in the context."""

    def store(
        ack: Ack,
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        deps: Deps,
        actor: Actor,
    ) -> None:
        flow = _flow(deps, client)
        errors, conversation_id = submit(
            flow, actor.require_person(), view["private_metadata"], read_form(view)
        )
        if errors:
            ack(**form_errors(errors))
            return
        if conversation_id is not None:
            context["conversation_id"] = conversation_id
        ack()

    return store


def telling(tell: Tell) -> Callable[..., None]:
    """The lazy phase: the flow tells both parties, then their App Home is refreshed."""

    def notify(
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        deps: Deps,
        uow: UnitOfWork,
        actor: Actor,
    ) -> None:
        if "conversation_id" not in context:
            return
        conversation_id = int(context["conversation_id"])
        tell(_flow(deps, client), actor.require_person(), conversation_id, view["private_metadata"])
        refresh_conversation(deps, uow, client, conversation_id)

    return notify


def register(app: App) -> None:
    for action_id, work in (
        (actions.BOOKING_OPEN, open_booking),
        (actions.BOOKING_ACCEPT, accept),
        (actions.BOOKING_COUNTER, counter),
        (actions.BOOKING_DECLINE, decline),
        (actions.BOOKING_RESCHEDULE, reschedule),
        (actions.BOOKING_CANCEL, cancel),
        (actions.AGREEMENT_OPEN, open_agreement),
    ):
        on_click(app, action_id, work)
    for callback, field, submit, tell in (
        (actions.BOOKING_FORM, "pair", BookingFlow.submit_booking, BookingFlow.tell_booking),
        (actions.COUNTER_FORM, "date1", BookingFlow.submit_counter, BookingFlow.tell_counter),
        (
            actions.RESCHEDULE_FORM,
            "date1",
            BookingFlow.submit_reschedule,
            BookingFlow.tell_reschedule,
        ),
        (actions.AGREEMENT_FORM, "hours", BookingFlow.submit_agreement, BookingFlow.tell_agreement),
    ):
        on_submit(app, callback, field, storing(submit), telling(tell))
