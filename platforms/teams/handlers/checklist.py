"""The checklist in Teams: `tjekliste`, `talent`, `netværk`, the round's buttons, the next steps'
buttons and their dialogs — the twin of platforms/slack/handlers/checklist.py, on the same
ChecklistFlow. A point's card is answered in place: the flow replaces the card clicked (its
`origin`, the conversation and activity id) and the click's answer is that same card."""

from __future__ import annotations

from collections.abc import Callable

from bot.checklist import commands, recommend
from bot.checklist.flows import ChecklistFlow
from bot.core import actions, ui
from bot.core.chat import DirectMessages
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command, on_dialog, on_submit
from platforms.teams.handlers.support import chat_of, form_offer, mentioned
from storage.models import Person


def _flow(request: TeamsRequest) -> ChecklistFlow:
    return ChecklistFlow(request.deps, DirectMessages(chat_of(request), request.deps.db))


def _ints(request: TeamsRequest) -> list[int]:
    return [int(part) for part in request.value.split(":") if part.isdigit()]


# --- commands ---------------------------------------------------------------------------------


def checklist(request: TeamsRequest) -> ui.Message | None:
    """The round comes as its own card in the 1:1 chat; asked in a channel, the answer there
    says where it went."""
    flow = _flow(request)
    text = flow.check_start(request.actor)
    flow.start(request.actor.require_person(), "command")
    return None if request.personal else ui.Message(text)


def talent(request: TeamsRequest) -> ui.Message:
    """`talent @person [note]` nominates at once; `talent` alone offers the dialog."""
    me, flow = request.actor.require_person(), _flow(request)
    user_id, args = mentioned(request)
    if not args:
        return form_offer(request.actor.t, flow.talent_form(me), actions.CHECKLIST_TALENT)
    return ui.Message(flow.nominate_named(request.actor, user_id, args))


def networks(request: TeamsRequest) -> ui.Message:
    actor = request.actor
    return ui.Message(_flow(request).networks_text(actor.person, actor.language))


# --- buttons: the card clicked becomes what the flow shows --------------------------------------


def start(request: TeamsRequest) -> None:
    _flow(request).start(request.actor.require_person(), request.value or "command")


def resume(request: TeamsRequest) -> ui.Message:
    (round_id,) = _ints(request)[:1] or [0]
    return _flow(request).resume(request.actor.require_person(), round_id, request.origin)


def answer(request: TeamsRequest) -> ui.Message:
    round_id, point, value = request.value.split(":")
    me = request.actor.require_person()
    return _flow(request).answer(me, int(round_id), int(point), value, request.origin)


def goto(request: TeamsRequest) -> ui.Message:
    round_id, point = _ints(request)
    return _flow(request).goto(request.actor.require_person(), round_id, point, request.origin)


def pause(request: TeamsRequest) -> ui.Message:
    me = request.actor.require_person()
    return _flow(request).pause(me, _ints(request)[0], request.origin)


def interest(request: TeamsRequest) -> None:
    _flow(request).send_interest(request.actor.require_person())


def add_member(request: TeamsRequest) -> ui.Message:
    me = request.actor.require_person()
    return _flow(request).add_member(me, _ints(request)[0], request.origin)


def answering(kind: str, yes: bool) -> Callable[[TeamsRequest], ui.Message]:
    """The employee's answer to a recommendation (a network, or presenting at a meeting)."""

    def work(request: TeamsRequest) -> ui.Message:
        me, flow = request.actor.require_person(), _flow(request)
        return flow.answer_recommendation(me, _ints(request)[0], kind, yes, request.origin)

    work.__name__ = f"{kind}_{'yes' if yes else 'no'}"
    return work


# --- dialogs ----------------------------------------------------------------------------------


def note(request: TeamsRequest) -> ui.Form:
    round_id, point = _ints(request)
    me = request.actor.require_person()
    return _flow(request).note_form(me, round_id, point, request.origin)


def puls(request: TeamsRequest) -> ui.Form:
    ids = _ints(request)
    round_id, point = (ids[0], ids[1]) if len(ids) == 2 else (None, None)
    return _flow(request).puls_form(request.actor.require_person(), round_id, point)


def opening(form: Callable[[ChecklistFlow, Person], ui.Form]) -> Callable[[TeamsRequest], ui.Form]:
    """A next-step button that opens its form for the person who clicked."""

    def open_(request: TeamsRequest) -> ui.Form:
        return form(_flow(request), request.actor.require_person())

    open_.__name__ = f"open_{form.__name__}"
    return open_


F = ChecklistFlow
# Each form: checked and stored by the flow before the dialog closes, whom it concerns told after.
FORMS: tuple[tuple[str, Callable[..., object], Callable[..., None]], ...] = (
    (actions.CHECKLIST_NOTE_FORM, F.submit_note, F.tell_note),
    (actions.TALENT_FORM, F.submit_talent, F.tell_talent),
    (actions.RECOMMEND_FORM, F.submit_recommend, F.tell_recommend),
    (actions.PRESENT_FORM, F.submit_present, F.tell_present),
    (actions.RECOGNISE_FORM, F.submit_recognise, F.tell_recognise),
    (actions.PULS_NOTE_FORM, F.submit_puls_note, F.tell_puls_note),
)


def _storing(
    submit: Callable[..., object],
) -> Callable[[TeamsRequest, str, dict[str, str | None]], object]:
    def store(request: TeamsRequest, metadata: str, values: dict[str, str | None]) -> object:
        return submit(_flow(request), request.actor.require_person(), metadata, values)

    return store


def _telling(tell: Callable[..., None]) -> Callable[[TeamsRequest, object], None]:
    def told(request: TeamsRequest, stored: object) -> None:
        tell(_flow(request), request.actor.require_person(), stored)

    return told


def register(router: Router) -> None:
    on_command(router, commands.CHECKLIST.slug, checklist)
    on_command(router, commands.TALENT.slug, talent)
    on_command(router, commands.NETWORKS.slug, networks)
    for action_id, work in (
        (actions.CHECKLIST_START, start),
        (actions.CHECKLIST_RESUME, resume),
        (actions.CHECKLIST_ANSWER, answer),
        (actions.CHECKLIST_GOTO, goto),
        (actions.CHECKLIST_PAUSE, pause),
        (actions.CHECKLIST_INTEREST, interest),
        (actions.RECOMMEND_YES, answering(recommend.NETWORK, True)),
        (actions.RECOMMEND_NO, answering(recommend.NETWORK, False)),
        (actions.RECOMMEND_ADD, add_member),
        (actions.PRESENT_YES, answering(recommend.PRESENT, True)),
        (actions.PRESENT_NO, answering(recommend.PRESENT, False)),
    ):
        on_click(router, action_id, work)
    for action_id, open_ in (
        (actions.CHECKLIST_NOTE, note),
        (actions.CHECKLIST_TALENT, opening(ChecklistFlow.talent_form)),
        (actions.CHECKLIST_RECOMMEND, opening(ChecklistFlow.recommend_form)),
        (actions.CHECKLIST_PRESENT, opening(ChecklistFlow.present_form)),
        (actions.CHECKLIST_RECOGNISE, opening(ChecklistFlow.recognise_form)),
        (actions.CHECKLIST_PULS, puls),
    ):
        on_dialog(router, action_id, open_)
    for callback, submit, tell in FORMS:
        on_submit(router, callback, _storing(submit), _telling(tell))
