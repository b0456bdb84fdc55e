"""What a Teams handler is given: one `TeamsRequest` per activity, run in a worker thread.

The SDK is asyncio; the core is synchronous (SQLAlchemy sessions, the ChatPort). Each activity's
work runs in a worker thread (`asyncio.to_thread`), so a slow query or a call to the Bot
Connector never holds up the event loop that accepts the next activity. The request carries who
acts (`TeamsActor`, looked up on first use), a unit of work closed when the work is done, and the
activity as Teams sent it (its JSON, so handlers read the wire format the contract describes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.deps import Deps
from bot.core.unit_of_work import UnitOfWork
from platforms.teams.actor import TeamsActor

# Where the framework keeps what it needs across a dialog (the button that opened it), in the
# dialog's submit data; it never reaches a flow.
OPENED = "opened"


def activity_json(activity: Any) -> dict[str, Any]:
    """The activity as it arrived on the wire (camelCase keys)."""
    if isinstance(activity, dict):
        return activity
    dumped: dict[str, Any] = activity.model_dump(by_alias=True, mode="json", exclude_none=True)
    return dumped


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass
class TeamsRequest:
    deps: Deps
    actor: TeamsActor
    uow: UnitOfWork
    activity: dict[str, Any]
    args: str = ""  # a command's words after its name

    @property
    def conversation(self) -> dict[str, Any]:
        return _dict(self.activity.get("conversation"))

    @property
    def conversation_id(self) -> str:
        return str(self.conversation.get("id") or "")

    @property
    def personal(self) -> bool:
        return self.conversation.get("conversationType") == "personal"

    @property
    def data(self) -> dict[str, Any]:
        """A button's or dialog's data: `value.action.data` of an `adaptiveCard/action`, `value.
        data` of `task/fetch` and `task/submit`."""
        value = _dict(self.activity.get("value"))
        action = _dict(value.get("action"))
        return _dict(action.get("data")) if action else _dict(value.get("data"))

    @property
    def value(self) -> str:
        """The clicked button's value (for a dialog: of the button that opened it)."""
        data = self.data
        opened = _dict(data.get(OPENED))
        found = opened.get("value") if OPENED in data else data.get("value")
        return "" if found is None else str(found)

    @property
    def origin(self) -> dict[str, str] | None:
        """The message clicked (conversation and activity id), as the flows' `origin`: the
        message they replace once it is answered."""
        reply_to = self.activity.get("replyToId") or _dict(self.data.get(OPENED)).get("reply_to")
        if reply_to and self.conversation_id:
            return {"channel": self.conversation_id, "ts": str(reply_to)}
        return None


Result = TypeVar("Result")


def sender_of(activity: dict[str, Any]) -> str | None:
    found = _dict(activity.get("from")).get("id")
    return found if isinstance(found, str) and found else None


def new_request(deps: Deps, activity: dict[str, Any], args: str = "") -> TeamsRequest:
    actor = TeamsActor(deps, sender_of(activity) or "", activity.get("locale"))
    return TeamsRequest(deps, actor, UnitOfWork(deps.db), activity, args)


async def in_worker(request: TeamsRequest, work: Callable[[TeamsRequest], Result]) -> Result:
    """`work(request)` in a worker thread; the request's unit of work is closed after it."""

    def run() -> Result:
        try:
            return work(request)
        finally:
            request.uow.close()

    return await asyncio.to_thread(run)
