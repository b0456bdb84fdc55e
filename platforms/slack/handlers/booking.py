"""Listeners for the conversation: `/netvaerk book`, the proposal's buttons, and the modals."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import select

from bot.booking.domain import Refusal
from bot.booking.flows import BookingFlow
from bot.booking.messages import answered
from bot.core import actions
from bot.core.deps import Deps
from bot.core.ui import FormErrors
from bot.privacy.domain import NoticeNotifier
from platforms.slack.blocks import action_pattern, form_errors, read_form, render_form
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.actor import Actor, resolve_actor
from platforms.slack.handlers.command import CommandRequest, router
from platforms.slack.handlers.home import refresh_conversation
from platforms.slack.handlers.listeners import guarded, just_ack
from platforms.slack.notifier import SlackNotifier
from storage.models import Conversation, Person

_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")


def _flow(deps: Deps, client: WebClient) -> BookingFlow:
    notifier = NoticeNotifier(SlackNotifier(SlackChat(client)), deps.db.session, deps.language_of)
    return BookingFlow(deps, notifier)


def _ephemeral(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _person_for_mention(deps: Deps, text: str) -> Person | None:
    match = _MENTION.match(text.split()[0]) if text.split() else None
    if not match:
        return None
    with deps.db.session() as session:
        return session.exec(select(Person).where(Person.slack_id == match.group(1))).first()


def _known(actor: Actor, respond: Respond) -> Person | None:
    if actor.person is None:
        _ephemeral(respond, actor.t("error.not_in_data"))
    return actor.person


def _refuse(flow: BookingFlow, actor: Actor, respond: Respond, refusal: Refusal) -> None:
    _ephemeral(respond, flow.refusal_text(refusal, actor.person, actor.language))


def _ids(value: str) -> list[int]:
    return [int(part) for part in value.split(":")]


def register(app: App, deps: Deps) -> None:
    def book(request: CommandRequest) -> None:
        request.ack()  # sent when this returns, right after the modal is opened
        actor = request.actor
        me = _known(actor, request.respond)
        if me is None:
            return
        other = None
        if request.args:
            other = _person_for_mention(deps, request.args)
            if other is None:
                who = request.args.split()[0][:40]
                _ephemeral(request.respond, actor.t("booking.refusal.unknown_person", who=who))
                return
        flow = _flow(deps, request.client)
        try:
            form = flow.booking_form(me, other)
        except Refusal as refusal:
            _refuse(flow, actor, request.respond, refusal)
            return
        request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))

    # Opened before the answer is sent: measured faster than a lazy hand-off (bench/ack.py),
    # and well inside the trigger_id's 3 seconds.
    router.add(("book", "booking", "samtale"), "help.book", book)

    def _action_context(body: dict[str, Any], client: WebClient) -> tuple[Actor, BookingFlow]:
        return resolve_actor(deps, client, body["user"]["id"]), _flow(deps, client)

    def _value(body: dict[str, Any]) -> str:
        return str(body["actions"][0].get("value", ""))

    def _origin(body: dict[str, Any]) -> dict[str, str] | None:
        container = body.get("container", {})
        if container.get("channel_id") and container.get("message_ts"):
            return {"channel": container["channel_id"], "ts": container["message_ts"]}
        return None

    def _open(client: WebClient, body: dict[str, Any], form: Any) -> None:
        client.views_open(trigger_id=body["trigger_id"], view=render_form(form))

    Click = Callable[[BookingFlow, Person, dict[str, Any], WebClient], None]

    def clicked(work: Click) -> Callable[..., None]:
        """A button's work, after the ack: only for people in the data; a refusal is told to
        the one who clicked, politely, in their language."""

        def run(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
            actor, flow = _action_context(body, client)
            me = _known(actor, respond)
            if me is None:
                return
            try:
                work(flow, me, body, client)
            except Refusal as refusal:
                _refuse(flow, actor, respond, refusal)

        return run

    def _replace_origin(flow: BookingFlow, body: dict[str, Any], text: str) -> None:
        origin = _origin(body)
        if origin:
            flow.notifier.replace(origin["channel"], origin["ts"], answered(text))

    def open_booking(
        flow: BookingFlow, me: Person, body: dict[str, Any], client: WebClient
    ) -> None:
        value = _value(body)
        employee_id = int(value) if value.isdigit() else None
        _open(client, body, flow.booking_form(me, employee_id=employee_id))

    def accept(flow: BookingFlow, me: Person, body: dict[str, Any], client: WebClient) -> None:
        conversation_id, revision, index = _ids(_value(body))
        outcome = flow.accept(me, conversation_id, revision, index)
        text = flow.answered_text(me, "booking.answered.accepted", outcome.conversation)
        _replace_origin(flow, body, text)
        if outcome.changed:
            flow.notify_booked(outcome.conversation)
            refresh_conversation(deps, client, outcome.conversation.id)

    def counter(flow: BookingFlow, me: Person, body: dict[str, Any], client: WebClient) -> None:
        conversation_id, revision = _ids(_value(body))
        _open(client, body, flow.counter_form(me, conversation_id, revision, _origin(body)))

    def decline(flow: BookingFlow, me: Person, body: dict[str, Any], client: WebClient) -> None:
        conversation_id, revision = _ids(_value(body))
        outcome = flow.decline(me, conversation_id, revision)
        text = flow.answered_text(me, "booking.answered.declined", outcome.conversation)
        _replace_origin(flow, body, text)
        if outcome.changed:
            flow.notify_declined(outcome.conversation, me)
            refresh_conversation(deps, client, outcome.conversation.id)

    def reschedule(flow: BookingFlow, me: Person, body: dict[str, Any], client: WebClient) -> None:
        _open(client, body, flow.reschedule_form(me, int(_value(body))))

    def cancel(flow: BookingFlow, me: Person, body: dict[str, Any], client: WebClient) -> None:
        outcome = flow.cancel(me, int(_value(body)))
        if outcome.changed:
            flow.notify_cancelled(outcome.conversation, me)
            refresh_conversation(deps, client, outcome.conversation.id)

    def open_agreement(
        flow: BookingFlow, me: Person, body: dict[str, Any], client: WebClient
    ) -> None:
        _open(client, body, flow.agreement_form(me, int(_value(body))))

    # Buttons: acknowledged at once; the work runs after the response (Bolt lazy listeners),
    # so Slack's 3-second limit never depends on how fast Slack answers our own calls.
    for action, work in (
        (actions.BOOKING_OPEN, open_booking),
        (actions.BOOKING_ACCEPT, accept),
        (actions.BOOKING_COUNTER, counter),
        (actions.BOOKING_DECLINE, decline),
        (actions.BOOKING_RESCHEDULE, reschedule),
        (actions.BOOKING_CANCEL, cancel),
        (actions.AGREEMENT_OPEN, open_agreement),
    ):
        app.action(action_pattern(action))(ack=just_ack, lazy=[guarded(deps, clicked(work))])

    # --- modal submissions: validate and store before the ack, tell people after ----------
    # The ack phase answers Slack (inline errors, or close); it leaves what it stored in the
    # context, and the lazy phase tells the people concerned.

    Submit = Callable[
        [BookingFlow, Person, str, dict[str, str | None]], tuple[FormErrors, int | None]
    ]

    def storing(field: str, submit: Submit) -> Callable[..., None]:
        """The ack phase of a form: problems go back inline next to `field` or their own
        field; what was stored is left in the context for the lazy phase."""

        def store(
            ack: Ack,
            body: dict[str, Any],
            view: dict[str, Any],
            client: WebClient,
            context: BoltContext,
        ) -> None:
            actor, flow = _action_context(body, client)
            if actor.person is None:
                ack(response_action="errors", errors={field: actor.t("error.not_in_data")})
                return
            try:
                errors, conversation_id = submit(
                    flow, actor.person, view["private_metadata"], read_form(view)
                )
            except Refusal as refusal:
                text = flow.refusal_text(refusal, actor.person, actor.language)
                ack(response_action="errors", errors={field: text})
                return
            if errors:
                ack(**form_errors(errors))
                return
            if conversation_id is not None:
                context["conversation_id"] = conversation_id
            ack()

        return store

    def notify_booking(
        flow: BookingFlow, _me: Person, conversation: Conversation, _view: Any
    ) -> None:
        flow.notify_proposal(conversation)

    def notify_counter(
        flow: BookingFlow, me: Person, conversation: Conversation, view: Any
    ) -> None:
        origin = json.loads(view["private_metadata"]).get("origin")
        if origin:
            text = flow.answered_text(me, "booking.answered.countered", conversation)
            flow.notifier.replace(origin["channel"], origin["ts"], answered(text))
        flow.notify_proposal(conversation)

    def notify_reschedule(
        flow: BookingFlow, _me: Person, conversation: Conversation, _view: Any
    ) -> None:
        flow.notify_booked(conversation, moved=True)

    def notify_agreement(
        flow: BookingFlow, me: Person, conversation: Conversation, _view: Any
    ) -> None:
        flow.notify_agreement(conversation.id or 0, me)

    def telling(
        tell: Callable[[BookingFlow, Person, Conversation, Any], None],
    ) -> Callable[..., None]:
        """The lazy phase of a form: tell both parties, then refresh their App Home."""

        def notify(
            body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
        ) -> None:
            if "conversation_id" not in context:
                return
            actor, flow = _action_context(body, client)
            assert actor.person is not None
            tell(flow, actor.person, flow.conversation(context["conversation_id"]), view)
            refresh_conversation(deps, client, context["conversation_id"])

        return notify

    for callback, field, submit, tell in (
        (actions.BOOKING_FORM, "pair", BookingFlow.submit_booking, notify_booking),
        (actions.COUNTER_FORM, "date1", BookingFlow.submit_counter, notify_counter),
        (actions.RESCHEDULE_FORM, "date1", BookingFlow.submit_reschedule, notify_reschedule),
        (actions.AGREEMENT_FORM, "hours", BookingFlow.submit_agreement, notify_agreement),
    ):
        app.view(callback)(ack=storing(field, submit), lazy=[guarded(deps, telling(tell))])
