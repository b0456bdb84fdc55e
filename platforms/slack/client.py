"""The one place a Slack WebClient is made: base URL from settings, retries on 429/5xx/network."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.core.settings import Settings


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    retries = settings.slack_max_retries
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries),
            # Honours Retry-After, as Slack asks (https://api.slack.com/apis/rate-limits).
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries),
        ],
    )
