"""Listeners for department meetings: `/netvaerk afdeling` and the department's settings form,
"Invitér til at fortælle på mødet", the employee's answer and "Blev netværksarbejdet
præsenteret?". Each is ack -> one MeetingFlow call -> render."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.core import actions
from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.meetings.commands import DEPARTMENT
from bot.meetings.flows import MeetingFlow
from platforms.slack.blocks import render_form
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import on_click, on_form, open_form, reply, value_of


def flow_for(deps: Deps, client: WebClient) -> MeetingFlow:
    return MeetingFlow(deps, SlackChat(client))


def department_command(request: CommandRequest) -> None:
    request.ack()
    form = flow_for(request.deps, request.client).department_form(request.actor, request.args)
    request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))


ROUTES = (Route(DEPARTMENT, department_command),)


def department_open(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    department_id = int(value_of(body) or 0)
    open_form(
        client, body, render_form(flow_for(deps, client).department_form(actor, "", department_id))
    )


def invite(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    department_id, meeting, person_id = value_of(body).split(":")
    told = flow_for(deps, client).invite(
        actor, int(department_id), date.fromisoformat(meeting), int(person_id)
    )
    reply(client, body, actor, told)


def invitation_answer(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    invitation_id, answer = value_of(body).split(":")
    told = flow_for(deps, client).answer_invitation(actor, int(invitation_id), answer == "yes")
    reply(client, body, actor, told)


def presented(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    department_id, meeting, answer = value_of(body).split(":")
    told = flow_for(deps, client).presented(
        actor, int(department_id), date.fromisoformat(meeting), answer == "yes"
    )
    reply(client, body, actor, told)


def register(app: App) -> None:
    for action_id, work in (
        (actions.DEPARTMENT_OPEN, department_open),
        (actions.MEETING_INVITE, invite),
        (actions.MEETING_INVITE_ANSWER, invitation_answer),
        (actions.MEETING_PRESENTED, presented),
    ):
        on_click(app, action_id, work)
    on_form(
        app,
        actions.DEPARTMENT_FORM,
        "weekday",
        flow_for,
        MeetingFlow.submit_department,
        MeetingFlow.tell_department,
    )
