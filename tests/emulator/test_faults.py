"""Injected rate limits, server errors, error codes and latency."""

from __future__ import annotations

import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from emulator import SlackWebAPI
from tests.emulator.conftest import GENERAL, TOKEN


def test_rate_limit_is_429_with_retry_after(client: WebClient, api: SlackWebAPI) -> None:
    api.fail_next("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=GENERAL, text="x")
    response = raised.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    assert response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel=GENERAL, text="x")["ok"]  # only the next call


def test_web_client_retries_a_rate_limit(api: SlackWebAPI) -> None:
    client = WebClient(
        base_url=api.api_url,
        token=TOKEN,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    api.fail_next("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel=GENERAL, text="efter ventetid")["ok"]
    statuses = [c.status for c in api.calls_to("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(api.messages_in(GENERAL)) == 1


def test_server_errors_for_a_number_of_calls(client: WebClient, api: SlackWebAPI) -> None:
    api.fail_next("users.info", status=500, count=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.users_info(user="U0ALICE001")
        assert raised.value.response.status_code == 500
    assert client.users_info(user="U0ALICE001")["ok"]


def test_error_codes_with_http_200(client: WebClient, api: SlackWebAPI) -> None:
    api.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=GENERAL, text="x")
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "channel_not_found"
    assert api.messages_in(GENERAL) == []
    (call,) = api.calls_to("chat.postMessage")
    assert call.error == "channel_not_found" and not call.ok


def test_latency_slows_every_call(client: WebClient, api: SlackWebAPI) -> None:
    api.latency = 0.15
    started = time.monotonic()
    client.auth_test()
    assert time.monotonic() - started >= 0.15
