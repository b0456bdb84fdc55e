"""Listeners for open networks: `/netvaerk deltagere` and its form, "Vil du være med?" and the
network leader's answer. Each is ack -> one ShowcaseFlow call -> render."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.core import actions
from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.showcase import commands
from bot.showcase.flows import ShowcaseFlow
from platforms.slack.blocks import render_form
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import on_click, on_form, open_form, reply, value_of
from platforms.slack.handlers.showcase import flow_for


def open_call_command(request: CommandRequest) -> None:
    request.ack()
    form = flow_for(request.deps, request.client).open_call_form(request.actor)
    request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))


ROUTES = (Route(commands.OPEN_CALL, open_call_command),)


def open_call_open(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    """The button Teams' `deltagere` answers with (a dialog opens only from a button there)."""
    open_form(client, body, render_form(flow_for(deps, client).open_call_form(actor)))


def join(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    reply(client, body, actor, flow_for(deps, client).ask_to_join(actor, int(value_of(body))))


def decide(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    request_id, answer = value_of(body).split(":")
    told = flow_for(deps, client).decide_join(actor, int(request_id), answer == "yes")
    reply(client, body, actor, told)


def register(app: App) -> None:
    on_click(app, actions.OPEN_CALL_OPEN, open_call_open)
    on_click(app, actions.OPEN_CALL_JOIN, join)
    on_click(app, actions.JOIN_DECIDE, decide)
    on_form(
        app,
        actions.OPEN_CALL_FORM,
        "network",
        flow_for,
        ShowcaseFlow.submit_open_call,
        ShowcaseFlow.tell_open_call,
    )
