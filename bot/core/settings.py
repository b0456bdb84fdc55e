"""Configuration, read in one place (DESIGN.md §4 is the contract for these names)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'netvaerk.sqlite3'}"
    )
    port: int = 3000
    netvaerk_timezone: str = "Europe/Copenhagen"
    netvaerk_language: str = "da"
    netvaerk_secretariat_channel: str | None = None
    netvaerk_policy_file: Path | None = None
    # How many Web API retries on 429, 5xx and connection errors before giving up.
    slack_max_retries: int = 3
    # Run the scheduler (ticks, digests, retention) inside `netvaerk run`. Turn it off on extra
    # web replicas, or when `netvaerk tick` runs from cron instead.
    netvaerk_scheduler: bool = True
    # Migrate an older schema when a command starts (an empty database is always created).
    # Set false where migrations run in a release step: commands then refuse an older schema.
    netvaerk_auto_migrate: bool = True
    # Worker threads serving HTTP requests; Slack expects an ack within 3 seconds.
    http_threads: int = 16
    # `plain` (default) or `json`: one JSON object per log line (bot/operations/logs.py).
    netvaerk_log_format: str = "plain"
    # The Outlook calendar through Microsoft Graph (DESIGN.md §4); unset: the .ics invitation.
    graph_tenant_id: str | None = None
    graph_client_id: str | None = None
    graph_client_secret: str | None = None
    graph_url: str = "https://graph.microsoft.com/v1.0"
    graph_login_url: str = "https://login.microsoftonline.com"

    # Microsoft Teams (DESIGN.md §4): set TEAMS_CLIENT_ID and `netvaerk run` also serves Teams.
    teams_client_id: str | None = None
    teams_client_secret: str | None = None
    teams_tenant_id: str | None = None
    teams_service_url: str = "https://smba.trafficmanager.net/teams"
    teams_login_url: str = "https://login.microsoftonline.com"
    teams_openid_metadata_url: str = (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )

    # The bot's public https address (e.g. https://netvaerk.kommune.dk): where a download link
    # points on Teams, which takes no file from a bot in a 1:1 chat.
    netvaerk_public_url: str | None = None

    @property
    def teams_configured(self) -> bool:
        return bool(self.teams_client_id and self.teams_client_secret and self.teams_tenant_id)

    @property
    def calendar_configured(self) -> bool:
        return bool(self.graph_tenant_id and self.graph_client_id and self.graph_client_secret)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
