"""Bolt middleware: every request's context carries what its listeners need, so a listener
receives it by name instead of fetching it (cf. Netflix dispatch's context middleware).

- `deps`: the process's settings, database and calendar;
- `actor`: who is acting (bot.core.actor.Actor, looked up on first use), None for requests
  without a user;
- `uow`: the request's unit of work (bot.core.unit_of_work), closed when the request is done.

A lazy listener gets Bolt's copy of the context: the same `deps` and `actor`, a unit of work of
its own (closed by `listeners.guarded`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.core.deps import Deps
from bot.core.unit_of_work import UnitOfWork
from platforms.slack.actor import slack_actor


def user_id_of(body: Any) -> str | None:
    """Who sent the request; a body of any shape must not make this fail."""
    if not isinstance(body, dict):
        return None
    user, event = body.get("user"), body.get("event")
    found = (
        user.get("id")
        if isinstance(user, dict)
        else body.get("user_id") or (event.get("user") if isinstance(event, dict) else None)
    )
    return found if isinstance(found, str) and found else None


def install(app: App, deps: Deps) -> None:
    def request_context(
        context: BoltContext,
        body: dict[str, Any],
        client: WebClient,
        next_: Callable[[], BoltResponse],
    ) -> BoltResponse:
        user_id = user_id_of(body)
        uow = UnitOfWork(deps.db)
        context["deps"] = deps
        context["uow"] = uow
        context["actor"] = slack_actor(deps, client, user_id) if user_id else None
        try:
            return next_()
        finally:
            uow.close()

    app.use(request_context)
