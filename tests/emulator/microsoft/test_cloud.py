"""Entra, the Bot Framework's keys and the Bot Connector, over real https with a local CA."""

from __future__ import annotations

import asyncio
import ssl
import urllib.error
import urllib.request
from typing import Any

import jwt
import pytest
import requests
from microsoft_teams.api.auth.cloud_environment import PUBLIC
from microsoft_teams.apps.auth.token_validator import TokenValidator

from emulator.microsoft import MicrosoftCloud, TeamsPlatform
from emulator.microsoft.cloud import BOT_FRAMEWORK_SCOPE


def token(
    cloud: MicrosoftCloud, secret: str | None = None, tenant: str | None = None
) -> requests.Response:
    return requests.post(
        f"{cloud.login_url}/{tenant or cloud.tenant_id}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": cloud.app_id,
            "client_secret": secret or cloud.app_secret,
            "scope": BOT_FRAMEWORK_SCOPE,
        },
        timeout=5,
    )


def connector(
    cloud: MicrosoftCloud, method: str, path: str, json: Any = None, bearer: str | None = None
) -> requests.Response:
    access = bearer if bearer is not None else token(cloud).json()["access_token"]
    return requests.request(
        method,
        f"{cloud.service_url}v3/{path}",
        json=json,
        headers={"Authorization": f"Bearer {access}"},
        timeout=5,
    )


def test_tls_is_real_a_client_without_the_ca_refuses(cloud: MicrosoftCloud) -> None:
    with pytest.raises(urllib.error.URLError) as raised:
        urllib.request.urlopen(
            cloud.openid_metadata_url, context=ssl.create_default_context(), timeout=5
        )
    assert isinstance(raised.value.reason, ssl.SSLCertVerificationError)


def test_client_credentials_give_a_token_and_a_wrong_secret_none(trust: MicrosoftCloud) -> None:
    good = token(trust)
    assert good.status_code == 200 and good.json()["token_type"] == "Bearer"
    bad = token(trust, secret="wrong")
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    assert token(trust, tenant="another-tenant").status_code == 400
    assert all(call.body == {"redacted": True} for call in trust.calls_to("token"))


def _validate(cloud: MicrosoftCloud, raw: str | None, service_url: str) -> dict[str, Any]:
    environment = PUBLIC.__class__(
        **{**PUBLIC.__dict__, "openid_metadata_url": cloud.openid_metadata_url}
    )
    validator = TokenValidator.for_service(cloud.app_id, service_url, cloud=environment)
    assert raw is not None
    return asyncio.run(validator.validate_token(raw, service_url))


def test_the_teams_sdk_accepts_the_activities_the_platform_signs(trust: MicrosoftCloud) -> None:
    teams = TeamsPlatform("http://127.0.0.1:9/api/messages", trust)
    claims = _validate(trust, teams.token("valid"), trust.service_url)
    assert claims["aud"] == trust.app_id and claims["serviceurl"] == trust.service_url


@pytest.mark.parametrize("kind", ["forged", "expired", "wrong_audience", "wrong_serviceurl"])
def test_the_teams_sdk_refuses_forged_tokens(trust: MicrosoftCloud, kind: Any) -> None:
    teams = TeamsPlatform("http://127.0.0.1:9/api/messages", trust)
    with pytest.raises(jwt.PyJWTError):
        _validate(trust, teams.token(kind), trust.service_url)


def test_a_personal_conversation_is_the_same_whoever_starts_it(trust: MicrosoftCloud) -> None:
    alice = trust.add_user("Alice Jensen", "alice@albertslund.dk")
    created = connector(
        trust,
        "POST",
        "conversations",
        {"isGroup": False, "members": [{"id": alice.teams_id}], "tenantId": trust.tenant_id},
    )
    assert created.status_code == 201
    assert created.json()["id"] == trust.personal_conversation_id(alice)


