"""Learning who people are on Teams: the sender of every activity (and each member added to a
conversation the bot is in) is matched to the organisation files by email, through the roster.

Teams gives a bot a user's id (`29:…`) and AAD object id, not their email; the roster
(`GET {serviceUrl}/v3/conversations/{id}/members/{userId}`) gives `email` / `userPrincipalName`,
matched to `Person.email` in lower case. What is learnt is kept by
`platforms.teams.identity.remember`: the ids, the 1:1 conversation (personal scope only), the
service URL and the tenant — what the bot needs to write to the person first. The roster is asked
only while the person is not linked yet, or their 1:1 conversation is not the one stored.

`Learner` remembers for a minute who was found linked, so the activities of someone already
known (nearly all of them) cost no database round trip before their work (bench/teams.py). A
minute is how long a change made elsewhere (an erasure, a relinking) can go unnoticed here; the
work itself always reads the person afresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from microsoft_teams.apps import ActivityContext
from sqlmodel import col, func, select

from bot.core.deps import Deps
from platforms.teams import identity
from storage.models import Person

log = logging.getLogger(__name__)


def _known(deps: Deps, user_id: str, conversation_id: str | None) -> bool:
    with deps.db.session() as session:
        row = identity.identity_of(session, user_id)
    if row is None:
        return False
    return conversation_id is None or row.conversation_id == conversation_id


def _link(
    deps: Deps,
    email: str,
    user_id: str,
    activity: dict[str, Any],
    conversation_id: str | None,
    aad_object_id: str | None,
) -> bool:
    """Link the person with this email; False when the organisation files have nobody."""
    with deps.db.session() as session:
        person = session.exec(
            select(Person).where(func.lower(col(Person.email)) == email, col(Person.active))
        ).first()
        if person is None or person.id is None:
            return False
        tenant = (activity.get("channelData") or {}).get("tenant") or {}
        identity.remember(
            session,
            person.id,
            user_id,
            conversation_id=conversation_id,
            service_url=activity.get("serviceUrl"),
            tenant_id=tenant.get("id") or (activity.get("conversation") or {}).get("tenantId"),
            aad_object_id=aad_object_id,
        )
        session.commit()
    return True


class Learner:
    """The `before` hook of every activity (platforms/teams/handlers/listeners.py)."""

    def __init__(self, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.clock = clock
        self._known: dict[tuple[str, str | None], float] = {}  # (user, 1:1 conversation) → until

    async def __call__(
        self, deps: Deps, ctx: ActivityContext[Any], activity: dict[str, Any]
    ) -> None:
        """Learn the sender, and the members added by a `conversationUpdate`."""
        sender = activity.get("from") or {}
        await self.learn_one(
            deps, ctx, activity, str(sender.get("id") or ""), sender.get("aadObjectId")
        )
        for member in activity.get("membersAdded") or []:
            if isinstance(member, dict) and member.get("id") != sender.get("id"):
                await self.learn_one(
                    deps, ctx, activity, str(member.get("id") or ""), member.get("aadObjectId")
                )

    async def learn_one(
        self,
        deps: Deps,
        ctx: ActivityContext[Any],
        activity: dict[str, Any],
        user_id: str,
        aad_object_id: str | None,
    ) -> None:
        conversation = activity.get("conversation") or {}
        conversation_id = str(conversation.get("id") or "")
        personal = conversation.get("conversationType") == "personal"
        if not user_id or user_id.startswith("28:") or not conversation_id:  # 28: is a bot
            return
        key = (user_id, conversation_id if personal else None)
        now = self.clock()
        if self._known.get(key, 0.0) > now:
            return
        if await asyncio.to_thread(_known, deps, *key):
            self._known[key] = now + self.ttl
            return
        try:
            member = await ctx.api.conversations.get_member_by_id(conversation_id, user_id)
        except Exception as error:  # the roster is down or does not know them: try next time
            log.warning("the Teams roster could not be read: %s", type(error).__name__)
            return
        email = (member.email or member.user_principal_name or "").strip().lower()
        if not email:
            return
        linked = await asyncio.to_thread(
            _link, deps, email, user_id, activity, key[1], member.aad_object_id or aad_object_id
        )
        if not linked:
            log.info("a Teams user is not in the organisation files")
