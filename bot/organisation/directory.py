"""Who a person is in the chat platform, found by email.

The organisation files know people by email; a chat platform knows them by its user ID. The
import asks the platform's `Directory` for the ID (and the time zone the person chose) and keeps
it in `platform_identities`, so the domain never imports Slack and a test or the local playground
can hand in a small fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DirectoryEntry:
    """What the platform tells us about one person: only what the features need (GDPR)."""

    user_id: str  # the person's id on the directory's platform
    timezone: str | None
    locale: str | None


class DirectoryError(RuntimeError):
    """The directory could not answer (Slack down, a bad token, rate limited after retries).

    Distinct from "not found": a person not found is kept and reported, while this means nobody
    further can be looked up right now.
    """


class Directory(Protocol):
    @property
    def platform(self) -> str:
        """Whose ids these are: the key in `platform_identities`."""
        ...

    def lookup(self, email: str) -> DirectoryEntry | None:
        """The entry for `email`, None when nobody has that email; raises DirectoryError."""
        ...


class NullDirectory:
    """No platform to ask (no bot token): every lookup is skipped, nobody is "not found".

    The import recognises this class and reports that Slack IDs were not looked up, instead of
    listing everyone as missing from Slack.
    """

    def __init__(self, platform: str = "slack") -> None:
        # The platform the import would ask were it configured: who has no id there yet.
        self.platform = platform

    def lookup(self, email: str) -> DirectoryEntry | None:
        return None
