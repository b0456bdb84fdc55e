"""`netvaerk doctor`'s Slack checks: the token, its scopes against manifest.yml, the mode's
secret, and every department channel.

Scopes come the way Slack reports them: the `x-oauth-scopes` header on a Web API answer
(https://api.slack.com/authentication/oauth-v2, "Scopes"). A private channel the bot is not in
is invisible to it — Slack answers `channel_not_found` — so a channel that cannot be found is
named with both readings: it does not exist, or it is private and needs an invitation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.settings import Settings
from bot.operations.findings import Finding, Level

DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
_LIST_PAGES_MAX = 20


def manifest_scopes(path: Path = DEFAULT_MANIFEST) -> list[str]:
    """The bot scopes the Slack app manifest asks for."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scopes = data["oauth_config"]["scopes"]["bot"]
    return sorted(str(scope) for scope in scopes)


def configuration(settings: Settings) -> list[Finding]:
    """Is there a bot token, and the secret the chosen mode needs?"""
    token = settings.slack_bot_token
    if not token:
        return [Finding("token", Level.PROBLEM, "missing", fix="missing_fix")]
    found: list[Finding] = []
    if not token.startswith("xoxb-"):
        found.append(Finding("token", Level.PROBLEM, "not_bot", fix="missing_fix"))
    if settings.slack_app_token:
        if settings.slack_app_token.startswith("xapp-"):
            found.append(Finding("mode", Level.OK, "socket", details={"mode": "socket"}))
        else:
            details = {"mode": "socket"}
            found.append(Finding("mode", Level.PROBLEM, "socket_bad", {}, "socket_fix", details))
    elif settings.slack_signing_secret:
        found.append(Finding("mode", Level.OK, "http", details={"mode": "http"}))
    else:
        details = {"mode": "http"}
        found.append(Finding("mode", Level.PROBLEM, "http_missing", {}, "http_fix", details))
    return found


def _header(headers: dict[str, Any], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return None


def token_and_scopes(client: WebClient, wanted: list[str], api_url: str) -> list[Finding]:
    """auth.test: does Slack take the token, and with which scopes?"""
    try:
        response = client.auth_test()
    except SlackApiError as error:
        code = str(error.response.get("error") or f"http_{error.response.status_code}")
        values = {"error": code}
        return [Finding("token", Level.PROBLEM, "invalid", values, "invalid_fix", values)]
    except OSError as error:
        values = {"url": api_url, "error": type(error).__name__}
        return [Finding("token", Level.PROBLEM, "unreachable", values, "unreachable_fix")]
    team, user = str(response.get("team", "")), str(response.get("user", ""))
    found = [Finding("token", Level.OK, "ok", {"team": team, "user": user})]
    granted_header = _header(response.headers or {}, "x-oauth-scopes")
    if granted_header is None:
        found.append(Finding("scopes", Level.WARNING, "unknown", fix="missing_fix"))
        return found
    granted = sorted({s.strip() for s in granted_header.split(",") if s.strip()})
    missing = [s for s in wanted if s not in granted]
    extra = [s for s in granted if s not in wanted]
    details = {"missing": missing, "extra": extra, "granted": granted}
    if missing:
        values = {"scopes": ", ".join(missing)}
        found.append(Finding("scopes", Level.PROBLEM, "missing", values, "missing_fix", details))
    if extra:
        values = {"scopes": ", ".join(extra)}
        found.append(Finding("scopes", Level.PROBLEM, "extra", values, "extra_fix", details))
    if not missing and not extra:
        found.append(Finding("scopes", Level.OK, "ok", {"count": len(granted)}, details=details))
    return found


@dataclass(frozen=True)
class DepartmentChannel:
    department: str
    channel: str  # C… or #name, as imported

    def label(self) -> str:
        return f"{self.channel} ({self.department})"


class _ChannelLookup:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._by_name: dict[str, dict[str, Any]] | None = None

    def find(self, ref: str) -> dict[str, Any] | None:
        """The channel as the bot sees it, or None when Slack says it does not exist."""
        if ref.startswith("#"):
            return self._public_by_name().get(ref[1:])
        try:
            return dict(self.client.conversations_info(channel=ref)["channel"])
        except SlackApiError as error:
            if error.response.get("error") == "channel_not_found":
                return None
            raise

    def _public_by_name(self) -> dict[str, dict[str, Any]]:
        if self._by_name is None:
            self._by_name = {}
            cursor: str | None = None
            for _page in range(_LIST_PAGES_MAX):
                response = self.client.conversations_list(
                    types="public_channel", exclude_archived=False, limit=1000, cursor=cursor
                )
                page: list[dict[str, Any]] = response.get("channels", [])
                for item in page:
                    self._by_name[str(item.get("name"))] = dict(item)
                cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        return self._by_name


def channels(client: WebClient, departments: Iterable[DepartmentChannel]) -> list[Finding]:
    """Every department channel: does it exist, is it archived, can the bot post there?"""
    wanted = list(departments)
    if not wanted:
        return [Finding("channels", Level.WARNING, "none", fix="none_fix")]
    lookup = _ChannelLookup(client)
    missing: list[DepartmentChannel] = []
    archived: list[DepartmentChannel] = []
    to_join: list[DepartmentChannel] = []
    try:
        for item in wanted:
            info = lookup.find(item.channel)
            if info is None:
                missing.append(item)
            elif info.get("is_archived"):
                archived.append(item)
            elif not info.get("is_member"):
                to_join.append(item)  # public: the bot joins it when it first posts
    except SlackApiError as error:
        code = str(error.response.get("error") or f"http_{error.response.status_code}")
        return [Finding("channels", Level.PROBLEM, "error", {"error": code}, "error_fix")]
    details = {
        "channels": len(wanted),
        "not_found": [i.channel for i in missing],
        "archived": [i.channel for i in archived],
        "will_join": [i.channel for i in to_join],
    }
    found: list[Finding] = []
    if missing:
        values = {"channels": ", ".join(i.label() for i in missing)}
        found.append(
            Finding("channels", Level.PROBLEM, "not_found", values, "not_found_fix", details)
        )
    if archived:
        values = {"channels": ", ".join(i.label() for i in archived)}
        found.append(
            Finding("channels", Level.PROBLEM, "archived", values, "archived_fix", details)
        )
    if to_join:
        values = {"channels": ", ".join(i.label() for i in to_join)}
        found.append(Finding("channels", Level.OK, "will_join", values, details=details))
    if not missing and not archived:
        found.insert(0, Finding("channels", Level.OK, "ok", {"count": len(wanted)}, None, details))
    return found
