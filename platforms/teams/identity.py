"""People by their Teams user id, and what Teams needs to write to them first: the Teams face of
`platform_identities` (bot/core/identity.py). Only the Teams adapter and its handlers use it.

A bot can write to a person in Teams only in a conversation: their 1:1 chat with the bot, whose
id and Bot Connector service URL are learned from any activity they send (install, message,
click) or made once by creating the conversation (platforms/teams/chat.py).
"""

from __future__ import annotations

from sqlmodel import Session, select

from bot.core import identity
from bot.core.clock import now
from storage.models import Person, PlatformIdentity

PLATFORM = "teams"


def remember(
    session: Session,
    person_id: int,
    user_id: str,
    *,
    conversation_id: str | None = None,
    service_url: str | None = None,
    tenant_id: str | None = None,
    aad_object_id: str | None = None,
) -> PlatformIdentity:
    """Record the person's Teams id and whatever of their conversation is known (a value not
    given keeps what was stored). `updated_at` moves: the person was seen on Teams now, which
    is how delivery picks the platform for someone on both (schedules/routing.py)."""
    identity.link(session, person_id, PLATFORM, user_id)
    row = _row(session, PLATFORM, user_id)
    assert row is not None
    for name, value in (
        ("conversation_id", conversation_id),
        ("service_url", service_url),
        ("tenant_id", tenant_id),
        ("aad_object_id", aad_object_id),
    ):
        if value:
            setattr(row, name, value)
    row.updated_at = now()
    session.add(row)
    session.flush()
    return row


def _row(session: Session, platform: str, user_id: str) -> PlatformIdentity | None:
    return session.exec(
        select(PlatformIdentity).where(
            PlatformIdentity.platform == platform, PlatformIdentity.user_id == user_id
        )
    ).first()


def identity_of(session: Session, user_id: str) -> PlatformIdentity | None:
    """The stored Teams identity with this user id (29:…), if any."""
    return _row(session, PLATFORM, user_id)


def conversation_of(session: Session, user_id: str) -> tuple[str, str | None] | None:
    """The person's 1:1 conversation with the bot and its service URL, when one is known."""
    row = _row(session, PLATFORM, user_id)
    if row is None or not row.conversation_id:
        return None
    return row.conversation_id, row.service_url


def person_by_teams_id(
    session: Session, teams_id: str, *, active_only: bool = True
) -> Person | None:
    """The person with this Teams user id: one indexed join (the invoke path)."""
    return identity.person_for(session, PLATFORM, teams_id, active_only=active_only)