def test_send_update_delete_and_refusals(trust: MicrosoftCloud) -> None:
    alice = trust.add_user("Alice Jensen", "alice@albertslund.dk")
    conversation = trust.personal_conversation_id(alice)
    good_card = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "TextBlock", "text": "Hej"}],
        },
    }
    sent = connector(
        trust,
        "POST",
        f"conversations/{conversation}/activities",
        {"type": "message", "attachments": [good_card]},
    )
    assert sent.status_code == 201
    activity_id = sent.json()["id"]
    assert [m.id for m in trust.messages_to(alice)] == [activity_id]

    good_card["content"]["body"][0]["text"] = "Opdateret"
    updated = connector(
        trust,
        "PUT",
        f"conversations/{conversation}/activities/{activity_id}",
        {"type": "message", "attachments": [good_card]},
    )
    assert updated.status_code == 200
    assert trust.messages_to(alice)[0].cards[0]["body"][0]["text"] == "Opdateret"

    bad_card = {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Nope"}]},
    }
    refused = connector(
        trust,
        "POST",
        f"conversations/{conversation}/activities",
        {"type": "message", "attachments": [bad_card]},
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "BadArgument"
    assert trust.warnings, "a refused card leaves a warning for the test to see"

    too_big = connector(
        trust,
        "POST",
        f"conversations/{conversation}/activities",
        {"type": "message", "text": "x" * 30_000},
    )
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "MessageSizeTooBig"

    assert (
        connector(
            trust, "DELETE", f"conversations/{conversation}/activities/{activity_id}"
        ).status_code
        == 200
    )
    assert trust.messages_to(alice) == []
    assert (
        connector(
            trust, "POST", "conversations/a:unknown/activities", {"type": "message", "text": "x"}
        ).status_code
        == 404
    )


def test_the_roster_gives_email_and_object_id(trust: MicrosoftCloud) -> None:
    alice = trust.add_user("Alice Jensen", "alice@albertslund.dk")
    conversation = trust.personal_conversation_id(alice)
    member = connector(trust, "GET", f"conversations/{conversation}/members/{alice.aad_object_id}")
    assert member.status_code == 200
    assert (
        member.json()["email"] == "alice@albertslund.dk" and member.json()["id"] == alice.teams_id
    )
    assert (
        connector(trust, "GET", f"conversations/{conversation}/members/29:nobody").status_code
        == 404
    )


def test_channel_posts_need_the_bot_in_the_team(trust: MicrosoftCloud) -> None:
    alice = trust.add_user("Alice Jensen", "alice@albertslund.dk")
    installed = trust.add_channel("Økonomi", [alice])
    missing = trust.add_channel("Kultur", bot_installed=False)
    body = {"type": "message", "text": "Nyt resultat"}
    assert (
        connector(trust, "POST", f"conversations/{installed.id}/activities", body).status_code
        == 201
    )
    assert [m.text for m in trust.messages_in(installed.id)] == ["Nyt resultat"]
    refused = connector(trust, "POST", f"conversations/{missing.id}/activities", body)
    assert (
        refused.status_code == 403
        and refused.json()["error"]["code"] == "BotNotInConversationRoster"
    )


def test_tokens_are_checked_and_faults_injected(trust: MicrosoftCloud) -> None:
    alice = trust.add_user("Alice Jensen", "alice@albertslund.dk")
    conversation = trust.personal_conversation_id(alice)
    path = f"conversations/{conversation}/activities"
    assert (
        connector(
            trust, "POST", path, {"type": "message", "text": "x"}, bearer="forged"
        ).status_code
        == 401
    )
    expired = trust.issue_token(BOT_FRAMEWORK_SCOPE, lifetime=-10)
    assert (
        connector(trust, "POST", path, {"type": "message", "text": "x"}, bearer=expired).status_code
        == 401
    )
    trust.fail_next("send", 429, retry_after=3)
    limited = connector(trust, "POST", path, {"type": "message", "text": "x"})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    trust.fail_next("send", 502)
    assert connector(trust, "POST", path, {"type": "message", "text": "x"}).status_code == 502
    assert connector(trust, "POST", path, {"type": "message", "text": "x"}).status_code == 201
    assert trust.wait_for("send", lambda c: c.status == 201).status == 201
