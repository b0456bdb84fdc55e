"""Listeners for the checklist: `/netvaerk tjekliste`, `talent`, `netværk`, the round's buttons,
the next steps' buttons and their forms. Each is ack -> one ChecklistFlow call -> render; the
flow decides who is told what, and a refusal is answered by the one error path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.checklist import commands, recommend
from bot.checklist.flows import ChecklistFlow
from bot.checklist.messages import NOTE_FIELD
from bot.checklist.my_employees import EMPLOYEE_FIELD
from bot.core import actions, ui
from bot.core.actor import Actor
from bot.core.chat import DirectMessages
from bot.core.deps import Deps
from platforms.slack.actor import mentioned_user
from platforms.slack.blocks import mrkdwn, render_form
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import on_click, on_form, open_form, origin_of, value_of
from storage.models import Person


def _flow(deps: Deps, client: WebClient) -> ChecklistFlow:
    return ChecklistFlow(deps, DirectMessages(SlackChat(client), deps.db))


def _ints(body: dict[str, Any]) -> list[int]:
    return [int(part) for part in value_of(body).split(":") if part.isdigit()]


# --- commands ---------------------------------------------------------------------------------


def checklist(request: CommandRequest) -> None:
    text = _flow(request.deps, request.client).check_start(request.actor)
    request.ack(text=mrkdwn(text), response_type="ephemeral")


def checklist_later(request: CommandRequest) -> None:
    _flow(request.deps, request.client).start(request.actor.require_person(), "command")


def talent_command(request: CommandRequest) -> None:
    me = request.actor.require_person()
    flow = _flow(request.deps, request.client)
    if not request.args:
        request.ack()
        form = flow.talent_form(me)
        request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))
        return
    user_id = mentioned_user(request.args)
    text = flow.nominate_named(request.actor, user_id, request.args)
    request.ack(text=mrkdwn(text), response_type="ephemeral")


def networks_command(request: CommandRequest) -> None:
    actor = request.actor
    text = _flow(request.deps, request.client).networks_text(actor.person, actor.language)
    request.ack(text=mrkdwn(text), response_type="ephemeral")


ROUTES = (
    Route(commands.CHECKLIST, checklist, checklist_later),
    Route(commands.TALENT, talent_command),
    Route(commands.NETWORKS, networks_command),
)


# --- buttons: acknowledged at once, the work runs after the response ------------------------


def start(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    _flow(deps, client).start(actor.require_person(), value_of(body) or "command")


def resume(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    (round_id,) = _ints(body)[:1] or [0]
    _flow(deps, client).resume(actor.require_person(), round_id, origin_of(body))


def answer(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    round_id, point, value = value_of(body).split(":")
    me = actor.require_person()
    _flow(deps, client).answer(me, int(round_id), int(point), value, origin_of(body))


def goto(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    round_id, point = _ints(body)
    _flow(deps, client).goto(actor.require_person(), round_id, point, origin_of(body))


def pause(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    _flow(deps, client).pause(actor.require_person(), _ints(body)[0], origin_of(body))


def note(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    round_id, point = _ints(body)
    form = _flow(deps, client).note_form(actor.require_person(), round_id, point, origin_of(body))
    open_form(client, body, render_form(form))


def puls_open(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    ids = _ints(body)
    round_id, point = (ids[0], ids[1]) if len(ids) == 2 else (None, None)
    form = _flow(deps, client).puls_form(actor.require_person(), round_id, point)
    open_form(client, body, render_form(form))


def interest(client: WebClient, deps: Deps, actor: Actor) -> None:
    _flow(deps, client).send_interest(actor.require_person())


def add_member(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    _flow(deps, client).add_member(actor.require_person(), _ints(body)[0], origin_of(body))


def opening(form: Callable[[ChecklistFlow, Person], ui.Form]) -> Callable[..., None]:
    """A next-step button that opens its form for the person who clicked."""

    def work(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
        open_form(client, body, render_form(form(_flow(deps, client), actor.require_person())))

    work.__name__ = f"open_{form.__name__}"
    return work


def answering(kind: str, yes: bool) -> Callable[..., None]:
    """The employee's answer to a recommendation (a network, or presenting at a meeting)."""

    def work(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
        me, origin = actor.require_person(), origin_of(body)
        _flow(deps, client).answer_recommendation(me, _ints(body)[0], kind, yes, origin)

    work.__name__ = f"{kind}_{'yes' if yes else 'no'}"
    return work


F = ChecklistFlow
# Each form: checked and stored by the flow before the ack, whom it concerns told after.
FORMS = (
    (actions.CHECKLIST_NOTE_FORM, NOTE_FIELD, F.submit_note, F.tell_note),
    (actions.TALENT_FORM, EMPLOYEE_FIELD, F.submit_talent, F.tell_talent),
    (actions.RECOMMEND_FORM, EMPLOYEE_FIELD, F.submit_recommend, F.tell_recommend),
    (actions.PRESENT_FORM, EMPLOYEE_FIELD, F.submit_present, F.tell_present),
    (actions.RECOGNISE_FORM, EMPLOYEE_FIELD, F.submit_recognise, F.tell_recognise),
    (actions.PULS_NOTE_FORM, EMPLOYEE_FIELD, F.submit_puls_note, F.tell_puls_note),
)


def register(app: App) -> None:
    for action_id, work in (
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
        (actions.RECOMMEND_YES, answering(recommend.NETWORK, True)),
        (actions.RECOMMEND_NO, answering(recommend.NETWORK, False)),
        (actions.RECOMMEND_ADD, add_member),
        (actions.PRESENT_YES, answering(recommend.PRESENT, True)),
        (actions.PRESENT_NO, answering(recommend.PRESENT, False)),
    ):
        on_click(app, action_id, work)
    for callback, field, submit, tell in FORMS:
        on_form(app, callback, field, _flow, submit, tell)
