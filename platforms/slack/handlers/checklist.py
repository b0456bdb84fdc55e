"""Listeners for the checklist: `/netvaerk tjekliste`, `talent`, `netværk`, the round's buttons,
the next steps' buttons and their modals. Thin: ack, find who acts, call ChecklistFlow, render."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.checklist import commands, puls_notes, recommend, talent
from bot.checklist import domain as checklist
from bot.checklist.flows import ChecklistFlow
from bot.checklist.messages import NOTE_FIELD
from bot.checklist.my_employees import EMPLOYEE_FIELD
from bot.core import actions, ui
from bot.core.actor import Actor
from bot.core.chat import DirectMessages
from bot.core.deps import Deps
from bot.core.refusal import Refusal
from platforms.slack.actor import slack_actor as resolve_actor
from platforms.slack.blocks import (
    action_pattern,
    form_errors,
    read_form,
    render_form,
    render_message,
)
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import guarded, just_ack
from platforms.slack.identity import person_by_slack_id
from storage.models import Person

_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")


def _flow(deps: Deps, client: WebClient) -> ChecklistFlow:
    return ChecklistFlow(deps, DirectMessages(SlackChat(client), deps.db))


def _say(respond: Respond, message: ui.Message | str) -> None:
    shown = message if isinstance(message, ui.Message) else ui.Message(message)
    respond(**render_message(shown), response_type="ephemeral", replace_original=False)


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value", ""))


def _ints(value: str) -> list[int]:
    return [int(part) for part in value.split(":") if part.isdigit()]


def _origin(body: dict[str, Any]) -> dict[str, str] | None:
    container = body.get("container", {})
    if container.get("channel_id") and container.get("message_ts"):
        return {"channel": container["channel_id"], "ts": container["message_ts"]}
    return None


ROUTES: list[Route] = []


def register(app: App, deps: Deps) -> None:
    ROUTES.clear()
    # --- sub-commands ---------------------------------------------------------------------------

    def tjekliste(request: CommandRequest) -> None:
        actor = request.actor
        if actor.person is None:
            request.ack(text=actor.t("error.not_in_data"), response_type="ephemeral")
            return
        with deps.db.session() as session:
            allowed = checklist.is_personnel_leader(session, actor.person.id or 0)
        key = "checklist.round.started_ephemeral" if allowed else "checklist.refusal.not_manager"
        request.ack(text=actor.t(key), response_type="ephemeral")

    def tjekliste_later(request: CommandRequest) -> None:
        person = request.actor.person
        if person is None:
            return
        try:
            _flow(deps, request.client).start(person, "command")
        except Refusal:
            return  # already answered in the ack

    ROUTES.append(Route(commands.CHECKLIST, tjekliste, tjekliste_later))

    def _mentioned(text: str) -> Person | None:
        match = _MENTION.match(text.split()[0]) if text.split() else None
        if not match:
            return None
        with deps.db.session() as session:
            return person_by_slack_id(session, match.group(1), active_only=False)

    def talent_command(request: CommandRequest) -> None:
        actor = request.actor
        if actor.person is None:
            request.ack(text=actor.t("error.not_in_data"), response_type="ephemeral")
            return
        flow = _flow(deps, request.client)
        if not request.args:
            request.ack()
            try:
                form = flow.talent_form(actor.person)
            except Refusal as refusal:
                request.respond(text=actor.t(refusal.key), response_type="ephemeral")
                return
            request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))
            return
        employee = _mentioned(request.args)
        if employee is None or not employee.active:
            who = request.args.split()[0][:40]
            text = actor.t("checklist.talent.unknown_person", who=who) + "\n"
            request.ack(text=text + actor.t("checklist.talent.usage"), response_type="ephemeral")
            return
        note = request.args.partition(" ")[2].strip() or None
        try:
            flow.nominate(actor.person, employee, note, tell=False)
        except Refusal as refusal:
            request.ack(text=actor.t(refusal.key), response_type="ephemeral")
            return
        request.ack(
            text=actor.t("checklist.talent.done", name=employee.name), response_type="ephemeral"
        )

    ROUTES.append(Route(commands.TALENT, talent_command))

    def networks_command(request: CommandRequest) -> None:
        actor = request.actor
        text = _flow(deps, request.client).networks_text(actor.person, actor.language)
        request.ack(text=text, response_type="ephemeral")

    ROUTES.append(Route(commands.NETWORKS, networks_command))

    # --- buttons: acknowledged at once, the work runs after the response ------------------------

    Work = Callable[[Actor, Person, ChecklistFlow, dict[str, Any], WebClient, Respond], None]

    def button(work: Work) -> Callable[..., None]:
        def run(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
            actor = resolve_actor(deps, client, body["user"]["id"])
            if actor.person is None:
                _say(respond, actor.t("error.not_in_data"))
                return
            flow = _flow(deps, client)
            try:
                work(actor, actor.person, flow, body, client, respond)
            except Refusal as refusal:
                _say(respond, actor.t(refusal.key, **refusal.values))

        run.__name__ = work.__name__
        return run

    def _show(flow: ChecklistFlow, me: Person, body: dict[str, Any], message: ui.Message) -> None:
        """In place of the message clicked, or as a new DM when clicked elsewhere (App Home)."""
        origin = _origin(body)
        if origin is not None:
            flow.notifier.replace(origin["channel"], origin["ts"], message)
        else:
            flow.notifier.send(me, message)

    def _open(client: WebClient, body: dict[str, Any], form: ui.Form) -> None:
        client.views_open(trigger_id=body["trigger_id"], view=render_form(form))

    def start(actor: Actor, me: Person, flow: ChecklistFlow, body: dict[str, Any], *_: Any) -> None:
        flow.start(me, _value(body) or "command")

    def resume(
        actor: Actor, me: Person, flow: ChecklistFlow, body: dict[str, Any], *_: Any
    ) -> None:
        (round_id,) = _ints(_value(body))[:1] or [0]
        _show(flow, me, body, flow.resume(me, round_id))

    def answer(
        actor: Actor, me: Person, flow: ChecklistFlow, body: dict[str, Any], *_: Any
    ) -> None:
        parts = _value(body).split(":")
        message = flow.answer(me, int(parts[0]), int(parts[1]), parts[2])
        _show(flow, me, body, message)

    def goto(actor: Actor, me: Person, flow: ChecklistFlow, body: dict[str, Any], *_: Any) -> None:
        round_id, point = _ints(_value(body))
        _show(flow, me, body, flow.goto(me, round_id, point))

    def pause(actor: Actor, me: Person, flow: ChecklistFlow, body: dict[str, Any], *_: Any) -> None:
        round_id = _ints(_value(body))[0]
        _show(flow, me, body, flow.pause(me, round_id))

    def note(
        actor: Actor,
        me: Person,
        flow: ChecklistFlow,
        body: dict[str, Any],
        client: WebClient,
        _r: Any,
    ) -> None:
        round_id, point = _ints(_value(body))
        _open(client, body, flow.note_form(me, round_id, point, _origin(body)))

    def opening(form: Callable[[ChecklistFlow, Person], ui.Form]) -> Work:
        """A next-step button that opens its form for the person who clicked."""

        def work(
            actor: Actor,
            me: Person,
            flow: ChecklistFlow,
            body: dict[str, Any],
            client: WebClient,
            _r: Any,
        ) -> None:
            _open(client, body, form(flow, me))

        work.__name__ = f"open_{form.__name__}"
        return work

    def puls_open(
        actor: Actor,
        me: Person,
        flow: ChecklistFlow,
        body: dict[str, Any],
        client: WebClient,
        _r: Any,
    ) -> None:
        ids = _ints(_value(body))
        round_id, point = (ids[0], ids[1]) if len(ids) == 2 else (None, None)
        _open(client, body, flow.puls_form(me, round_id, point))

    def interest(actor: Actor, me: Person, flow: ChecklistFlow, *_: Any) -> None:
        flow.notifier.send(me, flow.interest_now(me))

    def _answer_recommendation(kind: str, yes: bool) -> Work:
        def work(
            actor: Actor, me: Person, flow: ChecklistFlow, body: dict[str, Any], *_: Any
        ) -> None:
            message = flow.answer_recommendation(me, _ints(_value(body))[0], kind, yes)
            _show(flow, me, body, message)

        work.__name__ = f"{kind}_{'yes' if yes else 'no'}"
        return work

    def add_member(
        actor: Actor, me: Person, flow: ChecklistFlow, body: dict[str, Any], *_: Any
    ) -> None:
        _show(flow, me, body, flow.add_member(me, _ints(_value(body))[0]))

    for action, work in (
        (actions.CHECKLIST_START, start),
        (actions.CHECKLIST_RESUME, resume),
        (actions.CHECKLIST_ANSWER, answer),
        (actions.CHECKLIST_GOTO, goto),
        (actions.CHECKLIST_PAUSE, pause),
        (actions.CHECKLIST_NOTE, note),
        (actions.CHECKLIST_TALENT, opening(ChecklistFlow.talent_form)),
        (actions.CHECKLIST_RECOMMEND, opening(ChecklistFlow.recommend_form)),
        (actions.CHECKLIST_PRESENT, opening(ChecklistFlow.present_form)),
        (actions.CHECKLIST_RECOGNISE, opening(ChecklistFlow.recognise_form)),
        (actions.CHECKLIST_PULS, puls_open),
        (actions.CHECKLIST_INTEREST, interest),
        (actions.RECOMMEND_YES, _answer_recommendation(recommend.NETWORK, True)),
        (actions.RECOMMEND_NO, _answer_recommendation(recommend.NETWORK, False)),
        (actions.RECOMMEND_ADD, add_member),
        (actions.PRESENT_YES, _answer_recommendation(recommend.PRESENT, True)),
        (actions.PRESENT_NO, _answer_recommendation(recommend.PRESENT, False)),
    ):
        app.action(action_pattern(action))(ack=just_ack, lazy=[guarded(button(work))])

    # --- modals: validate and store before the ack, tell people after ---------------------------

    Store = Callable[[Person, ChecklistFlow, dict[str, Any], dict[str, str | None]], Any]

    def submission(field: str, store: Store) -> Callable[..., None]:
        """An ack function: errors inline, else store and remember the outcome for the lazy part."""

        def run(
            ack: Ack,
            body: dict[str, Any],
            view: dict[str, Any],
            client: WebClient,
            context: BoltContext,
        ) -> None:
            actor = resolve_actor(deps, client, body["user"]["id"])
            if actor.person is None:
                ack(response_action="errors", errors={field: actor.t("error.not_in_data")})
                return
            try:
                outcome = store(actor.person, _flow(deps, client), view, read_form(view))
            except Refusal as refusal:
                ack(
                    response_action="errors", errors={field: actor.t(refusal.key, **refusal.values)}
                )
                return
            if isinstance(outcome, ui.FormErrors):
                ack(**form_errors(outcome))
                return
            context["checklist_outcome"] = outcome
            ack()

        return run

    Notify = Callable[[Person, ChecklistFlow, Any], None]

    def after(notify: Notify) -> Callable[..., None]:
        def run(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
            if "checklist_outcome" not in context:
                return
            actor = resolve_actor(deps, client, body["user"]["id"])
            if actor.person is not None:
                notify(actor.person, _flow(deps, client), context["checklist_outcome"])

        run.__name__ = notify.__name__
        return run

    def _confirm(me: Person, flow: ChecklistFlow, text: str) -> None:
        flow.notifier.send(me, ui.Message(text))

    # The note ("Hvad vil du gøre?")
    def store_note(me: Person, flow: ChecklistFlow, view: dict[str, Any], values: Any) -> Any:
        message, origin = flow.submit_note(me, view["private_metadata"], values.get(NOTE_FIELD))
        return {"message": message, "origin": origin}

    def notify_note(me: Person, flow: ChecklistFlow, outcome: Any) -> None:
        origin = outcome.get("origin")
        if origin:
            flow.notifier.replace(origin["channel"], origin["ts"], outcome["message"])

    # Point 1: talent
    def store_talent(me: Person, flow: ChecklistFlow, view: dict[str, Any], values: Any) -> Any:
        employee_id, note_text, tell, errors = talent.read_talent(flow.t(me), values)
        if errors:
            return errors
        with deps.db.session() as session:
            employee = session.get(Person, employee_id)
        if employee is None or not employee.active:
            raise Refusal("checklist.talent.not_allowed")
        return flow.nominate(me, employee, note_text, tell)

    def notify_talent(me: Person, flow: ChecklistFlow, nomination_id: Any) -> None:
        _confirm(me, flow, flow.notify_nomination(me, int(nomination_id)))

    # Point 3: recommend a network
    def store_recommend(me: Person, flow: ChecklistFlow, view: dict[str, Any], values: Any) -> Any:
        employee_id, network_id, errors = recommend.read_recommend(flow.t(me), values)
        if errors:
            return errors
        return flow.recommend(me, employee_id, network_id)

    def notify_recommend(me: Person, flow: ChecklistFlow, recommendation_id: Any) -> None:
        _confirm(me, flow, flow.notify_recommendation(int(recommendation_id)))

    # Points 6 and 8: present at the department meeting
    def store_present(me: Person, flow: ChecklistFlow, view: dict[str, Any], values: Any) -> Any:
        employee_id, note_text, errors = recommend.read_employee_and_text(
            flow.t(me), values, recommend.NOTE_FIELD, required=False
        )
        if errors:
            return errors
        return {"id": flow.invite_to_present(me, employee_id), "note": note_text}

    def notify_present(me: Person, flow: ChecklistFlow, outcome: Any) -> None:
        _confirm(me, flow, flow.notify_recommendation(int(outcome["id"]), outcome.get("note")))

    # Point 7: recognition
    def store_recognise(me: Person, flow: ChecklistFlow, view: dict[str, Any], values: Any) -> Any:
        employee_id, text, errors = recommend.read_employee_and_text(
            flow.t(me), values, recommend.MESSAGE_FIELD, required=True
        )
        if errors:
            return errors
        employee = flow.check_employee(me, employee_id)
        return {"employee_id": employee.id, "text": text}

    def notify_recognise(me: Person, flow: ChecklistFlow, outcome: Any) -> None:
        employee = flow.check_employee(me, int(outcome["employee_id"]))
        _confirm(me, flow, flow.recognise(me, employee, str(outcome["text"])))

    # Points 9 and 10: a note for the next PULS talk
    def store_puls(me: Person, flow: ChecklistFlow, view: dict[str, Any], values: Any) -> Any:
        employee_id, text, errors = recommend.read_employee_and_text(
            flow.t(me), values, puls_notes.TEXT_FIELD, required=True
        )
        if errors:
            return errors
        point = puls_notes.read_point(view.get("private_metadata", ""))
        return flow.add_puls_note(me, employee_id, text or "", point)

    def notify_puls(me: Person, flow: ChecklistFlow, text: Any) -> None:
        _confirm(me, flow, str(text))

    for callback, field, store, notify in (
        (actions.CHECKLIST_NOTE_FORM, NOTE_FIELD, store_note, notify_note),
        (actions.TALENT_FORM, EMPLOYEE_FIELD, store_talent, notify_talent),
        (actions.RECOMMEND_FORM, EMPLOYEE_FIELD, store_recommend, notify_recommend),
        (actions.PRESENT_FORM, EMPLOYEE_FIELD, store_present, notify_present),
        (actions.RECOGNISE_FORM, EMPLOYEE_FIELD, store_recognise, notify_recognise),
        (actions.PULS_NOTE_FORM, EMPLOYEE_FIELD, store_puls, notify_puls),
    ):
        app.view(callback)(ack=submission(field, store), lazy=[guarded(after(notify))])
