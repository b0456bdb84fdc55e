"""Listeners for results and their recognition (issue 5): `/netvaerk resultat`, the message
shortcut "Del som netværksresultat", the form and its preview, "Anerkend", follow-ups and the
secretariat's "Prøv igen". Each is ack -> one ShowcaseFlow call -> render; the flow decides who
is told what, and a refusal is answered by the one error path.

Department meetings are in meetings.py, open networks in open_networks.py.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.core import actions
from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.showcase import commands, messages
from bot.showcase.flows import ShowcaseFlow
from platforms.slack.blocks import form_errors, read_form, render_form
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import (
    guarded,
    on_click,
    on_form,
    on_submit,
    open_form,
    origin_of,
    reply,
    value_of,
)


def flow_for(deps: Deps, client: WebClient) -> ShowcaseFlow:
    return ShowcaseFlow(deps, SlackChat(client))


# --- sharing a result: the command, the shortcut, the button, the form, the preview --------


def result_command(request: CommandRequest) -> None:
    request.ack()  # sent when this returns, right after the form is opened
    form = flow_for(request.deps, request.client).result_form(request.actor.require_person())
    request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))


ROUTES = (Route(commands.RESULT, result_command),)


def shortcut(ack: Ack, body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    """ "Del som netværksresultat" on a message: the form, with the message's text in it."""
    ack()
    text = str((body.get("message") or {}).get("text") or "")[: messages.SOURCE_TEXT_MAX]
    origin = messages.FormOrigin(
        channel=(body.get("channel") or {}).get("id"), ts=body.get("message_ts")
    )
    form = flow_for(deps, client).result_form(actor.require_person(), text, origin)
    open_form(client, body, render_form(form))


def open_from_button(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    open_form(client, body, render_form(flow_for(deps, client).result_form(actor.require_person())))


def preview(ack: Ack, view: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    """The form stored as a draft; its preview is pushed on top of it."""
    errors, shown = flow_for(deps, client).submit_form(
        actor.require_person(), read_form(view), view.get("private_metadata") or ""
    )
    if errors or shown is None:
        ack(**form_errors(errors))
        return
    ack(response_action="push", view=render_form(shown))


def publish(
    ack: Ack,
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    deps: Deps,
    actor: Actor,
) -> None:
    """ "Del": published before the modal closes, so it is never lost; posted after."""
    me = actor.require_person()
    context["result_id"] = flow_for(deps, client).publish(me, int(view["private_metadata"])).id
    ack(response_action="clear")  # closes the preview and the form under it


def share(client: WebClient, context: BoltContext, deps: Deps, actor: Actor) -> None:
    if "result_id" in context:
        flow_for(deps, client).share(actor.require_person(), int(context["result_id"]))


# --- recognition, follow-ups, "Prøv igen" ---------------------------------------------------


def recognise(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    result_part, _, digest_part = value_of(body).partition(":")
    digest_id = int(digest_part[1:]) if digest_part.startswith("d") else None
    origin = origin_of(body)
    # A direct message's channel id starts with D: there, the nudge to recognise is answered.
    direct = origin is not None and origin["channel"].startswith("D")
    told = flow_for(deps, client).recognise_clicked(
        actor, int(result_part), digest_id, origin, direct
    )
    reply(client, body, actor, told)


def follow_up_open(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    form = flow_for(deps, client).follow_up_form(actor.require_person(), int(value_of(body)))
    open_form(client, body, render_form(form))


def retry(body: dict[str, Any], client: WebClient, deps: Deps, actor: Actor) -> None:
    kind, _, ref = value_of(body).partition(":")
    reply(client, body, actor, flow_for(deps, client).retry_posts(actor, kind, int(ref)))


def register(app: App) -> None:
    app.shortcut(actions.RESULT_SHORTCUT)(shortcut)
    for action_id, work in (
        (actions.RESULT_OPEN, open_from_button),
        (actions.RESULT_RECOGNISE, recognise),
        (actions.RESULT_FOLLOW_UP, follow_up_open),
        (actions.RESULT_RETRY, retry),
    ):
        on_click(app, action_id, work)
    on_submit(app, actions.RESULT_FORM, "title", preview)
    # No field for a refusal here: the preview has none; it is told by direct message.
    app.view(actions.RESULT_PREVIEW)(ack=publish, lazy=[guarded(share)])
    on_form(
        app,
        actions.FOLLOW_UP_FORM,
        "text",
        flow_for,
        ShowcaseFlow.submit_follow_up,
        ShowcaseFlow.tell_follow_up,
    )
