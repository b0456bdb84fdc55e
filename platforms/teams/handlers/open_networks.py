"""Open networks in Teams: `deltagere` and its dialog, "Vil du være med?" and the network leader's
answer — the twin of platforms/slack/handlers/open_networks.py, on the same ShowcaseFlow. The
call goes to the chosen departments' channels through the chat port."""

from __future__ import annotations

from bot.core import actions, ui
from bot.core.reply import Reply
from bot.showcase import commands
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command, on_dialog, on_submit
from platforms.teams.handlers.showcase import flow_for
from platforms.teams.handlers.support import form_offer


def open_call_command(request: TeamsRequest) -> ui.Message:
    form = flow_for(request).open_call_form(request.actor)
    return form_offer(request.actor.t, form, actions.OPEN_CALL_OPEN)


def open_call_form(request: TeamsRequest) -> ui.Form:
    return flow_for(request).open_call_form(request.actor)


def join(request: TeamsRequest) -> Reply:
    return flow_for(request).ask_to_join(request.actor, int(request.value))


def decide(request: TeamsRequest) -> Reply:
    request_id, answer = request.value.split(":")
    return flow_for(request).decide_join(request.actor, int(request_id), answer == "yes")


def register(router: Router) -> None:
    on_command(router, commands.OPEN_CALL.slug, open_call_command)
    on_dialog(router, actions.OPEN_CALL_OPEN, open_call_form)
    on_click(router, actions.OPEN_CALL_JOIN, join)
    on_click(router, actions.JOIN_DECIDE, decide)
    on_submit(
        router,
        actions.OPEN_CALL_FORM,
        lambda r, metadata, values: flow_for(r).submit_open_call(
            r.actor.require_person(), metadata, values
        ),
        lambda r, call_id: flow_for(r).tell_open_call(r.actor.require_person(), call_id),
    )
