"""The plain records the Microsoft emulators keep and hand to tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CloudCall:
    """One request to the emulated Microsoft cloud. `kind` names the operation (`token`,
    `create_conversation`, `send`, `reply`, `update`, `delete`, `member`, `members`, …);
    `at` is real time (freezegun-proof)."""

    kind: str
    method: str
    path: str
    body: Any
    status: int
    response: Any
    at: float


@dataclass
class TeamsUser:
    """A person in the tenant, as Teams and Entra know them."""

    name: str
    email: str
    aad_object_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    teams_id: str = field(default_factory=lambda: "29:" + uuid.uuid4().hex)
    user_principal_name: str | None = None
    locale: str = "da-DK"
    # The tenant's app policy installs the bot for everyone; a test can say otherwise.
    app_installed: bool = True

    @property
    def upn(self) -> str:
        return self.user_principal_name or self.email


@dataclass
class TeamsChannel:
    """A channel of a team (one team per department, as some municipalities do)."""

    name: str
    id: str = field(default_factory=lambda: f"19:{uuid.uuid4().hex}@thread.tacv2")
    team_id: str = field(default_factory=lambda: f"19:{uuid.uuid4().hex}@thread.tacv2")
    bot_installed: bool = True
    members: list[str] = field(default_factory=list)  # aad object ids


@dataclass
class PostedActivity:
    """An activity the bot sent, as it stands now (after updates)."""

    id: str
    conversation_id: str
    activity: dict[str, Any]
    reply_to_id: str | None = None
    updates: int = 0
    deleted: bool = False

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if isinstance(a, dict) and isinstance(a.get("content"), dict)
        ]
