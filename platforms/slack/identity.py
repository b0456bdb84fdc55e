"""People by their Slack user id, and back: the Slack face of `platform_identities`
(bot/core/identity.py). Only the Slack adapter and its handlers use Slack ids."""

from __future__ import annotations

from sqlmodel import Session

from bot.core import identity
from storage.models import Person

PLATFORM = "slack"


def person_by_slack_id(
    session: Session, slack_id: str, *, active_only: bool = True
) -> Person | None:
    """The person with this Slack user id: one indexed join (the ack path)."""
    return identity.person_for(session, PLATFORM, slack_id, active_only=active_only)


def slack_id_of(session: Session, person: Person) -> str | None:
    return identity.user_id(session, person.id or 0, PLATFORM)


def slack_ids_of(
    session: Session, person_ids: list[int], *, active_only: bool = False
) -> dict[int, str]:
    return identity.user_ids(session, person_ids, PLATFORM, active_only=active_only)
