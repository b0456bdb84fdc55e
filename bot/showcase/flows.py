"""The result use cases end to end: the form, the preview, sharing, recognising, following up.

Handlers call these with the acting person; these call the domain (showcase.py), render what
each reader sees (showcase_messages.py) and post through the chat port (bot/core/chat.py).
Channel posts are written in the organisation's language (NETVAERK_LANGUAGE): a channel has
no language of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.core import ui
from bot.core.chat import ChatPort, DirectMessages
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.showcase import channel_posts, messages
from bot.showcase import domain as showcase
from bot.showcase.channel_posts import PostOutcome
from storage.models import Department, Network, Person
from storage.showcase_models import NetworkResult, PostKind, ResultStatus


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
        return None

    # --- recognition --------------------------------------------------------------------

    def recognise(self, actor: Person, result_id: int) -> bool:
        """Record the recognition and show it on every posted copy. False: already done."""
        with self.deps.db.session() as session:
            new = showcase.recognise(session, actor, result_id)
            message = self.render_post(session, result_id) if new else None
        if message is not None:
            channel_posts.update_all(self.deps.db, self.port, PostKind.RESULT, result_id, message)
        return new

    def recognised_text(self, actor: Person, result_id: int, new: bool) -> str:
        with self.deps.db.session() as session:
            result = showcase.get_result(session, result_id)
            poster = session.get(Person, result.posted_by_id)
        key = "showcase.recognise.done" if new else "showcase.recognise.already"
        return self.t(actor)(key, name=poster.name if poster else "?", title=result.title)

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

    def person(self, person_id: int) -> Person | None:
        with self.deps.db.session() as session:
            return session.get(Person, person_id)
