"""The reminders in Teams: their own buttons ("Udsæt en uge", done, "Samtalen er holdt",
"Aftalen gælder stadig"), `pause`, `puls` and `tema` with its dialog — the twin of
platforms/slack/handlers/reminders.py, on bot.reminders.flows. What Slack says ephemerally
under the reminder is told to the person who clicked, and the reminder stays; "Samtalen er
holdt" answers the reminder, so its card becomes the answer (with "Registrér aftalen")."""

from __future__ import annotations

from bot.core import actions, ui
from bot.core.clock import now
from bot.core.reply import Reply
from bot.reminders import commands, flows
from bot.reminders.themes import THEME_FIELD
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command, on_dialog, on_submit
from platforms.teams.handlers.support import chat_of, form_offer, mentioned


def snooze_week(request: TeamsRequest) -> Reply:
    return Reply.text(flows.snooze_week(request.deps, request.uow, request.actor, request.value))


def dismiss(request: TeamsRequest) -> Reply:
    return Reply.text(flows.dismiss(request.uow, request.actor, request.value))


def held(request: TeamsRequest) -> ui.Message:
    return flows.held(request.uow, request.actor, int(request.value or 0))


def keep(request: TeamsRequest) -> Reply:
    return Reply.text(flows.keep(request.deps, request.uow, request.actor, int(request.value or 0)))


def pause(request: TeamsRequest) -> ui.Message:
    words = request.args.split()
    return ui.Message(flows.pause(request.deps, request.uow, request.actor, words, now()))


def puls(request: TeamsRequest) -> ui.Message:
    who, args = mentioned(request)
    text = flows.puls_talk(request.deps, request.uow, request.actor, args.split(), who)
    return ui.Message(text)


def theme(request: TeamsRequest) -> ui.Message:
    if request.args:
        return ui.Message(flows.propose_theme(request.uow, request.actor, request.args))
    form = flows.theme_form(request.deps, request.actor)
    return form_offer(request.actor.t, form, actions.THEME_OPEN)


def theme_form(request: TeamsRequest) -> ui.Form:
    return flows.theme_form(request.deps, request.actor)


def theme_submitted(
    request: TeamsRequest, _metadata: str, values: dict[str, str | None]
) -> ui.FormErrors | str:
    text = values.get(THEME_FIELD)
    if request.actor.person is None or not text:
        errors = ui.FormErrors()
        errors.add(THEME_FIELD, request.actor.t("scheduler.theme.open_failed"))
        return errors
    return flows.propose_theme(request.uow, request.actor, text)


def theme_told(request: TeamsRequest, thanks: str) -> None:
    chat_of(request).send(request.actor.user_id, ui.Message(thanks))


def register(router: Router) -> None:
    on_command(router, commands.PAUSE.slug, pause)
    on_command(router, commands.PULS.slug, puls)
    on_command(router, commands.THEME.slug, theme)
    for action_id, work in (
        (actions.NUDGE_SNOOZE, snooze_week),
        (actions.NUDGE_DISMISS, dismiss),
        (actions.NUDGE_HELD, held),
        (actions.AGREEMENT_KEEP, keep),
    ):
        on_click(router, action_id, work)
    on_dialog(router, actions.THEME_OPEN, theme_form)
    on_submit(router, actions.THEME_FORM, theme_submitted, theme_told)
