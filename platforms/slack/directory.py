"""The Slack side of `bot.organisation.directory`: find a person's Slack user by email
(users.lookupByEmail).

Needs the `users:read.email` scope. Only the user ID, the time zone and (when Slack sends it) the
locale are kept: the import stores nothing more of the Slack profile (GDPR, data minimisation).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.organisation.directory import DirectoryEntry, DirectoryError
from platforms.slack.identity import PLATFORM

# users.lookupByEmail answers this for an email with no (active) Slack user.
NOT_FOUND = "users_not_found"


class SlackDirectory:
    platform = PLATFORM

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def lookup(self, email: str) -> DirectoryEntry | None:
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            if code == NOT_FOUND:
                return None
            raise DirectoryError(code or str(error)) from error
        except (SlackClientError, OSError) as error:
            # Connection refused, timeouts after the client's own retries, malformed answers.
            raise DirectoryError(str(error) or type(error).__name__) from error
        user: dict[str, Any] = response.get("user") or {}
        if not user.get("id") or user.get("deleted"):
            return None  # a deactivated account cannot receive messages: treat as not found
        return DirectoryEntry(
            user_id=user["id"], timezone=user.get("tz"), locale=user.get("locale")
        )
