"""What the Teams delivery tests share: people put into the emulated tenant, Teams settings,
the adapter; reminders are queued as for Slack (tests/delivery_support.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from freezegun import freeze_time

from bot.core.deps import Deps
from emulator.microsoft import MicrosoftCloud
from emulator.microsoft.records import TeamsUser
from platforms.teams.chat import TeamsChat
from platforms.teams.identity import remember
from platforms.teams.sdk import bot_credentials
from schedules.delivery import Delivery
from storage.db import Database
from storage.models import Person
from tests.delivery_support import queue_theme_invites
from tests.schedule_support import Org, make_deps

queue = queue_theme_invites  # theme invitations straight into the outbox


def everyone(org: Org) -> list[Person]:
    return [org.mette, org.lars, org.anne, org.soren, org.fatima, org.ida]


def on_teams(
    db: Database, cloud: MicrosoftCloud, people: list[Person], *, known: bool = False, **kw: Any
) -> dict[int, TeamsUser]:
    """Each person in the tenant and linked by their Teams id; `known`: their 1:1 conversation
    is stored too (learned from an activity they sent)."""
    users = {}
    with db.session() as session:
        for person in people:
            user = cloud.add_user(person.name, person.email, **kw)
            conversation = cloud.personal_conversation_id(user) if known else None
            service_url = cloud.service_url if known else None
            remember(
                session,
                person.id or 0,
                user.teams_id,
                conversation_id=conversation,
                service_url=service_url,
                aad_object_id=user.aad_object_id,
            )
            users[person.id or 0] = user
        session.commit()
    return users


def teams_deps(db: Database, cloud: MicrosoftCloud) -> Deps:
    return make_deps(db, **cloud.teams_settings())


def teams_chat(deps: Deps) -> TeamsChat:
    return TeamsChat(deps.settings, deps.db, bot_credentials(deps.settings))


def run(deps: Deps, transport: Any, at: Any, **kw: Any) -> Any:
    with freeze_time(at) as frozen:
        return Delivery(deps, transport, sleep=lambda s: frozen.tick(s), **kw).run()


def outbox_ids_posted(cloud: MicrosoftCloud) -> Counter[str]:
    """How many times each outbox id reached Teams (it travels in channelData)."""
    return Counter(
        str(call.body["channelData"]["netvaerk"]["outbox_id"])
        for call in cloud.calls
        if call.kind == "send" and call.status == 201
    )
