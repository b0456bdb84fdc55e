"""Who a Slack user is to us, and in which language to answer them.

Language: the import's column, else the Slack locale, else NETVAERK_LANGUAGE (DESIGN.md §4).
The Slack locale is fetched once per person per process; it is not stored.
"""

from __future__ import annotations

import logging
import re
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.i18n import normalise_language
from bot.organisation.people import Standing, standing_of
from platforms.slack import identity
from storage.models import Person

log = logging.getLogger(__name__)

_locales: dict[str, str | None] = {}
_locales_lock = threading.Lock()
_LOCALE_CACHE_MAX = 10_000


def slack_locale(client: WebClient, slack_id: str) -> str | None:
    with _locales_lock:
        if slack_id in _locales:
            return _locales[slack_id]
    try:
        user = client.users_info(user=slack_id, include_locale=True)["user"]
        locale = normalise_language(user.get("locale"))
    except SlackApiError as error:
        log.warning("users.info failed for a user: %s", error.response.get("error"))
        locale = None
    with _locales_lock:
        if len(_locales) >= _LOCALE_CACHE_MAX:
            _locales.clear()
        _locales[slack_id] = locale
    return locale


def person_by_slack_id(deps: Deps, slack_id: str) -> Person | None:
    with deps.db.session() as session:
        return identity.person_by_slack_id(session, slack_id)


def person_locale(deps: Deps, client: WebClient, person: Person) -> str | None:
    """The Slack locale of a person the import gave no language (Deps.platform_language)."""
    with deps.db.session() as session:
        slack_id = identity.slack_id_of(session, person)
    return slack_locale(client, slack_id) if slack_id else None


class SlackActor(Actor):
    """The acting Slack user, looked up when first needed: with their manager and networks, read
    in the same one query (bot/organisation/people.py: Standing), for the flows that need them."""

    def __init__(self, deps: Deps, client: WebClient, slack_id: str) -> None:
        super().__init__(identity.PLATFORM, slack_id, self._standing_and_language)
        self._deps, self._client = deps, client
        self.standing: Standing | None = None

    def _standing_and_language(self, user_id: str) -> tuple[Person | None, str]:
        with self._deps.db.session() as session:
            self.standing = standing_of(session, identity.PLATFORM, user_id)
        person = self.standing.person if self.standing else None
        known = normalise_language(person.language) if person else None
        fallback = self._deps.settings.netvaerk_language
        return person, known or slack_locale(self._client, user_id) or fallback


def slack_actor(deps: Deps, client: WebClient, slack_id: str) -> SlackActor:
    """The acting Slack user, looked up when first needed."""
    return SlackActor(deps, client, slack_id)


_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")


def mentioned_user(text: str) -> str | None:
    """The Slack user id a command's first word mentions (`<@U123>` or `<@U123|name>`)."""
    words = text.split()
    match = _MENTION.match(words[0]) if words else None
    return match.group(1) if match else None
