"""The showcase's use cases end to end: results (the form, the preview, sharing, recognising,
following up, the secretariat's "Prøv igen") and open networks (the call for participants, asking
to join, the leader's answer).

Handlers call these with the acting person; these call the domain (domain.py, open_networks.py),
decide who is told what, render what each reader sees (messages.py) and post through the
chat port (bot/core/chat.py). Channel posts are written in the organisation's language
(NETVAERK_LANGUAGE): a channel has no language of its own.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.core import ui
from bot.core.actor import Actor
from bot.core.chat import ChatPort, DeliveryError, DirectMessages, Sent
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.core.reply import Reply
from bot.showcase import channel_posts, messages, open_networks
from bot.showcase import domain as showcase
from bot.showcase.channel_posts import PostOutcome
from bot.showcase.rules import digest_items
from storage.models import Department, Network, Person
from storage.scheduling_models import OutboxMessage
from storage.showcase_models import ChannelPost, NetworkResult, PostKind, ResultStatus

FormValues = dict[str, str | None]


def department_names(session: Session) -> dict[int, str]:
    departments = session.exec(select(Department).order_by(col(Department.name))).all()
    return {d.id or 0: d.name for d in departments}


def _where(posts: list[ChannelPost], names: dict[int, str]) -> str:
    return ", ".join(names.get(p.department_id, "?") for p in posts)


@dataclass(frozen=True)
class Shared:
    result: NetworkResult
    outcome: PostOutcome


class ShowcaseFlow:
    def __init__(self, deps: Deps, chat: ChatPort) -> None:
        self.deps = deps
        self.notifier = DirectMessages(chat, deps.db)
        self.port = chat

    def t(self, person: Person) -> Translator:
        return Translator(self.deps.language_of(person))

    @property
    def channel_t(self) -> Translator:
        return Translator(self.deps.settings.netvaerk_language)

    # --- the form and the preview -------------------------------------------------------

    def result_form(
        self, actor: Person, achieved: str | None = None, origin: messages.FormOrigin | None = None
    ) -> ui.Form:
        with self.deps.db.session() as session:
            networks = showcase.networks_for_poster(session, actor.id or 0, now().date())
        if not networks:
            raise Refusal("showcase.refusal.no_networks")
        return messages.result_form(self.t(actor), networks, achieved, origin)

    def submit_form(
        self, actor: Person, values: dict[str, str | None], metadata: str
    ) -> tuple[ui.FormErrors, ui.Form | None]:
        """Store the draft and return the preview (or the form's errors)."""
        t = self.t(actor)
        data, errors = messages.read_result_form(t, values, metadata)
        if errors or data is None:
            return errors, None
        with self.deps.db.session() as session:
            try:
                result = showcase.save_draft(session, actor, data)
            except Refusal as refusal:
                errors.add("network", t(refusal.key, **refusal.values))
                return errors, None
            return errors, self._preview(session, t, result, actor)

    def _preview(
        self, session: Session, t: Translator, result: NetworkResult, actor: Person
    ) -> ui.Form:
        network = session.get(Network, result.network_id)
        assert network is not None
        departments = showcase.member_departments(session, result.network_id)
        where = ", ".join(d.name for d in departments) or t("showcase.preview.nowhere")
        role = showcase.role_in(session, network, actor.id or 0)
        return messages.preview_form(t, result, network, actor, role, where)

    # --- sharing ------------------------------------------------------------------------

    def publish(self, actor: Person, result_id: int) -> NetworkResult:
        """Make the draft a shared result (before the modal closes: then it is never lost)."""
        with self.deps.db.session() as session:
            showcase.publish(session, actor, result_id)
            return showcase.get_result(session, result_id)

    def post_result(self, result_id: int) -> PostOutcome:
        return channel_posts.post_all(
            self.deps.db,
            self.port,
            PostKind.RESULT,
            result_id,
            lambda session: self.render_post(session, result_id),
        )

    def render_post(self, session: Session, result_id: int) -> ui.Message | None:
        result = session.get(NetworkResult, result_id)
        if result is None or result.status != ResultStatus.PUBLISHED:
            return None
        network = session.get(Network, result.network_id)
        poster = session.get(Person, result.posted_by_id)
        if network is None or poster is None:
            return None
        role = showcase.role_in(session, network, poster.id or 0)
        return messages.result_post(
            self.channel_t,
            result,
            network,
            poster,
            role,
            showcase.recognisers(session, result_id),
        )

    def share(self, actor: Person, result_id: int) -> Shared:
        """Post to every department and tell the poster where it went and where it did not."""
        outcome = self.post_result(result_id)
        with self.deps.db.session() as session:
            result = showcase.get_result(session, result_id)
            names = {
                post.id: (session.get(Department, post.department_id) or Department(name="?")).name
                for post in outcome.all
            }
        self.notifier.send(
            actor,
            messages.shared_confirmation(
                self.t(actor),
                result,
                [names[p.id] for p in outcome.posted],
                [names[p.id] for p in outcome.digest],
                [(names[p.id], p.error or "other") for p in outcome.failed],
            ),
        )
        return Shared(result, outcome)

    def retry(self, kind: str, ref_id: int) -> PostOutcome | None:
        channel_posts.retry_failed(self.deps.db, kind, ref_id)
        if kind == PostKind.RESULT:
            return self.post_result(ref_id)
        if kind == PostKind.OPEN_CALL:
            return self.post_call(ref_id)
        return None

    def retry_posts(self, actor: Actor, kind: str, ref_id: int) -> Reply:
        """The secretariat's "Prøv igen" on a post that failed: where it went this time."""
        if actor.person is None or not actor.person.is_secretariat:
            raise Refusal("showcase.refusal.not_secretariat")
        outcome = self.retry(kind, ref_id)
        assert outcome is not None
        with self.deps.db.session() as session:
            names = department_names(session)
        posted, failed = _where(outcome.posted, names) or "–", _where(outcome.failed, names) or "–"
        return Reply.text(actor.t("showcase.retry.done", posted=posted, failed=failed))

    # --- recognition --------------------------------------------------------------------

    def recognise(self, actor: Person, result_id: int) -> bool:
        """Record the recognition and show it on every posted copy. False: already done."""
        with self.deps.db.session() as session:
            new = showcase.recognise(session, actor, result_id)
            message = self.render_post(session, result_id) if new else None
        if message is not None:
            channel_posts.update_all(self.deps.db, self.port, PostKind.RESULT, result_id, message)
        return new

    def recognise_clicked(
        self,
        actor: Actor,
        result_id: int,
        digest_id: int | None,
        origin: dict[str, str] | None,
        direct: bool,
    ) -> Reply | None:
        """ "Anerkend" on a post, in a digest (`digest_id`, its outbox row) or in the nudge sent
        by direct message (`direct`): the nudge is done now, so it is answered in place; in a
        channel the person is told only when they had recognised it already."""
        me = actor.require_person()
        new = self.recognise(me, result_id)
        text = self.recognised_text(actor, result_id, new)
        if direct:
            return Reply.instead(text)
        if digest_id is not None and new and origin is not None:
            self.update_digest(digest_id, origin)
        return None if new else Reply.text(text)

    def update_digest(self, outbox_id: int, origin: dict[str, str]) -> None:
        with self.deps.db.session() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None or not origin.get("ts"):
                return
            items = digest_items(session, [int(i) for i in row.payload.get("post_ids", [])])
        message = messages.result_digest(self.channel_t, items, outbox_id)
        # If the update fails the digest stays as it was; the recognition is stored.
        with contextlib.suppress(DeliveryError):
            self.port.update(Sent(origin["channel"], origin["ts"]), message)

    def recognised_text(self, actor: Actor, result_id: int, new: bool) -> str:
        with self.deps.db.session() as session:
            result = showcase.get_result(session, result_id)
            poster = session.get(Person, result.posted_by_id)
        key = "showcase.recognise.done" if new else "showcase.recognise.already"
        return actor.t(key, name=poster.name if poster else "?", title=result.title)

    # --- follow-ups in the thread -------------------------------------------------------

    def follow_up_form(self, actor: Person, result_id: int) -> ui.Form:
        with self.deps.db.session() as session:
            result = showcase.get_result(session, result_id)
        if result.posted_by_id != actor.id:
            raise Refusal("showcase.refusal.not_yours")
        return messages.follow_up_form(self.t(actor), result)

    def follow_up(self, actor: Person, result_id: int, text: str) -> int:
        with self.deps.db.session() as session:
            result = showcase.get_result(session, result_id)
        if result.posted_by_id != actor.id:
            raise Refusal("showcase.refusal.not_yours")
        reply = messages.follow_up_reply(self.channel_t, actor, text)
        return channel_posts.reply_all(self.deps.db, self.port, PostKind.RESULT, result_id, reply)

    def submit_follow_up(
        self, actor: Person, metadata: str, values: FormValues
    ) -> ui.FormErrors | dict[str, object]:
        text = values.get("text")
        if not text:
            errors = ui.FormErrors()
            errors.add("text", self.t(actor)("showcase.error.required"))
            return errors
        return {"result": int(metadata), "text": text}

    def tell_follow_up(self, actor: Person, stored: dict[str, object]) -> None:
        self.follow_up(actor, int(str(stored["result"])), str(stored["text"]))

    # --- open networks: the call, asking to join, the leader's answer --------------------

    def open_call_form(self, actor: Actor) -> ui.Form:
        me = actor.require_person()
        with self.deps.db.session() as session:
            networks = open_networks.led_networks(session, me.id or 0)
            departments = list(
                session.exec(select(Department).order_by(col(Department.name))).all()
            )
        if not networks:
            raise Refusal("showcase.refusal.not_leader")
        return open_networks.open_call_form(actor.t, networks, departments)

    def submit_open_call(
        self, actor: Person, _metadata: str, values: FormValues
    ) -> ui.FormErrors | int:
        with self.deps.db.session() as session:
            call, errors = open_networks.create_call(session, self.t(actor), actor, values)
        if errors or call is None:
            return errors
        return call.id or 0

    def post_call(self, call_id: int) -> PostOutcome:
        return channel_posts.post_all(
            self.deps.db,
            self.port,
            PostKind.OPEN_CALL,
            call_id,
            lambda session: open_networks.render_call(session, self.channel_t, call_id),
        )

    def tell_open_call(self, actor: Person, call_id: int) -> None:
        """Post the call to the departments chosen; tell the leader where it went."""
        outcome = self.post_call(int(call_id))
        with self.deps.db.session() as session:
            names = department_names(session)
        t = self.t(actor)
        posted = _where(outcome.posted, names)
        lines = [t("showcase.open.posted", where=posted)] if outcome.posted else []
        if outcome.failed:
            failed = ui.join(
                "\n",
                (
                    t(
                        "showcase.shared.failed_line",
                        department=names.get(post.department_id, "?"),
                        reason=t(messages.reason_key(post.error or "other")),
                    )
                    for post in outcome.failed
                ),
            )
            lines.append(t("showcase.shared.failed", lines=failed))
        self.notifier.send(actor, messages.answered(ui.join("\n\n", lines)))

    def ask_to_join(self, actor: Actor, call_id: int) -> Reply:
        """ "Vil du være med?": the network's leader is asked; the employee hears so."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            request, new = open_networks.request_join(session, me, call_id)
            network = session.get(Network, request.network_id)
            assert network is not None
            leader = session.get(Person, network.leader_id)
            department = session.get(Department, me.department_id) if me.department_id else None
        assert leader is not None
        if not new:
            return Reply.text(actor.t("showcase.open.already_asked", network=network.name))
        where = department.name if department else "–"
        question = open_networks.join_request_message(self.t(leader), request, network, me, where)
        self.notifier.send(leader, question)
        return Reply.text(actor.t("showcase.open.asked", network=network.name, leader=leader.name))

    def decide_join(self, actor: Actor, request_id: int, yes: bool) -> Reply:
        """The leader's answer replaces the question; the employee is told, and on yes their
        personnel leader too (the seed's task 2 starts there)."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            request, changed = open_networks.decide_join(session, me, request_id, yes)
            network = session.get(Network, request.network_id)
            employee = session.get(Person, request.person_id)
            manager = (
                session.get(Person, employee.manager_id)
                if employee and employee.manager_id
                else None
            )
        assert network is not None and employee is not None
        accepted = request.status == "accepted"
        key = "showcase.open.decided_yes" if accepted else "showcase.open.decided_no"
        answered = Reply.instead(actor.t(key, name=employee.name, network=network.name))
        if not changed:
            return answered
        told = "showcase.open.employee_yes" if yes else "showcase.open.employee_no"
        text = self.t(employee)(told, network=network.name, leader=me.name)
        self.notifier.send(employee, messages.answered(text))
        if yes and manager is not None and manager.active:
            told_manager = open_networks.manager_told(self.t(manager), employee, network, me)
            self.notifier.send(manager, told_manager)
        return answered
