"""App Home: published when a person opens the Home tab, and again after every action that
changes what they see (`refresh_home`, called by the other handlers)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import col, select

from bot.core import actions, ui
from bot.core.clock import now
from bot.core.deps import Deps
from bot.home.sections import HomeContext, build_home
from bot.privacy.domain import retention_policy
from platforms.slack.blocks import action_pattern, render_home
from platforms.slack.handlers.actor import Actor, resolve_actor
from platforms.slack.handlers.listeners import guarded, just_ack
from storage.models import Person

log = logging.getLogger(__name__)


def home_view(deps: Deps, actor: Actor, page: int = 0) -> dict[str, Any]:
    t = actor.t
    with deps.db.session() as session:
        person = session.get(Person, actor.person.id) if actor.person else None
        tz = deps.timezone_of(person) if person else deps.settings.netvaerk_timezone
        ctx = HomeContext(t=t, tz=tz, now=now(), retention=retention_policy(deps.calendar.policy))
        parts = build_home(session, person, ctx)
    return render_home(
        parts,
        page,
        more=ui.Button(t("home.button.more"), actions.HOME_PAGE),
        back=ui.Button(t("home.button.back"), actions.HOME_PAGE),
    )


def publish_home(deps: Deps, client: WebClient, slack_id: str, page: int = 0) -> None:
    actor = resolve_actor(deps, client, slack_id)
    client.views_publish(user_id=slack_id, view=home_view(deps, actor, page))


def refresh_home(deps: Deps, client: WebClient, person_ids: Iterable[int | None]) -> None:
    """Publish the Home tab again for these people (after a change they would see). A failure
    is logged and does not undo the change."""
    ids = sorted({i for i in person_ids if i is not None})
    if not ids:
        return
    with deps.db.session() as session:
        slack_ids = session.exec(
            select(Person.slack_id).where(
                col(Person.id).in_(ids), col(Person.active), col(Person.slack_id).is_not(None)
            )
        ).all()
    for slack_id in slack_ids:
        try:
            publish_home(deps, client, str(slack_id))
        except SlackApiError as error:
            log.warning("views.publish failed: %s", error.response.get("error"))


def register(app: App, deps: Deps) -> None:
    def opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(deps, client, str(event["user"]))

    def page(body: dict[str, Any], client: WebClient) -> None:
        value = str(body["actions"][0].get("value", "0"))
        publish_home(deps, client, body["user"]["id"], int(value) if value.isdigit() else 0)

    app.event("app_home_opened")(ack=just_ack, lazy=[guarded(deps, opened)])
    app.action(action_pattern(actions.HOME_PAGE))(ack=just_ack, lazy=[guarded(deps, page)])


def refresh_conversation(deps: Deps, client: WebClient, conversation_id: int | None) -> None:
    """Refresh both parties' Home after a change to their conversation."""
    from storage.models import Conversation

    if conversation_id is None:
        return
    with deps.db.session() as session:
        conversation = session.get(Conversation, conversation_id)
    if conversation is not None:
        refresh_home(deps, client, [conversation.employee_id, conversation.manager_id])
