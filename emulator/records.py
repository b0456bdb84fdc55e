"""The plain records the emulator keeps and hands to tests.

Kept apart from the server and the method logic so tests can import and type against them
without pulling in either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """One Web API request as the emulator saw it.

    `params` has JSON-ish fields (`blocks`, `view`, `metadata`, `files`, ...) decoded, whether
    the client sent them form-encoded as strings or as a JSON body, so tests need not care.
    `raw_params` is exactly what arrived. `at` is real wall-clock time (freezegun-proof).
    """

    method: str
    params: dict[str, Any]
    response: dict[str, Any]
    at: float
    status: int = 200
    raw_params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def error(self) -> str | None:
        error = self.response.get("error")
        return str(error) if error is not None else None


@dataclass
class User:
    id: str
    email: str
    name: str
    tz: str = "Europe/Copenhagen"
    locale: str = "da-DK"
    deleted: bool = False
    is_bot: bool = False
    real_name: str | None = None


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    bot_is_member: bool = True
    is_im: bool = False
    user: str | None = None  # the other party of an IM
    created: int = 0
    members: list[str] = field(default_factory=list)


@dataclass
class UploadedFile:
    """A file uploaded through files.getUploadURLExternal + the upload URL + completion."""

    id: str
    name: str
    length: int
    content: bytes | None = None
    title: str | None = None
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False

    def to_slack(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title or self.name,
            "size": len(self.content or b""),
            "mimetype": "",
            "filetype": "",
            "channels": [self.channel_id] if self.channel_id else [],
            "url_private": f"https://files.slack.com/files-pri/T/{self.id}/{self.name}",
        }


@dataclass(frozen=True)
class ResponseUrlPost:
    """A POST the app made to a `response_url`, and what the emulator did with it."""

    response_id: str
    payload: dict[str, Any]
    status: int
    errors: list[str]
    at: float
    channel_id: str | None = None
    user_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Ephemeral:
    """An ephemeral message: visible to one user, never in history."""

    channel: str
    user: str
    message: dict[str, Any]
