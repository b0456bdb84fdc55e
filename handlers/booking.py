"""Listeners for the conversation: `/netvaerk book`, the proposal's buttons, and the modals."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlmodel import select

from bot import actions
from bot.adapters.slack_blocks import action_pattern, form_errors, read_form, render_form
from bot.adapters.slack_chat import SlackChat
from bot.adapters.slack_notifier import SlackNotifier
from bot.deps import Deps
from bot.i18n import Translator
from bot.services.booking import Refusal
from bot.services.booking_flow import BookingFlow
from bot.services.booking_messages import answered
from handlers.actor import Actor, resolve_actor
from handlers.command import CommandRequest, router
from storage.models import Person

_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")


def _flow(deps: Deps, client: WebClient) -> BookingFlow:
    return BookingFlow(deps, SlackNotifier(SlackChat(client)))


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
        request.ack()
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

    @app.action(action_pattern(actions.BOOKING_OPEN))
    def open_booking(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor, flow = _action_context(body, client)
        me = _known(actor, respond)
        if me is None:
            return
        value = _value(body)
        try:
            form = flow.booking_form(me, employee_id=int(value) if value.isdigit() else None)
        except Refusal as refusal:
            _refuse(flow, actor, respond, refusal)
            return
        _open(client, body, form)

    @app.action(action_pattern(actions.BOOKING_ACCEPT))
    def accept(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor, flow = _action_context(body, client)
        me = _known(actor, respond)
        if me is None:
            return
        conversation_id, revision, index = _ids(_value(body))
        try:
            outcome = flow.accept(me, conversation_id, revision, index)
        except Refusal as refusal:
            _refuse(flow, actor, respond, refusal)
            return
        text = flow.answered_text(me, "booking.answered.accepted", outcome.conversation)
        origin = _origin(body)
        if origin:
            flow.notifier.replace(origin["channel"], origin["ts"], answered(text))
        if outcome.changed:
            flow.notify_booked(outcome.conversation)

    @app.action(action_pattern(actions.BOOKING_COUNTER))
    def counter(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor, flow = _action_context(body, client)
        me = _known(actor, respond)
        if me is None:
            return
        conversation_id, revision = _ids(_value(body))
        try:
            form = flow.counter_form(me, conversation_id, revision, _origin(body))
        except Refusal as refusal:
            _refuse(flow, actor, respond, refusal)
            return
        _open(client, body, form)

    @app.action(action_pattern(actions.BOOKING_DECLINE))
    def decline(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor, flow = _action_context(body, client)
        me = _known(actor, respond)
        if me is None:
            return
        conversation_id, revision = _ids(_value(body))
        try:
            outcome = flow.decline(me, conversation_id, revision)
        except Refusal as refusal:
            _refuse(flow, actor, respond, refusal)
            return
        origin = _origin(body)
        if origin:
            text = flow.answered_text(me, "booking.answered.declined", outcome.conversation)
            flow.notifier.replace(origin["channel"], origin["ts"], answered(text))
        if outcome.changed:
            flow.notify_declined(outcome.conversation, me)

    @app.action(action_pattern(actions.BOOKING_RESCHEDULE))
    def reschedule(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor, flow = _action_context(body, client)
        me = _known(actor, respond)
        if me is None:
            return
        try:
            form = flow.reschedule_form(me, int(_value(body)))
        except Refusal as refusal:
            _refuse(flow, actor, respond, refusal)
            return
        _open(client, body, form)

    @app.action(action_pattern(actions.BOOKING_CANCEL))
    def cancel(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor, flow = _action_context(body, client)
        me = _known(actor, respond)
        if me is None:
            return
        try:
            outcome = flow.cancel(me, int(_value(body)))
        except Refusal as refusal:
            _refuse(flow, actor, respond, refusal)
            return
        if outcome.changed:
            flow.notify_cancelled(outcome.conversation, me)

    @app.action(action_pattern(actions.AGREEMENT_OPEN))
    def open_agreement(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor, flow = _action_context(body, client)
        me = _known(actor, respond)
        if me is None:
            return
        try:
            form = flow.agreement_form(me, int(_value(body)))
        except Refusal as refusal:
            _refuse(flow, actor, respond, refusal)
            return
        _open(client, body, form)

    # --- modal submissions: validate and store before the ack, tell people after ----------

    def _submitter(
        body: dict[str, Any], client: WebClient
    ) -> tuple[Actor, BookingFlow, Person | None]:
        actor, flow = _action_context(body, client)
        return actor, flow, actor.person

    def _refused(
        ack: Ack, t: Translator, field: str, refusal: Refusal, flow: BookingFlow, actor: Actor
    ) -> None:
        ack(
            response_action="errors",
            errors={field: flow.refusal_text(refusal, actor.person, t.language)},
        )

    @app.view(actions.BOOKING_FORM)
    def submit_booking(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        actor, flow, me = _submitter(body, client)
        if me is None:
            ack(response_action="errors", errors={"pair": actor.t("error.not_in_data")})
            return
        errors, conversation = flow.submit_booking(me, read_form(view))
        if errors or conversation is None:
            ack(**form_errors(errors))
            return
        ack()
        flow.notify_proposal(conversation)

    @app.view(actions.COUNTER_FORM)
    def submit_counter(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        actor, flow, me = _submitter(body, client)
        if me is None:
            ack(response_action="errors", errors={"date1": actor.t("error.not_in_data")})
            return
        try:
            errors, conversation = flow.submit_counter(
                me, view["private_metadata"], read_form(view)
            )
        except Refusal as refusal:
            _refused(ack, actor.t, "date1", refusal, flow, actor)
            return
        if errors or conversation is None:
            ack(**form_errors(errors))
            return
        ack()
        origin = json.loads(view["private_metadata"]).get("origin")
        if origin:
            text = flow.answered_text(me, "booking.answered.countered", conversation)
            flow.notifier.replace(origin["channel"], origin["ts"], answered(text))
        flow.notify_proposal(conversation)

    @app.view(actions.RESCHEDULE_FORM)
    def submit_reschedule(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        actor, flow, me = _submitter(body, client)
        if me is None:
            ack(response_action="errors", errors={"date1": actor.t("error.not_in_data")})
            return
        try:
            errors, outcome = flow.submit_reschedule(me, view["private_metadata"], read_form(view))
        except Refusal as refusal:
            _refused(ack, actor.t, "date1", refusal, flow, actor)
            return
        if errors or outcome is None:
            ack(**form_errors(errors))
            return
        ack()
        if outcome.changed:
            flow.notify_booked(outcome.conversation, moved=True)

    @app.view(actions.AGREEMENT_FORM)
    def submit_agreement(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        actor, flow, me = _submitter(body, client)
        if me is None:
            ack(response_action="errors", errors={"hours": actor.t("error.not_in_data")})
            return
        try:
            errors, conversation_id = flow.submit_agreement(
                me, view["private_metadata"], read_form(view)
            )
        except Refusal as refusal:
            _refused(ack, actor.t, "hours", refusal, flow, actor)
            return
        if errors or conversation_id is None:
            ack(**form_errors(errors))
            return
        ack()
        flow.notify_agreement(conversation_id, me)
