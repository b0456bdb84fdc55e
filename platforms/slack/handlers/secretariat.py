"""The secretariat's actions in Slack: `/netvaerk sekretariat`, `/netvaerk rapport`, and the
buttons in App Home — networks and members, who is secretariat, failed deliveries, erasure, the
report and the audit log. Everyone else is told politely, in their own language."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlmodel import select

from bot.core import actions, audit, ui
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.permissions import Action, PermissionDenied, require
from bot.secretariat import domain as secretariat
from bot.secretariat import report
from bot.secretariat.domain import SecretariatRefusal
from platforms.slack.blocks import (
    action_pattern,
    form_errors,
    read_form,
    render_form,
    render_message,
)
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.actor import Actor, resolve_actor
from platforms.slack.handlers.command import CommandRequest, router
from platforms.slack.handlers.home import refresh_home
from platforms.slack.handlers.listeners import guarded, just_ack
from storage.models import NetworkMember, Person


def _tell(client: WebClient, body: dict[str, Any], actor: Actor, text: str) -> None:
    """An answer to a click: ephemeral under the message when there is one, else a DM (App
    Home has no place for an ephemeral answer)."""
    response_url = body.get("response_url")
    if response_url:
        WebhookClient(response_url).send(
            text=text, response_type="ephemeral", replace_original=False
        )
        return
    client.chat_postMessage(channel=actor.slack_id, text=text)


def _menu(t: Any) -> ui.Message:
    return ui.Message(
        text=t("secretariat.menu.text"),
        parts=(
            ui.Text(t("secretariat.menu.intro")),
            ui.Buttons(
                (
                    ui.Button(t("home.button.network_new"), actions.NETWORK_NEW, style="primary"),
                    ui.Button(t("home.button.secretariat_role"), actions.SECRETARIAT_ROLE_OPEN),
                    ui.Button(t("home.button.report"), actions.REPORT_SEND),
                    ui.Button(t("home.button.audit"), actions.AUDIT_SEND),
                    ui.Button(t("home.button.erase"), actions.ERASE_OPEN, style="danger"),
                )
            ),
        ),
    )


def register(app: App, deps: Deps) -> None:
    def allowed(actor: Actor, action: Action) -> Person | None:
        with deps.db.session() as session:
            person = session.get(Person, actor.person.id) if actor.person else None
            try:
                return require(session, person, action)
            except PermissionDenied:
                return None

    def refusal(actor: Actor, action: Action) -> str:
        if actor.person is None:
            return actor.t("error.not_in_data")
        return actor.t(f"permission.refusal.{action.value}")

    def today(person: Person) -> date:
        return now().astimezone(ZoneInfo(deps.timezone_of(person))).date()

    # --- slash sub-commands -------------------------------------------------------------------

    def menu(request: CommandRequest) -> None:
        actor = request.actor
        if allowed(actor, Action.ORG_OVERVIEW) is None:
            request.ack(text=refusal(actor, Action.ORG_OVERVIEW), response_type="ephemeral")
            return
        request.ack(response_type="ephemeral", **render_message(_menu(actor.t)))

    router.add(("sekretariat", "secretariat"), "secretariat.help.menu", menu)

    def rapport(request: CommandRequest) -> None:
        actor = request.actor
        if allowed(actor, Action.REPORT) is None:
            request.ack(text=refusal(actor, Action.REPORT), response_type="ephemeral")
            return
        request.ack()

    def rapport_later(request: CommandRequest) -> None:
        me = allowed(request.actor, Action.REPORT)
        if me is not None:
            send_report(request.client, request.actor, me)

    router.add(("rapport", "report"), "secretariat.help.report", rapport, rapport_later)

    def send_report(client: WebClient, actor: Actor, me: Person) -> None:
        out = io.StringIO(newline="")
        with deps.db.session() as session:
            count = report.write_overview(session, out, actor.t)
            audit.record(session, audit.person_actor(me.id), "report.generated", "report", None)
            session.commit()
        attachment = ui.Attachment(
            filename="netvaerk-overblik.csv",
            title=actor.t("secretariat.report.title"),
            content=out.getvalue().encode("utf-8"),
        )
        SlackChat(client).send_dm(
            actor.slack_id, ui.Message(actor.t("secretariat.report.text", count=count)), attachment
        )

    def send_audit(client: WebClient, actor: Actor, me: Person) -> None:
        out = io.StringIO(newline="")
        with deps.db.session() as session:
            audit.record(session, audit.person_actor(me.id), "audit.exported", "audit", None)
            session.commit()
            count = report.write_audit(session, out)
        attachment = ui.Attachment(
            filename="netvaerk-audit.csv",
            title=actor.t("secretariat.report.audit_title"),
            content=out.getvalue().encode("utf-8"),
        )
        SlackChat(client).send_dm(
            actor.slack_id,
            ui.Message(actor.t("secretariat.report.audit_text", count=count)),
            attachment,
        )

    # --- buttons ------------------------------------------------------------------------------

    Handler = Callable[[WebClient, dict[str, Any], Actor, Person], None]

    def button(action_id: str, permission: Action) -> Callable[[Handler], Handler]:
        """A secretariat button: ack, check who acts, refuse politely or run `handler`."""

        def wrap(handler: Handler) -> Handler:
            def listener(body: dict[str, Any], client: WebClient) -> None:
                actor = resolve_actor(deps, client, body["user"]["id"])
                me = allowed(actor, permission)
                if me is None:
                    _tell(client, body, actor, refusal(actor, permission))
                    return
                try:
                    handler(client, body, actor, me)
                except PermissionDenied as denied:
                    _tell(client, body, actor, actor.t(denied.key))
                except SecretariatRefusal as refused:
                    _tell(client, body, actor, actor.t(refused.key, **refused.values))

            app.action(action_pattern(action_id))(ack=just_ack, lazy=[guarded(deps, listener)])
            return handler

        return wrap

    def _value(body: dict[str, Any]) -> str:
        return str(body["actions"][0].get("value", ""))

    def _open(client: WebClient, body: dict[str, Any], form: ui.Form) -> None:
        client.views_open(trigger_id=body["trigger_id"], view=render_form(form))

    @button(actions.NETWORK_NEW, Action.NETWORK_CREATE)
    def network_new(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        with deps.db.session() as session:
            form = secretariat.network_form(actor.t, session, None)
        _open(client, body, form)

    @button(actions.NETWORK_EDIT, Action.NETWORK_EDIT)
    def network_edit(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        from storage.models import Network

        with deps.db.session() as session:
            network = session.get(Network, int(_value(body) or 0))
            if network is None:
                raise SecretariatRefusal("secretariat.error.network_gone")
            form = secretariat.network_form(actor.t, session, network)
        _open(client, body, form)

    @button(actions.NETWORK_CLOSE, Action.NETWORK_CLOSE)
    def network_close(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        with deps.db.session() as session:
            network = secretariat.close_network(session, me, int(_value(body) or 0), today(me))
        _tell(client, body, actor, actor.t("secretariat.network.closed", name=network.name))
        refresh_home(deps, client, _network_people(network.id or 0) | {me.id})

    @button(actions.SECRETARIAT_ROLE_OPEN, Action.SECRETARIAT_GRANT)
    def role_open(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        _open(client, body, secretariat.role_form(actor.t))

    @button(actions.ERASE_OPEN, Action.PERSON_ERASE)
    def erase_open(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        _open(client, body, secretariat.erase_form(actor.t))

    @button(actions.DELIVERY_RETRY, Action.DELIVERIES_RETRY)
    def retry(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        value = _value(body)
        with deps.db.session() as session:
            count = secretariat.retry_deliveries(
                session, me, int(value) if value.isdigit() else None
            )
        key = "secretariat.retry.done" if count else "secretariat.retry.none"
        _tell(client, body, actor, actor.t(key, count=count))
        refresh_home(deps, client, [me.id])

    @button(actions.REPORT_SEND, Action.REPORT)
    def report_send(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        send_report(client, actor, me)

    @button(actions.AUDIT_SEND, Action.AUDIT_EXPORT)
    def audit_send(client: WebClient, body: dict[str, Any], actor: Actor, me: Person) -> None:
        send_audit(client, actor, me)

    # --- modal submissions: check and store before the ack, tell after ----------------------

    def _network_people(network_id: int) -> set[int | None]:
        from storage.models import Network

        with deps.db.session() as session:
            network = session.get(Network, network_id)
            if network is None:
                return set()
            members = session.exec(
                select(NetworkMember.person_id).where(NetworkMember.network_id == network_id)
            ).all()
            return {network.leader_id, network.reference_leader_id, *members}

    def _submitter(
        body: dict[str, Any], client: WebClient, action: Action
    ) -> tuple[Actor, Person | None]:
        actor = resolve_actor(deps, client, body["user"]["id"])
        return actor, allowed(actor, action)

    # The ack phase checks and stores (answering Slack with inline errors or closing the modal)
    # and leaves what it did in the context; the lazy phase tells people and refreshes Home.

    def store_network(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        network_id = int(view.get("private_metadata") or 0) or None
        permission = Action.NETWORK_EDIT if network_id else Action.NETWORK_CREATE
        actor, me = _submitter(body, client, permission)
        if me is None:
            ack(response_action="errors", errors={"name": refusal(actor, permission)})
            return
        before = _network_people(network_id) if network_id else set()
        with deps.db.session() as session:
            data, errors = secretariat.read_network(actor.t, session, read_form(view), network_id)
            if errors or data is None:
                ack(**form_errors(errors))
                return
            network = secretariat.save_network(session, me, data, network_id)
        context["done"] = {
            "text": actor.t("secretariat.network.saved", name=network.name),
            "refresh": sorted(i for i in before | _network_people(network.id or 0) | {me.id} if i),
        }
        ack()

    def store_role(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        actor, me = _submitter(body, client, Action.SECRETARIAT_GRANT)
        if me is None:
            ack(
                response_action="errors", errors={"email": refusal(actor, Action.SECRETARIAT_GRANT)}
            )
            return
        values = read_form(view)
        email = values.get("email") or ""
        grant = values.get("change") != secretariat.REVOKE
        with deps.db.session() as session:
            try:
                target = secretariat.set_secretariat(session, me, email, grant)
            except PermissionDenied:
                unknown = actor.t("secretariat.error.unknown_email", email=email[:80])
                ack(response_action="errors", errors={"email": unknown})
                return
            except SecretariatRefusal as refused:
                ack(response_action="errors", errors={"email": actor.t(refused.key)})
                return
        key = "secretariat.role.granted" if grant else "secretariat.role.revoked"
        context["done"] = {"text": actor.t(key, name=target.name), "refresh": [me.id, target.id]}
        ack()

    def store_erase(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        actor, me = _submitter(body, client, Action.PERSON_ERASE)
        if me is None:
            ack(response_action="errors", errors={"email": refusal(actor, Action.PERSON_ERASE)})
            return
        with deps.db.session() as session:
            person, errors = secretariat.read_erase(actor.t, session, read_form(view))
            if errors or person is None:
                ack(**form_errors(errors))
                return
            result = secretariat.erase(session, me, person)
        context["done"] = {
            "text": actor.t(
                "secretariat.erase.done",
                deleted=result.rows_deleted,
                anonymised=result.rows_anonymised,
                scrubbed=result.traces_scrubbed,
            ),
            "refresh": [me.id],
        }
        ack()

    def tell_done(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        done = context.get("done")
        if not done:
            return
        client.chat_postMessage(channel=body["user"]["id"], text=done["text"])
        refresh_home(deps, client, done["refresh"])

    for callback, store in (
        (actions.NETWORK_FORM, store_network),
        (actions.SECRETARIAT_ROLE_FORM, store_role),
        (actions.ERASE_FORM, store_erase),
    ):
        app.view(callback)(ack=store, lazy=[guarded(deps, tell_done)])
