"""Listeners for results, recognition, department meetings and open networks (issue 5):
`/netvaerk resultat`, `/netvaerk afdeling`, `/netvaerk deltagere`, the message shortcut
"Del som netværksresultat", their modals and buttons. Thin: who acts, a service, render.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import actions
from bot.core.actor import Actor
from bot.core.chat import DeliveryError, DirectMessages, Sent
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.meetings import domain as meetings
from bot.meetings.commands import DEPARTMENT
from bot.showcase import commands, messages, open_networks
from bot.showcase import domain as showcase
from bot.showcase.channel_posts import post_all
from bot.showcase.flows import ShowcaseFlow
from bot.showcase.rules import digest_items
from platforms.slack.actor import slack_actor as resolve_actor
from platforms.slack.blocks import (
    action_pattern,
    form_errors,
    read_form,
    render_form,
    render_message,
)
from platforms.slack.chat import SlackChat
from platforms.slack.handlers.command import CommandRequest, Route
from platforms.slack.handlers.listeners import guarded, just_ack
from storage.models import Department, Network, Person
from storage.scheduling_models import OutboxMessage
from storage.showcase_models import PostKind

SOURCE_TEXT_MAX = messages.SOURCE_TEXT_MAX


def _flow(deps: Deps, client: WebClient) -> ShowcaseFlow:
    return ShowcaseFlow(deps, SlackChat(client))


def _direct(deps: Deps, client: WebClient) -> DirectMessages:
    return DirectMessages(SlackChat(client), deps.db)


def _say(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _replace(respond: Respond, text: str) -> None:
    respond(**render_message(messages.answered(text)), replace_original=True)


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value", ""))


def _refusal(actor: Actor, refusal: Refusal) -> str:
    return actor.t(refusal.key, **refusal.values)


def _where(posts: list[Any], names: dict[int, str]) -> list[str]:
    return [names.get(p.department_id, "?") for p in posts]


ROUTES: list[Route] = []


def register(app: App, deps: Deps) -> None:
    ROUTES.clear()

    def actor_of(client: WebClient, user_id: str) -> Actor:
        return resolve_actor(deps, client, user_id)

    # --- results: the command, the shortcut, the form and the preview -------------------

    def open_result_form(
        client: WebClient,
        trigger_id: str,
        actor: Actor,
        say: Any,
        achieved: str | None = None,
        origin: messages.FormOrigin | None = None,
    ) -> None:
        if actor.person is None:
            say(actor.t("error.not_in_data"))
            return
        try:
            form = _flow(deps, client).result_form(actor.person, achieved, origin)
        except Refusal as refusal:
            say(_refusal(actor, refusal))
            return
        client.views_open(trigger_id=trigger_id, view=render_form(form))

    def result_command(request: CommandRequest) -> None:
        request.ack()  # sent when this returns, right after the modal is opened
        open_result_form(
            request.client,
            request.trigger_id,
            request.actor,
            lambda text: _say(request.respond, text),
        )

    ROUTES.append(Route(commands.RESULT, result_command))

    def shortcut(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        actor = actor_of(client, body["user"]["id"])
        message = body.get("message") or {}
        text = str(message.get("text") or "")[:SOURCE_TEXT_MAX]
        origin = messages.FormOrigin(
            channel=(body.get("channel") or {}).get("id"), ts=body.get("message_ts")
        )
        open_result_form(
            client, body["trigger_id"], actor, lambda text: _say(respond, text), text, origin
        )

    app.shortcut(actions.RESULT_SHORTCUT)(shortcut)

    def open_from_button(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        open_result_form(client, body["trigger_id"], actor, lambda text: _say(respond, text))

    def store_form(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            ack(response_action="errors", errors={"title": actor.t("error.not_in_data")})
            return
        errors, preview = _flow(deps, client).submit_form(
            actor.person, read_form(view), view.get("private_metadata") or ""
        )
        if errors or preview is None:
            ack(**form_errors(errors))
            return
        ack(response_action="push", view=render_form(preview))

    def store_preview(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            ack(response_action="clear")
            return
        try:
            result = _flow(deps, client).publish(actor.person, int(view["private_metadata"]))
        except Refusal:
            ack(response_action="clear")
            return
        context["result_id"] = result.id
        ack(response_action="clear")  # closes the preview and the form under it

    def share(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if "result_id" not in context:
            return
        actor = actor_of(client, body["user"]["id"])
        assert actor.person is not None
        _flow(deps, client).share(actor.person, int(context["result_id"]))

    # --- recognition --------------------------------------------------------------------

    def recognise(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            _say(respond, actor.t("error.not_in_data"))
            return
        value = _value(body)
        result_part, _, digest_part = value.partition(":")
        flow = _flow(deps, client)
        try:
            new = flow.recognise(actor.person, int(result_part))
        except Refusal as refusal:
            _say(respond, _refusal(actor, refusal))
            return
        text = flow.recognised_text(actor.person, int(result_part), new)
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or "")
        if channel.startswith("D"):  # the nudge in a DM: it is done now
            _replace(respond, text)
            return
        if digest_part.startswith("d") and new:
            update_digest(client, int(digest_part[1:]), channel, container.get("message_ts"))
        if not new:
            _say(respond, text)

    def update_digest(client: WebClient, outbox_id: int, channel: str, ts: str | None) -> None:
        with deps.db.session() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None or not ts:
                return
            items = digest_items(session, [int(i) for i in row.payload.get("post_ids", [])])
        message = messages.result_digest(
            Translator(deps.settings.netvaerk_language), items, outbox_id
        )
        # If the update fails the digest stays as it was; the recognition is stored.
        with contextlib.suppress(DeliveryError):
            SlackChat(client).update(Sent(channel, ts), message)

    def follow_up_open(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            return
        try:
            form = _flow(deps, client).follow_up_form(actor.person, int(_value(body)))
        except Refusal as refusal:
            _say(respond, _refusal(actor, refusal))
            return
        client.views_open(trigger_id=body["trigger_id"], view=render_form(form))

    def store_follow_up(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        text = read_form(view).get("text")
        if not text:
            actor = actor_of(client, body["user"]["id"])
            ack(response_action="errors", errors={"text": actor.t("showcase.error.required")})
            return
        context["follow_up"] = {"result": int(view["private_metadata"]), "text": text}
        ack()

    def post_follow_up(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if "follow_up" not in context:
            return
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            return
        data = context["follow_up"]
        _flow(deps, client).follow_up(actor.person, int(data["result"]), str(data["text"]))

    def retry(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None or not actor.person.is_secretariat:
            _say(respond, actor.t("showcase.refusal.not_secretariat"))
            return
        kind, _, ref = _value(body).partition(":")
        flow = _flow(deps, client)
        if kind == PostKind.OPEN_CALL:
            from bot.showcase.channel_posts import retry_failed

            retry_failed(deps.db, kind, int(ref))
            outcome = post_call(client, int(ref))
        else:
            found = flow.retry(kind, int(ref))
            assert found is not None
            outcome = found
        with deps.db.session() as session:
            names = {d.id or 0: d.name for d in session.exec(_departments()).all()}
        _say(
            respond,
            actor.t(
                "showcase.retry.done",
                posted=", ".join(_where(outcome.posted, names)) or "–",
                failed=", ".join(_where(outcome.failed, names)) or "–",
            ),
        )

    # --- department settings and meetings -------------------------------------------------

    def department_command(request: CommandRequest) -> None:
        request.ack()
        open_department_form(
            request.client,
            request.trigger_id,
            request.actor,
            request.args,
            lambda text: _say(request.respond, text),
        )

    ROUTES.append(Route(DEPARTMENT, department_command))

    def open_department_form(
        client: WebClient, trigger_id: str, actor: Actor, wanted: str, say: Any
    ) -> None:
        if actor.person is None:
            say(actor.t("error.not_in_data"))
            return
        with deps.db.session() as session:
            allowed = meetings.departments_for(session, actor.person)
            if not allowed:
                say(actor.t("showcase.refusal.not_department_leader"))
                return
            chosen = next(
                (d for d in allowed if wanted and d.name.lower() == wanted.strip().lower()), None
            ) or next((d for d in allowed if d.id == actor.person.department_id), allowed[0])
            form = meetings.department_form(
                actor.t, allowed, chosen, showcase.showcase_settings(session, chosen.id or 0)
            )
        client.views_open(trigger_id=trigger_id, view=render_form(form))

    def department_open(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        with deps.db.session() as session:
            department = session.get(Department, int(_value(body) or 0))
        open_department_form(
            client,
            body["trigger_id"],
            actor,
            department.name if department else "",
            lambda text: _say(respond, text),
        )

    def store_department(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            ack(response_action="errors", errors={"weekday": actor.t("error.not_in_data")})
            return
        data, errors = meetings.read_department_form(actor.t, read_form(view))
        if errors or data is None:
            ack(**form_errors(errors))
            return
        department_id = int(json.loads(view["private_metadata"])["department"])
        with deps.db.session() as session:
            try:
                department, switched_on = meetings.save_department(
                    session, actor.person, department_id, data
                )
            except Refusal as refusal:
                ack(response_action="errors", errors={"weekday": _refusal(actor, refusal)})
                return
        context["department"] = {"id": department.id, "join": switched_on}
        ack()

    def after_department(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if "department" not in context:
            return
        actor = actor_of(client, body["user"]["id"])
        with deps.db.session() as session:
            department = session.get(Department, int(context["department"]["id"]))
        if department is None or actor.person is None:
            return
        lines = [actor.t("showcase.department.saved", department=department.name)]
        if context["department"]["join"] and department.channel:
            # The digest goes through the outbox, which does not join channels: join now.
            try:
                SlackChat(client).join(department.channel)
            except DeliveryError as error:
                lines.append(
                    actor.t(
                        "showcase.department.join_failed",
                        channel=department.channel,
                        reason=actor.t(messages.reason_key(error.code)),
                    )
                )
        _direct(deps, client).send(actor.person, messages.answered("\n".join(lines)))

    def meeting_invite(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            _say(respond, actor.t("error.not_in_data"))
            return
        department_id, meeting, person_id = _value(body).split(":")
        with deps.db.session() as session:
            try:
                invitation, new = meetings.invite(
                    session,
                    actor.person,
                    int(department_id),
                    date.fromisoformat(meeting),
                    int(person_id),
                    now().date(),
                )
            except Refusal as refusal:
                _say(respond, _refusal(actor, refusal))
                return
            employee = session.get(Person, invitation.person_id)
            department = session.get(Department, invitation.department_id)
        assert employee is not None and department is not None
        if new:
            t = Translator(deps.language_of(employee))
            sent = _direct(deps, client).send(
                employee, meetings.invitation_message(t, invitation, department, actor.person)
            )
            key = "showcase.meeting.invited" if sent else "showcase.meeting.invite_failed"
        else:
            key = "showcase.meeting.already_invited"
        _say(respond, actor.t(key, name=employee.name))

    def meeting_answer(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            return
        invitation_id, answer = _value(body).split(":")
        with deps.db.session() as session:
            try:
                invitation, changed = meetings.answer_invitation(
                    session, actor.person, int(invitation_id), answer == "yes"
                )
            except Refusal as refusal:
                _say(respond, _refusal(actor, refusal))
                return
            department = session.get(Department, invitation.department_id)
            inviter = session.get(Person, invitation.invited_by_id)
        assert department is not None
        _replace(respond, meetings.own_answer_text(actor.t, invitation, department))
        if changed and inviter is not None:
            t = Translator(deps.language_of(inviter))
            _direct(deps, client).send(
                inviter,
                messages.answered(
                    meetings.invitation_answer_text(t, invitation, department, actor.person)
                ),
            )

    def presented(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            return
        department_id, meeting, answer = _value(body).split(":")
        with deps.db.session() as session:
            try:
                meetings.record_presented(
                    session,
                    actor.person,
                    int(department_id),
                    date.fromisoformat(meeting),
                    answer == "yes",
                )
            except Refusal as refusal:
                _say(respond, _refusal(actor, refusal))
                return
        _replace(respond, actor.t(f"showcase.meeting.follow_up.thanks_{answer}"))

    # --- open networks ----------------------------------------------------------------------

    def open_call_command(request: CommandRequest) -> None:
        request.ack()
        actor = request.actor
        if actor.person is None:
            _say(request.respond, actor.t("error.not_in_data"))
            return
        with deps.db.session() as session:
            networks = open_networks.led_networks(session, actor.person.id or 0)
            departments = list(session.exec(_departments()).all())
        if not networks:
            _say(request.respond, actor.t("showcase.refusal.not_leader"))
            return
        form = open_networks.open_call_form(actor.t, networks, departments)
        request.client.views_open(trigger_id=request.trigger_id, view=render_form(form))

    ROUTES.append(Route(commands.OPEN_CALL, open_call_command))

    def store_open_call(
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: WebClient,
        context: BoltContext,
    ) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            ack(response_action="errors", errors={"network": actor.t("error.not_in_data")})
            return
        with deps.db.session() as session:
            call, errors = open_networks.create_call(
                session, actor.t, actor.person, read_form(view)
            )
        if errors or call is None:
            ack(**form_errors(errors))
            return
        context["call_id"] = call.id
        ack()

    def post_call(client: WebClient, call_id: int) -> Any:
        t = Translator(deps.settings.netvaerk_language)
        return post_all(
            deps.db,
            SlackChat(client),
            PostKind.OPEN_CALL,
            call_id,
            lambda session: open_networks.render_call(session, t, call_id),
        )

    def after_open_call(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if "call_id" not in context:
            return
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            return
        outcome = post_call(client, int(context["call_id"]))
        with deps.db.session() as session:
            names = {d.id or 0: d.name for d in session.exec(_departments()).all()}
        failed = [(names.get(p.department_id, "?"), p.error or "other") for p in outcome.failed]
        lines = []
        if outcome.posted:
            lines.append(
                actor.t("showcase.open.posted", where=", ".join(_where(outcome.posted, names)))
            )
        if failed:
            lines.append(
                actor.t(
                    "showcase.shared.failed",
                    lines="\n".join(
                        actor.t(
                            "showcase.shared.failed_line",
                            department=name,
                            reason=actor.t(messages.reason_key(code)),
                        )
                        for name, code in failed
                    ),
                )
            )
        _direct(deps, client).send(actor.person, messages.answered("\n\n".join(lines)))

    def join(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            _say(respond, actor.t("error.not_in_data"))
            return
        with deps.db.session() as session:
            try:
                request, new = open_networks.request_join(session, actor.person, int(_value(body)))
            except Refusal as refusal:
                _say(respond, _refusal(actor, refusal))
                return
            network = session.get(Network, request.network_id)
            assert network is not None
            leader = session.get(Person, network.leader_id)
            department = (
                session.get(Department, actor.person.department_id)
                if actor.person.department_id
                else None
            )
        assert leader is not None
        if not new:
            _say(respond, actor.t("showcase.open.already_asked", network=network.name))
            return
        t = Translator(deps.language_of(leader))
        _direct(deps, client).send(
            leader,
            open_networks.join_request_message(
                t, request, network, actor.person, department.name if department else "–"
            ),
        )
        _say(respond, actor.t("showcase.open.asked", network=network.name, leader=leader.name))

    def decide(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        actor = actor_of(client, body["user"]["id"])
        if actor.person is None:
            return
        request_id, answer = _value(body).split(":")
        yes = answer == "yes"
        with deps.db.session() as session:
            try:
                request, changed = open_networks.decide_join(
                    session, actor.person, int(request_id), yes
                )
            except Refusal as refusal:
                _say(respond, _refusal(actor, refusal))
                return
            network = session.get(Network, request.network_id)
            employee = session.get(Person, request.person_id)
            manager = (
                session.get(Person, employee.manager_id)
                if employee and employee.manager_id
                else None
            )
        assert network is not None and employee is not None
        key = (
            "showcase.open.decided_yes"
            if request.status == "accepted"
            else "showcase.open.decided_no"
        )
        _replace(respond, actor.t(key, name=employee.name, network=network.name))
        if not changed:
            return
        notifier = _direct(deps, client)
        te = Translator(deps.language_of(employee))
        notifier.send(
            employee,
            messages.answered(
                te(
                    "showcase.open.employee_yes" if yes else "showcase.open.employee_no",
                    network=network.name,
                    leader=actor.person.name,
                )
            ),
        )
        if yes and manager is not None and manager.active:
            tm = Translator(deps.language_of(manager))
            notifier.send(manager, open_networks.manager_told(tm, employee, network, actor.person))

    # --- registration -------------------------------------------------------------------

    for action, work in (
        (actions.RESULT_OPEN, open_from_button),
        (actions.RESULT_RECOGNISE, recognise),
        (actions.RESULT_FOLLOW_UP, follow_up_open),
        (actions.RESULT_RETRY, retry),
        (actions.DEPARTMENT_OPEN, department_open),
        (actions.MEETING_INVITE, meeting_invite),
        (actions.MEETING_INVITE_ANSWER, meeting_answer),
        (actions.MEETING_PRESENTED, presented),
        (actions.OPEN_CALL_JOIN, join),
        (actions.JOIN_DECIDE, decide),
    ):
        app.action(action_pattern(action))(ack=just_ack, lazy=[guarded(work)])

    app.view(actions.RESULT_FORM)(store_form)
    for callback, store, later in (
        (actions.RESULT_PREVIEW, store_preview, share),
        (actions.FOLLOW_UP_FORM, store_follow_up, post_follow_up),
        (actions.DEPARTMENT_FORM, store_department, after_department),
        (actions.OPEN_CALL_FORM, store_open_call, after_open_call),
    ):
        app.view(callback)(ack=store, lazy=[guarded(later)])


def _departments() -> Any:
    from sqlmodel import col, select

    return select(Department).order_by(col(Department.name))
