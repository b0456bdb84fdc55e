"""The token's scopes: reported in `x-oauth-scopes` like Slack does, and enforced per method."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulator import SlackWebAPI
from emulator.workspace import DEFAULT_BOT_SCOPES
from tests.emulator.conftest import ALICE


def test_every_authenticated_answer_names_the_granted_scopes(
    api: SlackWebAPI, client: WebClient
) -> None:
    answer = client.auth_test()
    assert answer.headers["x-oauth-scopes"].split(",") == list(DEFAULT_BOT_SCOPES)
    api.set_scopes(["chat:write", "commands"])
    assert client.auth_test().headers["x-oauth-scopes"] == "chat:write,commands"
    assert api.scopes == ("chat:write", "commands")


def test_a_method_without_its_scope_is_refused_like_slack_does(
    api: SlackWebAPI, client: WebClient
) -> None:
    api.set_scopes([s for s in DEFAULT_BOT_SCOPES if s != "users:read.email"])
    with pytest.raises(SlackApiError) as refused:
        client.users_lookupByEmail(email="alice@example.dk")
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "users:read.email"
    assert "users:read.email" not in refused.value.response["provided"].split(",")
    assert client.users_info(user=ALICE)["user"]["id"] == ALICE  # users:read is still there
