"""users.*: who people are, their time zone and language."""

from __future__ import annotations

from typing import Any

from emulator.methods.conversations import page
from emulator.methods.registry import method
from emulator.params import Params
from emulator.workspace import SlackError, Workspace


@method("users.info")
def info(ws: Workspace, p: Params) -> dict[str, Any]:
    user = ws.users.get(p.require("user"))
    if user is None:
        raise SlackError("user_not_found")
    return {"ok": True, "user": ws.user_json(user, include_locale=p.flag("include_locale"))}


@method("users.lookupByEmail")
def lookup_by_email(ws: Workspace, p: Params) -> dict[str, Any]:
    """Case-insensitive. Deactivated accounts give users_not_found, as Slack documents."""
    user = ws.user_by_email(p.require("email"))
    if user is None or user.deleted:
        raise SlackError("users_not_found")
    return {"ok": True, "user": ws.user_json(user)}


@method("users.list")
def list_users(ws: Workspace, p: Params) -> dict[str, Any]:
    everyone = [ws.user_json(u, include_locale=p.flag("include_locale")) for u in ws.users.values()]
    members, cursor = page(everyone, p, default_limit=200)
    return {
        "ok": True,
        "members": members,
        "cache_ts": int(ws.clock()),
        "response_metadata": {"next_cursor": cursor},
    }
