"""auth.test and api.test: the calls Bolt and health checks make before anything else."""

from __future__ import annotations

from typing import Any

from emulator.methods.registry import method
from emulator.params import Params
from emulator.workspace import SlackError, Workspace


@method("auth.test")
def auth_test(ws: Workspace, p: Params) -> dict[str, Any]:
    ident = ws.identity
    return {
        "ok": True,
        "url": f"https://{ident.team_domain}.slack.com/",
        "team": ident.team_name,
        "user": ident.bot_name,
        "team_id": ident.team_id,
        "user_id": ident.bot_user_id,
        "bot_id": ident.bot_id,
        "is_enterprise_install": False,
    }


@method("api.test")
def api_test(ws: Workspace, p: Params) -> dict[str, Any]:
    if p.text("error"):
        raise SlackError(p.require("error"), args={"error": p.text("error")})
    args = {k: v for k, v in p.raw.items() if k != "token"}
    return {"ok": True, "args": args} if args else {"ok": True}
