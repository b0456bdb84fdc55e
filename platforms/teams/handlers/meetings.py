"""Department meetings in Teams: `afdeling` and the department's settings dialog, "Invitér til at
fortælle på mødet", the employee's answer and "Blev netværksarbejdet præsenteret?" — the twin
of platforms/slack/handlers/meetings.py, on the same MeetingFlow."""

from __future__ import annotations

import json
from datetime import date

from bot.core import actions, ui
from bot.core.reply import Reply
from bot.meetings.commands import DEPARTMENT
from bot.meetings.flows import MeetingFlow
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command, on_dialog, on_submit
from platforms.teams.handlers.support import chat_of, form_offer


def flow_for(request: TeamsRequest) -> MeetingFlow:
    return MeetingFlow(request.deps, chat_of(request))


def department_command(request: TeamsRequest) -> ui.Message:
    """`afdeling [name]`: the button opens the settings of the department the flow chose."""
    form = flow_for(request).department_form(request.actor, request.args)
    chosen = str(json.loads(form.metadata)["department"])
    return form_offer(request.actor.t, form, actions.DEPARTMENT_OPEN, chosen)


def department_form(request: TeamsRequest) -> ui.Form:
    department_id = int(request.value) if request.value.isdigit() else None
    return flow_for(request).department_form(request.actor, "", department_id)


def invite(request: TeamsRequest) -> Reply:
    department_id, meeting, person_id = request.value.split(":")
    return flow_for(request).invite(
        request.actor, int(department_id), date.fromisoformat(meeting), int(person_id)
    )


def invitation_answer(request: TeamsRequest) -> Reply:
    invitation_id, answer = request.value.split(":")
    return flow_for(request).answer_invitation(request.actor, int(invitation_id), answer == "yes")


def presented(request: TeamsRequest) -> Reply:
    department_id, meeting, answer = request.value.split(":")
    return flow_for(request).presented(
        request.actor, int(department_id), date.fromisoformat(meeting), answer == "yes"
    )


def register(router: Router) -> None:
    on_command(router, DEPARTMENT.slug, department_command)
    on_dialog(router, actions.DEPARTMENT_OPEN, department_form)
    for action_id, work in (
        (actions.MEETING_INVITE, invite),
        (actions.MEETING_INVITE_ANSWER, invitation_answer),
        (actions.MEETING_PRESENTED, presented),
    ):
        on_click(router, action_id, work)
    on_submit(
        router,
        actions.DEPARTMENT_FORM,
        lambda r, metadata, values: flow_for(r).submit_department(
            r.actor.require_person(), metadata, values
        ),
        lambda r, stored: flow_for(r).tell_department(r.actor.require_person(), stored),
    )
