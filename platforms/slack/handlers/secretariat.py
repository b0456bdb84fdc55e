"""The secretariat's listeners: `/netvaerk sekretariat`, `/netvaerk rapport`, and the buttons
and forms in App Home. Each is ack -> one bot.secretariat.flows call -> render; everyone else
is refused by the flow, and told by the one error path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.core import actions, ui
from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.permissions import Action
from bot.core.unit_of_work import UnitOfWork
from bot.secretariat import commands, flows
from platforms.slack.blocks import form_errors, mrkdwn, read_form, render_form, render_message
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.errors import tell
from platforms.slack.handlers.listeners import on_click, on_submit, open_form, value_of
from platforms.slack.home import refresh_home


def menu(request: CommandRequest) -> None:
    message = flows.menu(request.uow, request.actor)
    request.ack(response_type="ephemeral", **render_message(message))


def report_check(request: CommandRequest) -> None:
    flows.allowed(request.uow, request.actor, Action.REPORT)
    request.ack()


def report_later(request: CommandRequest) -> None:
    send_report(request.client, request.uow, request.actor)  # not run when refused in the ack


ROUTES = (
    Route(commands.MENU, menu),
    Route(commands.REPORT, report_check, report_later),
)


# --- buttons: acknowledged at once, the work runs after the response ------------------------


def _send(client: WebClient, actor: Actor, file: tuple[ui.Message, ui.Attachment]) -> None:
    message, attachment = file
    chat = SlackChat(client)
    chat.attach(chat.send(actor.user_id, message).channel, attachment)


def send_report(client: WebClient, uow: UnitOfWork, actor: Actor) -> None:
    _send(client, actor, flows.overview_report(uow, actor))


def send_audit(client: WebClient, uow: UnitOfWork, actor: Actor) -> None:
    _send(client, actor, flows.audit_log(uow, actor))


def network_new(body: dict[str, Any], client: WebClient, uow: UnitOfWork, actor: Actor) -> None:
    open_form(client, body, render_form(flows.network_form(uow, actor, None)))


def network_edit(body: dict[str, Any], client: WebClient, uow: UnitOfWork, actor: Actor) -> None:
    form = flows.network_form(uow, actor, int(value_of(body) or 0))
    open_form(client, body, render_form(form))


def role_open(body: dict[str, Any], client: WebClient, uow: UnitOfWork, actor: Actor) -> None:
    open_form(client, body, render_form(flows.role_form(uow, actor)))


def erase_open(body: dict[str, Any], client: WebClient, uow: UnitOfWork, actor: Actor) -> None:
    open_form(client, body, render_form(flows.erase_form(uow, actor)))


def _told(
    body: dict[str, Any], client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor, done: Any
) -> None:
    tell(client, body, actor, done.text)
    refresh_home(deps, uow, client, done.refresh)


def network_close(
    body: dict[str, Any], client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    done = flows.close_network(deps, uow, actor, int(value_of(body) or 0))
    _told(body, client, deps, uow, actor, done)


def retry(
    body: dict[str, Any], client: WebClient, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    _told(body, client, deps, uow, actor, flows.retry_deliveries(uow, actor, value_of(body)))


# --- forms: checked and stored before the ack, told after -----------------------------------

Store = Callable[[Deps, UnitOfWork, Actor, dict[str, Any], dict[str, str | None]], Any]


def storing(store: Store) -> Callable[..., None]:
    def ack_form(
        ack: Ack,
        view: dict[str, Any],
        context: BoltContext,
        deps: Deps,
        uow: UnitOfWork,
        actor: Actor,
    ) -> None:
        outcome = store(deps, uow, actor, view, read_form(view))
        if isinstance(outcome, ui.FormErrors):
            ack(**form_errors(outcome))
            return
        context["done"] = {"text": outcome.text, "refresh": outcome.refresh}
        ack()

    return ack_form


def tell_done(
    client: WebClient, context: BoltContext, deps: Deps, uow: UnitOfWork, actor: Actor
) -> None:
    done = context.get("done")
    if not done:
        return
    client.chat_postMessage(channel=actor.user_id, text=mrkdwn(done["text"]))
    refresh_home(deps, uow, client, done["refresh"])


def register(app: App) -> None:
    for action_id, work in (
        (actions.NETWORK_NEW, network_new),
        (actions.NETWORK_EDIT, network_edit),
        (actions.NETWORK_CLOSE, network_close),
        (actions.SECRETARIAT_ROLE_OPEN, role_open),
        (actions.ERASE_OPEN, erase_open),
        (actions.DELIVERY_RETRY, retry),
        (actions.REPORT_SEND, send_report),
        (actions.AUDIT_SEND, send_audit),
    ):
        on_click(app, action_id, work)
    for callback, field, store in (
        (
            actions.NETWORK_FORM,
            "name",
            lambda _deps, uow, actor, view, values: flows.save_network(
                uow, actor, int(view.get("private_metadata") or 0) or None, values
            ),
        ),
        (
            actions.SECRETARIAT_ROLE_FORM,
            "email",
            lambda _deps, uow, actor, _view, values: flows.set_role(uow, actor, values),
        ),
        (
            actions.ERASE_FORM,
            "email",
            lambda deps, uow, actor, _view, values: flows.erase_person(
                uow, deps.registry, actor, values
            ),
        ),
    ):
        on_submit(app, callback, field, storing(store), tell_done)
