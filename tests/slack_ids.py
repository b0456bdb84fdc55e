"""Tests speak Slack: they know people by Slack user id. The code keeps those ids in
`platform_identities`; these helpers put them there and read them back."""

from __future__ import annotations

from sqlmodel import Session

from bot.core import identity
from platforms.slack.identity import PLATFORM, slack_id_of
from storage.db import Database
from storage.models import Person

_by_email: dict[str, str] = {}


def link_slack(session: Session, person: Person, slack_id: str | None) -> Person:
    """Give a person (already flushed, so with an id) a Slack user id."""
    if slack_id is not None:
        assert person.id is not None
        identity.link(session, person.id, PLATFORM, slack_id)
        _by_email[person.email] = slack_id
    return person


def slack_id(person: Person) -> str:
    """The Slack id a test gave this person with `link_slack`."""
    return _by_email[person.email]


def stored_slack_id(db: Database, person: Person) -> str | None:
    """The Slack id the database holds for this person now."""
    with db.session() as session:
        return slack_id_of(session, person)
