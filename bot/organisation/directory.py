"""Who a person is in the chat platform, found by email.

The organisation files know people by email; Slack knows them by user ID. The import asks a
`Directory` for the ID (and the time zone the person chose), so the domain never imports Slack and
a test or the local playground can hand in a small fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DirectoryEntry:
    """What the platform tells us about one person: only what the features need (GDPR)."""

    slack_id: str
    timezone: str | None
    locale: str | None


class DirectoryError(RuntimeError):
    """The directory could not answer (Slack down, a bad token, rate limited after retries).

    Distinct from "not found": a person not found is kept and reported, while this means nobody
    further can be looked up right now.
    """


class Directory(Protocol):
    def lookup(self, email: str) -> DirectoryEntry | None:
        """The entry for `email`, None when nobody has that email; raises DirectoryError."""
        ...


class NullDirectory:
    """No platform to ask (no bot token): every lookup is skipped, nobody is "not found".

    The import recognises this class and reports that Slack IDs were not looked up, instead of
    listing everyone as missing from Slack.
    """

    def lookup(self, email: str) -> DirectoryEntry | None:
        return None
