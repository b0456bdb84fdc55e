"""Teams' checks for `netvaerk doctor` and `/readyz`: can the bot get its own token at
`TEAMS_LOGIN_URL`, and can it read the keys that sign incoming activities?

Without the token nothing reaches anyone (every send needs it); without the keys every activity
is refused with 401 (platforms/teams/sdk.py). Both are plain HTTPS calls to the configured hosts
only. The token is never shown or logged: the findings carry Entra's error code, no secret.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from bot.core.settings import Settings
from bot.operations.findings import Finding, Level
from platforms.microsoft.entra_token import TokenError
from platforms.teams.sdk import bot_credentials

log = logging.getLogger(__name__)

KEYS_FRESH_SECONDS = 300.0  # /readyz is asked every few seconds; the keys change rarely


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""  # a code or an exception's class name, never a secret


def _http() -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0), trust_env=True)


def fetch_token(settings: Settings) -> Outcome:
    """Client credentials at `TEAMS_LOGIN_URL`, as the bot does before every send."""
    try:
        bot_credentials(settings).token()
    except TokenError as error:
        return Outcome(False, str(error))
    return Outcome(True)


def fetch_keys(settings: Settings) -> Outcome:
    """The OpenID metadata, then its `jwks_uri`, which must hold at least one key."""
    try:
        with _http() as http:
            metadata = http.get(settings.teams_openid_metadata_url)
            metadata.raise_for_status()
            jwks_uri = _object(metadata.json()).get("jwks_uri")
            if not isinstance(jwks_uri, str):
                return Outcome(False, "no jwks_uri")
            keys = http.get(jwks_uri)
            keys.raise_for_status()
            if not _object(keys.json()).get("keys"):
                return Outcome(False, "no keys")
    except httpx.HTTPStatusError as error:
        return Outcome(False, f"HTTP {error.response.status_code}")
    except (httpx.HTTPError, ValueError) as error:
        return Outcome(False, type(error).__name__)
    return Outcome(True)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def checks(settings: Settings) -> list[Finding]:
    """The doctor's Teams findings (Teams is configured when this runs)."""
    token = fetch_token(settings)
    login = {"url": settings.teams_login_url}
    found = [
        Finding("teams_token", Level.OK, "ok", login)
        if token.ok
        else Finding(
            "teams_token",
            Level.PROBLEM,
            "failed",
            {**login, "error": token.error},
            "failed_fix",
            {"error": token.error},
        )
    ]
    keys = fetch_keys(settings)
    metadata = {"url": settings.teams_openid_metadata_url}
    found.append(
        Finding("teams_keys", Level.OK, "ok", metadata)
        if keys.ok
        else Finding(
            "teams_keys",
            Level.PROBLEM,
            "failed",
            {**metadata, "error": keys.error},
            "failed_fix",
            {"error": keys.error},
        )
    )
    return found


class TeamsReadiness:
    """`/readyz`'s Teams part: problem codes, empty when ready. The token is cached by the
    credentials (an hour); the keys' answer is kept for a few minutes once it is good."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._credentials = bot_credentials(settings)
        self._lock = threading.Lock()
        self._keys_good_until = 0.0

    def problems(self) -> list[str]:
        found: list[str] = []
        try:
            self._credentials.token()
        except TokenError as error:
            log.warning("readiness: Teams token: %s", error)
            found.append("teams_token_failed")
        with self._lock:
            fresh = time.monotonic() < self._keys_good_until
        if not fresh:
            keys = fetch_keys(self._settings)
            if keys.ok:
                with self._lock:
                    self._keys_good_until = time.monotonic() + KEYS_FRESH_SECONDS
            else:
                log.warning("readiness: Teams signing keys: %s", keys.error)
                found.append("teams_keys_unreachable")
        return found
