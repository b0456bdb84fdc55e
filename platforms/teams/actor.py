"""Who a Teams user is to us, and in which language to answer them.

Language: the import's column, else the locale the Teams client sent with the activity, else
NETVAERK_LANGUAGE (DESIGN.md §4) — the Teams twin of the Slack locale.
"""

from __future__ import annotations

from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.i18n import normalise_language
from bot.organisation.people import Standing, standing_of
from storage.models import Person

PLATFORM = "teams"


class TeamsActor(Actor):
    """The Teams user who sent the activity (their `29:…` id), looked up when first needed: with
    their manager and networks (bot/organisation/people.py: Standing), as on Slack."""

    def __init__(self, deps: Deps, user_id: str, locale: str | None = None) -> None:
        super().__init__(PLATFORM, user_id, self._standing_and_language)
        self._deps, self._locale = deps, locale
        self.standing: Standing | None = None

    def _standing_and_language(self, user_id: str) -> tuple[Person | None, str]:
        with self._deps.db.session() as session:
            self.standing = standing_of(session, PLATFORM, user_id)
        person = self.standing.person if self.standing else None
        known = normalise_language(person.language) if person else None
        fallback = self._deps.settings.netvaerk_language
        return person, known or normalise_language(self._locale) or fallback

    def forget(self) -> None:
        """Look the person up again (after the roster has just linked them)."""
        self._found = None
        self.standing = None
