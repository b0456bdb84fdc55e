"""Publishing App Home: when a person opens the Home tab, and again after every action that
changes what they see (`refresh_home`, called by the listeners after their flow)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import actions, ui
from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.unit_of_work import UnitOfWork
from bot.home.flows import conversation_parties, home_parts
from platforms.slack.actor import slack_actor
from platforms.slack.blocks import render_home
from platforms.slack.identity import slack_ids_of

log = logging.getLogger(__name__)


def home_view(deps: Deps, uow: UnitOfWork, actor: Actor, page: int = 0) -> dict[str, Any]:
    t = actor.t
    person = actor.person
    return render_home(
        home_parts(deps, uow, person.id if person else None, t),
        page,
        more=ui.Button(t("home.button.more"), actions.HOME_PAGE),
        back=ui.Button(t("home.button.back"), actions.HOME_PAGE),
    )


def publish_home(
    deps: Deps, uow: UnitOfWork, client: WebClient, actor: Actor, page: int = 0
) -> None:
    client.views_publish(user_id=actor.user_id, view=home_view(deps, uow, actor, page))


def refresh_home(
    deps: Deps, uow: UnitOfWork, client: WebClient, person_ids: Iterable[int | None]
) -> None:
    """Publish the Home tab again for these people (after a change they would see). A failure
    is logged and does not undo the change."""
    ids = sorted({i for i in person_ids if i is not None})
    if not ids:
        return
    with uow as session:
        slack_ids = slack_ids_of(session, ids, active_only=True)
    for slack_id in slack_ids.values():
        try:
            publish_home(deps, uow, client, slack_actor(deps, client, str(slack_id)))
        except SlackApiError as error:
            log.warning("views.publish failed: %s", error.response.get("error"))


def refresh_conversation(
    deps: Deps, uow: UnitOfWork, client: WebClient, conversation_id: int | None
) -> None:
    """Refresh both parties' Home after a change to their conversation."""
    refresh_home(deps, uow, client, conversation_parties(uow, conversation_id))
