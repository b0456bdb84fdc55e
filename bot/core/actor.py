"""Who is acting in a request, and in which language to answer them.

The platform adapter builds one per request (for Slack: the context middleware) and hands it to
the flows. It is resolved on first use, so a click is acknowledged before any lookup is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.i18n import Translator
from bot.core.refusal import NotInData
from storage.models import Person

# platform user id -> (the active person with that id or None, their language)
Resolver = Callable[[str], tuple[Person | None, str]]


class Actor:
    def __init__(self, platform: str, user_id: str, resolve: Resolver) -> None:
        self.platform = platform  # whose id `user_id` is (the key in platform_identities)
        self.user_id = user_id  # the platform's own id for the person, opaque to the domain
        self._resolve = resolve
        self._found: tuple[Person | None, str] | None = None

    def _lookup(self) -> tuple[Person | None, str]:
        # Not functools.cached_property: on Python 3.11 it holds one lock per class, which would
        # make concurrent requests wait on each other's lookups. A race only looks up twice.
        if self._found is None:
            self._found = self._resolve(self.user_id)
        return self._found

    @property
    def person(self) -> Person | None:
        return self._lookup()[0]

    @property
    def language(self) -> str:
        return self._lookup()[1]

    @property
    def t(self) -> Translator:
        return Translator(self.language)

    def require_person(self) -> Person:
        """The person, or the polite "you are not in the data" refusal."""
        person = self.person
        if person is None:
            raise NotInData()
        return person

    def __deepcopy__(self, memo: dict[int, Any]) -> Actor:
        # Bolt copies the request for each lazy listener; who acts stays the same.
        return self
