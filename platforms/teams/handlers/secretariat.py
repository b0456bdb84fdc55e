"""The secretariat's work in Teams: `sekretariat` (its menu as a card), `rapport`, and the
menu's buttons and dialogs — the twin of platforms/slack/handlers/secretariat.py, on
bot.secretariat.flows. Everyone else is refused by the flow and told by the one error path.
Teams has no App Home to refresh: what changed is told to the secretariat member."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core import actions, ui
from bot.core.permissions import Action
from bot.core.reply import Reply
from bot.secretariat import commands, flows
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command, on_dialog, on_submit
from platforms.teams.handlers.support import chat_of, send_file


def menu(request: TeamsRequest) -> ui.Message:
    return flows.menu(request.uow, request.actor)


def report(request: TeamsRequest) -> None:
    flows.allowed(request.uow, request.actor, Action.REPORT)
    send_report(request)


def send_report(request: TeamsRequest) -> None:
    send_file(request, *flows.overview_report(request.uow, request.actor))


def send_audit(request: TeamsRequest) -> None:
    send_file(request, *flows.audit_log(request.uow, request.actor))


def network_close(request: TeamsRequest) -> Reply:
    done = flows.close_network(request.deps, request.uow, request.actor, int(request.value or 0))
    return Reply.text(done.text)


def retry(request: TeamsRequest) -> Reply:
    return Reply.text(flows.retry_deliveries(request.uow, request.actor, request.value).text)


# --- dialogs: checked and stored before they close, told after -------------------------------

Store = Callable[[TeamsRequest, str, dict[str, str | None]], Any]


def told(request: TeamsRequest, done: flows.Done) -> None:
    chat_of(request).send(request.actor.user_id, ui.Message(done.text))


FORMS: tuple[tuple[str, Store], ...] = (
    (
        actions.NETWORK_FORM,
        lambda r, metadata, values: flows.save_network(
            r.uow, r.actor, int(metadata or 0) or None, values
        ),
    ),
    (
        actions.SECRETARIAT_ROLE_FORM,
        lambda r, _metadata, values: flows.set_role(r.uow, r.actor, values),
    ),
    (
        actions.ERASE_FORM,
        lambda r, _metadata, values: flows.erase_person(r.uow, r.deps.registry, r.actor, values),
    ),
)


def register(router: Router) -> None:
    on_command(router, commands.MENU.slug, menu)
    on_command(router, commands.REPORT.slug, report)
    for action_id, work in (
        (actions.NETWORK_CLOSE, network_close),
        (actions.DELIVERY_RETRY, retry),
        (actions.REPORT_SEND, send_report),
        (actions.AUDIT_SEND, send_audit),
    ):
        on_click(router, action_id, work)
    for action_id, open_ in (
        (actions.NETWORK_NEW, lambda r: flows.network_form(r.uow, r.actor, None)),
        (actions.NETWORK_EDIT, lambda r: flows.network_form(r.uow, r.actor, int(r.value or 0))),
        (actions.SECRETARIAT_ROLE_OPEN, lambda r: flows.role_form(r.uow, r.actor)),
        (actions.ERASE_OPEN, lambda r: flows.erase_form(r.uow, r.actor)),
    ):
        on_dialog(router, action_id, open_)
    for callback, store in FORMS:
        on_submit(router, callback, store, told)
