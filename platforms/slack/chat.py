"""The chat port (bot/core/chat.py) on Slack: direct messages, channel posts, updates, files,
joining a channel and looking back in a conversation's history — and how Slack's answers are
classified into the port's failures.

Slack's ids, as this module alone needs to know them: a person is a user id (`U…`, or `W…` on
Enterprise Grid); a direct message goes into their DM conversation (`D…`), opened once with
conversations.open and cached, since files and history need that id and not the user's. Department
channels come from the import as an ID (`C…`) or a `#name`: chat.postMessage takes either, but
conversations.join and conversations.history need the ID, so a name is looked up once with
conversations.list (public channels, `channels:read`) and cached.

The WebClient that delivery gives this adapter has *no* retry handlers (`make_delivery_client`),
unlike the one `make_client` builds for handlers: delivery keeps its own retry and backoff state in
the outbox across ticks, and a hidden retry inside the SDK after a timeout could post twice.
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
from bot.core.chat import DeliveryError, Failure, Sent
from bot.core.settings import Settings
from platforms.slack import blocks as slack_blocks
from platforms.slack.blocks import render_message
from platforms.slack.identity import PLATFORM

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
_NETWORK_ERRORS = (SlackApiError, urllib.error.URLError, OSError, HTTPException, ValueError)
_HISTORY_PAGES_MAX = 5  # a conversation holds few of our messages in a couple of hours; enough
_LIST_PAGES_MAX = 20

_channel_ids: dict[str, str] = {}  # "#name" → C…, shared by every adapter in the process
_channel_ids_lock = threading.Lock()


def make_delivery_client(settings: Settings, timeout: int = 10) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[],
    )


def is_user(to: str) -> bool:
    """A Slack user id (a direct message goes to their DM), not a conversation."""
    return to[:1] in ("U", "W")


def classify(error: Exception) -> DeliveryError:
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


def _not_sent(error: Exception) -> DeliveryError:
    """A call that sends nothing (opening a DM, looking up a channel) cannot have posted."""
    found = classify(error)
    return DeliveryError(found.failure, found.code, retry_after=found.retry_after)


class SlackChat:
    """The one Slack adapter of the chat port."""

    platform = PLATFORM

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._dms: dict[str, str] = {}
        self._lock = threading.Lock()

    # --- addresses -------------------------------------------------------------------------

    @staticmethod
    def owns(address: str) -> bool:
        """Slack's ids and channel names never hold a colon; Teams' always do
        (bot/core/routing.py)."""
        return ":" not in address

    def conversation(self, to: str) -> str:
        """The conversation id for a user (their DM, opened once and cached), a `#name`, or a
        conversation id as it is."""
        if to.startswith("#"):
            return self._channel_id(to)
        if not is_user(to):
            return to
        with self._lock:
            known = self._dms.get(to)
        if known:
            return known
        try:
            channel = str(self.client.conversations_open(users=to)["channel"]["id"])
        except _NETWORK_ERRORS as error:
            raise _not_sent(error) from error
        with self._lock:
            self._dms[to] = channel
        return channel

    def _channel_id(self, channel: str) -> str:
        with _channel_ids_lock:
            known = _channel_ids.get(channel)
        if known:
            return known
        name, cursor = channel[1:], None
        for _page in range(_LIST_PAGES_MAX):
            try:
                response = self.client.conversations_list(
                    types="public_channel", exclude_archived=False, limit=1000, cursor=cursor
                )
            except _NETWORK_ERRORS as error:
                raise _not_sent(error) from error
            channels: list[dict[str, Any]] = response.get("channels", [])
            for item in channels:
                if item.get("name") == name:
                    with _channel_ids_lock:
                        _channel_ids[channel] = str(item["id"])
                    return str(item["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        raise DeliveryError(Failure.PERMANENT, "channel_not_found")

    # --- the port --------------------------------------------------------------------------

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Sent:
        # chat.postMessage takes a channel's #name as well as its id: no lookup needed.
        channel = self.conversation(to) if is_user(to) else to
        kwargs: dict[str, Any] = render_message(message)
        if thread:
            kwargs["thread_ts"] = thread
        try:
            response = self.client.chat_postMessage(channel=channel, **kwargs)
        except _NETWORK_ERRORS as error:
            raise classify(error) from error
        return Sent(channel=str(response["channel"]), ts=str(response["ts"]))

    def attach(self, to: str, attachment: ui.Attachment, *, thread: str | None = None) -> None:
        try:
            self.client.files_upload_v2(
                channel=self.conversation(to),
                filename=attachment.filename,
                title=attachment.title,
                content=attachment.content,
                thread_ts=thread,
            )
        except _NETWORK_ERRORS as error:
            raise classify(error) from error

    def update(self, sent: Sent, message: ui.Message) -> None:
        try:
            self.client.chat_update(channel=sent.channel, ts=sent.ts, **render_message(message))
        except _NETWORK_ERRORS as error:
            raise classify(error) from error

    def join(self, channel: str) -> None:
        try:
            self.client.conversations_join(channel=self.conversation(channel))
        except _NETWORK_ERRORS as error:
            found = _not_sent(error)
            if found.code == "method_not_supported_for_channel_type":
                # A private channel: the bot must be invited; tell it as Slack did first.
                raise DeliveryError(Failure.PERMANENT, "not_in_channel") from error
            raise found from error

    def find(self, to: str, key: str, value: str, since: datetime) -> Sent | None:
        channel = self.conversation(to)
        cursor: str | None = None
        for _page in range(_HISTORY_PAGES_MAX):
            try:
                response = self.client.conversations_history(
                    channel=channel,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            except _NETWORK_ERRORS as error:
                found = classify(error)
                # Not being able to read the history says nothing about the message itself.
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
                if str(payload.get(key, "")) == value:
                    return Sent(channel=channel, ts=str(item["ts"]))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        return None

    def fits(self, message: ui.Message) -> bool:
        return slack_blocks.fits(message)
