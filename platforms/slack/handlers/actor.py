"""Who is acting, and in which language to answer them.

Language: the import's column, else the Slack locale, else NETVAERK_LANGUAGE (DESIGN.md §4).
The Slack locale is fetched once per person per process; it is not stored.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bot.core.deps import Deps
from bot.core.i18n import Translator, normalise_language
from storage.models import Person

log = logging.getLogger(__name__)

_locales: dict[str, str | None] = {}
_locales_lock = threading.Lock()
_LOCALE_CACHE_MAX = 10_000


@dataclass
class Actor:
    slack_id: str
    person: Person | None
    language: str

    @property
    def t(self) -> Translator:
        return Translator(self.language)


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
        return session.exec(
            select(Person).where(Person.slack_id == slack_id, Person.active == True)  # noqa: E712
        ).first()


def language_for(deps: Deps, client: WebClient, person: Person | None, slack_id: str) -> str:
    known = normalise_language(person.language) if person else None
    return known or slack_locale(client, slack_id) or deps.settings.netvaerk_language


def resolve_actor(deps: Deps, client: WebClient, slack_id: str) -> Actor:
    person = person_by_slack_id(deps, slack_id)
    return Actor(slack_id, person, language_for(deps, client, person, slack_id))
