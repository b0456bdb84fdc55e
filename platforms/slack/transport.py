"""Delivery's Slack side: chat.postMessage into the DM (or channel) with the outbox id in the
message metadata, and conversations.history to look for it after an unknown outcome.

The WebClient here has *no* retry handlers, unlike the one `make_client` builds for handlers:
delivery keeps its own retry and backoff state in the outbox across ticks, and a hidden retry
inside the SDK after a timeout could post a message twice.
"""

from __future__ import annotations

import logging
import socket
import threading
import urllib.error
from datetime import datetime
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import ui
from bot.core.settings import Settings
from platforms.slack import blocks as slack_blocks
from platforms.slack.blocks import render_message
from schedules.transport import DeliveryError, Failure, Posted

log = logging.getLogger(__name__)

# Errors that will not go away by trying again (https://api.slack.com/methods/chat.postMessage).
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "user_not_found",
        "account_inactive",
        "is_archived",
        "user_disabled",
        "cannot_dm_bot",
        "restricted_action",
        "msg_too_long",
        "invalid_blocks",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "no_text",
        "too_many_attachments",
        "invalid_arguments",
    }
)
# The token itself is the problem: nothing can be sent, but the message is not at fault, so it
# waits (with backoff) instead of being marked failed.
AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired"})


def make_delivery_client(settings: Settings, timeout: int = 10) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[],
    )


def _classify(error: Exception) -> DeliveryError:
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        code = str(error.response.get("error") or f"http_{status}")
        if status == 429:
            retry_after = error.response.headers.get("Retry-After") or error.response.headers.get(
                "retry-after"
            )
            return DeliveryError(
                Failure.RATE_LIMITED, "ratelimited", retry_after=float(retry_after or 1)
            )
        if status >= 500:
            return DeliveryError(Failure.TRANSIENT, code, maybe_sent=True)
        if code in AUTH_ERRORS:
            return DeliveryError(Failure.TRANSIENT, code, maybe_sent=False)
        if code in PERMANENT_ERRORS:
            return DeliveryError(Failure.PERMANENT, code)
        if code in ("ratelimited", "internal_error", "service_unavailable", "request_timeout"):
            return DeliveryError(Failure.TRANSIENT, code, maybe_sent=True)
        return DeliveryError(Failure.PERMANENT, code)
    if isinstance(error, urllib.error.URLError) and isinstance(
        error.reason, ConnectionRefusedError
    ):
        return DeliveryError(Failure.TRANSIENT, "connection_refused", maybe_sent=False)
    if isinstance(error, (TimeoutError, socket.timeout)):
        return DeliveryError(Failure.TRANSIENT, "timeout", maybe_sent=True)
    return DeliveryError(Failure.TRANSIENT, type(error).__name__, maybe_sent=True)


_NETWORK_ERRORS = (SlackApiError, urllib.error.URLError, OSError, HTTPException, ValueError)


class SlackTransport:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._dms: dict[str, str] = {}
        self._lock = threading.Lock()

    def _channel(self, address: str) -> str:
        """The conversation id for a user (their DM, opened once and cached) or a channel."""
        if address[:1] not in ("U", "W"):
            return address
        with self._lock:
            known = self._dms.get(address)
        if known:
            return known
        try:
            channel = str(self.client.conversations_open(users=address)["channel"]["id"])
        except _NETWORK_ERRORS as error:
            found = _classify(error)
            raise DeliveryError(found.failure, found.code, retry_after=found.retry_after) from error
        with self._lock:
            self._dms[address] = channel
        return channel

    def send(self, address: str, message: ui.Message) -> Posted:
        channel = self._channel(address)
        kwargs: dict[str, Any] = render_message(message)
        try:
            response = self.client.chat_postMessage(channel=channel, **kwargs)
        except _NETWORK_ERRORS as error:
            raise _classify(error) from error
        return Posted(channel=str(response["channel"]), ts=str(response["ts"]))

    def fits(self, message: ui.Message) -> bool:
        return slack_blocks.fits(message)

    def find(self, address: str, outbox_id: int, since: datetime) -> Posted | None:
        channel = self._channel(address)
        wanted = str(outbox_id)
        cursor: str | None = None
        for _page in range(5):  # a DM holds few messages in a couple of hours; enough
            try:
                response = self.client.conversations_history(
                    channel=channel,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            except _NETWORK_ERRORS as error:
                found = _classify(error)
                raise DeliveryError(
                    Failure.RATE_LIMITED
                    if found.failure is Failure.RATE_LIMITED
                    else Failure.TRANSIENT,
                    found.code,
                    retry_after=found.retry_after,
                ) from error
            messages: list[dict[str, Any]] = response.get("messages", [])
            for item in messages:
                payload = (item.get("metadata") or {}).get("event_payload") or {}
                if str(payload.get("outbox_id", "")) == wanted:
                    return Posted(channel=channel, ts=str(item["ts"]))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return None
