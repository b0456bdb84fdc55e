"""The app's own access token from Entra, by client credentials, done directly.

DESIGN.md §4: the bot talks to no Microsoft host but the configured ones, so no MSAL instance
discovery; one form POST to `{login_url}/{tenant}/oauth2/v2.0/token` is all client credentials
need. The token is cached until a minute before it expires, and dropped when a service answers
401 (a token can also go stale when the clock is moved in tests). Never logged.
"""

from __future__ import annotations

import threading
import time

import httpx

_EARLY_SECONDS = 60


class TokenError(RuntimeError):
    """Entra refused the app's credentials (or could not be reached); the reason, no secret."""


class ClientCredentials:
    def __init__(
        self,
        http: httpx.Client,
        login_url: str,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        scope: str,
    ) -> None:
        self._http = http
        self._url = f"{login_url.rstrip('/')}/{tenant_id}/oauth2/v2.0/token"
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": scope,
        }
        self._lock = threading.Lock()
        self._token: str | None = None
        self._valid_until = 0.0

    def token(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._valid_until:
                self._token, lifetime = self._fetch()
                self._valid_until = time.monotonic() + max(lifetime - _EARLY_SECONDS, 0)
            return self._token

    def forget(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        try:
            answer = self._http.post(self._url, data=self._form)
        except httpx.HTTPError as error:
            raise TokenError(f"token endpoint unreachable: {type(error).__name__}") from None
        if answer.status_code != 200:
            try:
                reason = str(answer.json().get("error", answer.status_code))
            except ValueError:
                reason = str(answer.status_code)
            raise TokenError(f"token refused: {reason}")
        body = answer.json()
        return str(body["access_token"]), float(body.get("expires_in", 3599))
