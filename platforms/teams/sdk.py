"""The Teams SDK v2 `App`, configured for this bot and nothing looser.

- Inbound: every activity's Bot Framework JWT is validated by the SDK against the keys of
  `TEAMS_OPENID_METADATA_URL` (its sibling `/keys`), audience `TEAMS_CLIENT_ID`, the `serviceurl`
  claim equal to the activity's. `dangerously_allow_unauthenticated_requests=False` is passed
  explicitly, because the SDK otherwise reads it from an environment variable of that name:
  nothing in a deployment's configuration may switch validation off.
- Outbound: the bot's token comes from our own client-credentials POST to `TEAMS_LOGIN_URL`
  (`platforms/microsoft/entra_token.py`), not from the SDK's MSAL client, which would first ask
  login.microsoftonline.com for instance discovery (DESIGN.md §4: no host but the configured ones).
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import httpx
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment
from microsoft_teams.apps import App, FastAPIAdapter

from bot.core.settings import Settings
from platforms.microsoft.entra_token import ClientCredentials

BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"


def teams_cloud(settings: Settings) -> CloudEnvironment:
    return dataclasses.replace(
        PUBLIC,
        login_endpoint=settings.teams_login_url.rstrip("/"),
        openid_metadata_url=settings.teams_openid_metadata_url,
    )


def bot_credentials(settings: Settings) -> ClientCredentials:
    assert settings.teams_client_id and settings.teams_client_secret and settings.teams_tenant_id
    return ClientCredentials(
        httpx.Client(timeout=httpx.Timeout(10.0, connect=5.0), trust_env=True),
        settings.teams_login_url,
        settings.teams_tenant_id,
        settings.teams_client_id,
        settings.teams_client_secret,
        BOT_FRAMEWORK_SCOPE,
    )


def make_teams_app(settings: Settings, adapter: FastAPIAdapter) -> App:
    """The SDK app, its `/api/messages` route mounted on `adapter`'s FastAPI app."""
    if not settings.teams_configured:
        raise ValueError("TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET and TEAMS_TENANT_ID are needed")
    credentials = bot_credentials(settings)

    async def token(scope: Any, tenant_id: str | None = None) -> str:
        # The POST blocks; keep it off the event loop (it happens about once an hour).
        return await asyncio.to_thread(credentials.token)

    return App(
        client_id=settings.teams_client_id,
        tenant_id=settings.teams_tenant_id,
        token=token,
        cloud=teams_cloud(settings),
        service_url=settings.teams_service_url,
        http_server_adapter=adapter,
        dangerously_allow_unauthenticated_requests=False,
        messaging_endpoint="/api/messages",
    )
