"""The Web API through a real slack_sdk WebClient: shapes, state and Slack's error codes."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulator import SlackWebAPI
from tests.emulator.conftest import (
    ALICE,
    BOB,
    GENERAL,
    GONE,
    OLD,
    OUTSIDE,
    SECRET_ROOM,
    TOKEN,
)

SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hej*"}}]
NO_TEXT_ON_PURPOSE = pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")


def slack_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def error_code(call: Any) -> str:
    return str(slack_error(call).response["error"])


# -- auth --------------------------------------------------------------------------------


def test_auth_test_describes_the_bot(client: WebClient, api: SlackWebAPI) -> None:
    data = client.auth_test().data
    assert isinstance(data, dict)
    assert data["ok"] is True
    assert data["user_id"] == api.bot_user_id == "UBOT"
    assert data["team_id"] == api.team_id
    assert {"url", "team", "user", "bot_id", "is_enterprise_install"} <= data.keys()


def test_tokens_are_checked(api: SlackWebAPI) -> None:
    assert error_code(WebClient(base_url=api.api_url, token="xoxb-wrong").auth_test) == (
        "invalid_auth"
    )
    assert error_code(WebClient(base_url=api.api_url).auth_test) == "not_authed"


def test_unknown_methods_are_404_unknown_method(client: WebClient) -> None:
    error = slack_error(lambda: client.api_call("chat.postMassage"))
    assert error.response.status_code == 404
    assert error.response["error"] == "unknown_method"


# -- chat.postMessage ---------------------------------------------------------------------


def test_posting_to_a_user_id_lands_in_their_im(client: WebClient, api: SlackWebAPI) -> None:
    posted = client.chat_postMessage(channel=ALICE, text="Hej Alice", blocks=SECTION)
    opened = client.conversations_open(users=ALICE)
    assert posted["channel"] == opened["channel"]["id"] == api.dm_channel_id(ALICE)
    assert posted["channel"].startswith("D")
    message = posted["message"]
    assert message["text"] == "Hej Alice"
    assert message["user"] == "UBOT" and message["bot_id"] and message["ts"] == posted["ts"]
    assert message["blocks"][0]["block_id"]  # Slack fills in missing block ids
    assert [m["text"] for m in api.messages_in(ALICE)] == ["Hej Alice"]
    assert api.messages_in(posted["channel"]) == api.messages_in(ALICE)


def test_ts_values_are_unique_and_increasing(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=GENERAL, text=str(i))["ts"] for i in range(5)]
    assert stamps == sorted(stamps, key=float)
    assert len(set(stamps)) == 5
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("C0NOSUCH01", "channel_not_found"),
        ("U0NOBODY01", "channel_not_found"),
        (SECRET_ROOM, "channel_not_found"),  # private and the bot is not in it: invisible
        (OUTSIDE, "not_in_channel"),
        (OLD, "is_archived"),
        ("", "channel_not_found"),
    ],
)
def test_post_message_refusals(client: WebClient, channel: str, error: str) -> None:
    assert error_code(lambda: client.chat_postMessage(channel=channel, text="x")) == error


def test_posting_to_a_deactivated_user_succeeds_like_on_slack(
    client: WebClient, api: SlackWebAPI
) -> None:
    assert client.chat_postMessage(channel=GONE, text="hello?")["ok"]
    assert f"posted_to_deactivated_user:{GONE}" in api.warnings


@NO_TEXT_ON_PURPOSE
def test_a_message_needs_text_or_blocks(client: WebClient) -> None:
    assert error_code(lambda: client.chat_postMessage(channel=GENERAL)) == "no_text"
    assert error_code(lambda: client.chat_postMessage(channel=GENERAL, text="x" * 40001)) == (
        "msg_too_long"
    )


@NO_TEXT_ON_PURPOSE
def test_blocks_without_text_work_but_warn(client: WebClient, api: SlackWebAPI) -> None:
    response = client.chat_postMessage(channel=GENERAL, blocks=SECTION)
    assert response["warning"] == "missing_text_in_message"
    assert response["response_metadata"]["warnings"] == ["missing_text_in_message"]
    assert api.warnings == ["missing_text_in_message"]


def test_invalid_blocks_are_refused_with_slack_details(client: WebClient) -> None:
    header = [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    error = slack_error(lambda: client.chat_postMessage(channel=GENERAL, text="x", blocks=header))
    assert error.response["error"] == "invalid_blocks"
    assert error.response["errors"] == [
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]"
    ]
    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"
    ]


def test_form_encoded_blocks_are_accepted_and_decoded_in_calls(
    client: WebClient, api: SlackWebAPI
) -> None:
    client.api_call(
        "chat.postMessage",
        params={"channel": GENERAL, "text": "form", "blocks": json.dumps(SECTION)},
    )
    call = api.calls_to("chat.postMessage")[0]
    assert call.params["blocks"] == SECTION
    assert isinstance(call.raw_params["blocks"], str)
    assert "token" not in call.params
    bad = {"channel": GENERAL, "text": "x", "blocks": "[not json"}
    assert error_code(lambda: client.api_call("chat.postMessage", params=bad)) == (
        "invalid_blocks_format"
    )


def test_metadata_is_kept_and_returned_by_history_on_request(
    client: WebClient, api: SlackWebAPI
) -> None:
    metadata = {"event_type": "survey_sent", "event_payload": {"survey": 7}}
    posted = client.chat_postMessage(channel=ALICE, text="Spørgsmål", metadata=metadata)
    plain = client.conversations_history(channel=posted["channel"])
    assert "metadata" not in plain["messages"][0]
    full = client.conversations_history(channel=posted["channel"], include_all_metadata=True)
    assert full["messages"][0]["metadata"] == metadata
    bad = {"event_type": "x"}
    assert error_code(lambda: client.chat_postMessage(channel=ALICE, text="x", metadata=bad)) == (
        "invalid_metadata_schema"
    )


def test_thread_replies_stay_out_of_history(client: WebClient, api: SlackWebAPI) -> None:
    parent = client.chat_postMessage(channel=GENERAL, text="tråd")
    client.chat_postMessage(channel=GENERAL, text="svar", thread_ts=parent["ts"])
    history = client.conversations_history(channel=GENERAL)["messages"]
    assert [m["text"] for m in history] == ["tråd"]
    assert history[0]["reply_count"] == 1
    replies = client.conversations_replies(channel=GENERAL, ts=parent["ts"])["messages"]
    assert [m["text"] for m in replies] == ["tråd", "svar"]
    assert [m["text"] for m in api.messages_in(GENERAL)] == ["tråd", "svar"]


# -- chat.update / delete / postEphemeral --------------------------------------------------


def test_update_replaces_the_message(client: WebClient, api: SlackWebAPI) -> None:
    posted = client.chat_postMessage(channel=ALICE, text="før", blocks=SECTION)
    updated = client.chat_update(channel=posted["channel"], ts=posted["ts"], text="efter")
    assert updated["ts"] == posted["ts"] and updated["text"] == "efter"
    (message,) = api.messages_in(ALICE)
    assert message["text"] == "efter"
    assert message["blocks"][0]["text"]["text"] == "*hej*"  # blocks kept unless replaced


def test_update_refusals(client: WebClient) -> None:
    posted = client.chat_postMessage(channel=ALICE, text="x")
    missing = client.chat_update
    assert error_code(lambda: missing(channel=posted["channel"], ts="1.000001", text="y")) == (
        "message_not_found"
    )
    # chat.update wants the conversation id from the post, not the user id
    assert error_code(lambda: missing(channel=ALICE, ts=posted["ts"], text="y")) == (
        "channel_not_found"
    )


def test_delete_removes_the_message(client: WebClient, api: SlackWebAPI) -> None:
    posted = client.chat_postMessage(channel=GENERAL, text="væk")
    assert client.chat_delete(channel=GENERAL, ts=posted["ts"])["ok"]
    assert api.messages_in(GENERAL) == []
    assert error_code(lambda: client.chat_delete(channel=GENERAL, ts=posted["ts"])) == (
        "message_not_found"
    )


def test_ephemeral_messages_need_a_user_and_stay_out_of_history(
    client: WebClient, api: SlackWebAPI
) -> None:
    response = client.chat_postEphemeral(channel=GENERAL, user=ALICE, text="kun til dig")
    assert response["message_ts"]
    assert [e.message["text"] for e in api.ephemerals_for(ALICE)] == ["kun til dig"]
    assert api.messages_in(GENERAL) == []
    error = slack_error(
        lambda: client.api_call("chat.postEphemeral", json={"channel": GENERAL, "text": "x"})
    )
    assert error.response["error"] == "invalid_arguments"


# -- conversations -----------------------------------------------------------------------


def test_conversations_open_is_stable_and_refuses_deactivated_users(client: WebClient) -> None:
    first = client.conversations_open(users=ALICE)
    again = client.conversations_open(users=ALICE)
    assert first["channel"]["id"] == again["channel"]["id"]
    assert again["already_open"] is True
    assert error_code(lambda: client.conversations_open(users=GONE)) == "user_disabled"
    assert error_code(lambda: client.conversations_open(users="U0NOBODY01")) == "user_not_found"


def test_history_is_newest_first_with_limits_bounds_and_cursor(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=GENERAL, text=str(i))["ts"] for i in range(5)]
    everything = client.conversations_history(channel=GENERAL)["messages"]
    assert [m["text"] for m in everything] == ["4", "3", "2", "1", "0"]
    after = client.conversations_history(channel=GENERAL, oldest=stamps[2])["messages"]
    assert [m["text"] for m in after] == ["4", "3"]
    first = client.conversations_history(channel=GENERAL, limit=2)
    assert [m["text"] for m in first["messages"]] == ["4", "3"] and first["has_more"]
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel=GENERAL, limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["2", "1"]


def test_history_refusals(client: WebClient) -> None:
    assert error_code(lambda: client.conversations_history(channel=OUTSIDE)) == "not_in_channel"
    assert error_code(lambda: client.conversations_history(channel=SECRET_ROOM)) == (
        "channel_not_found"
    )
    assert error_code(lambda: client.conversations_history(channel=ALICE)) == "channel_not_found"


def test_join_public_channels_only(client: WebClient, api: SlackWebAPI) -> None:
    joined = client.conversations_join(channel=OUTSIDE)
    assert joined["channel"]["is_member"] is True
    assert client.chat_postMessage(channel=OUTSIDE, text="nu er jeg her")["ok"]
    assert client.conversations_join(channel=GENERAL)["warning"] == "already_in_channel"
    assert error_code(lambda: client.conversations_join(channel=SECRET_ROOM)) == (
        "method_not_supported_for_channel_type"
    )
    assert error_code(lambda: client.conversations_join(channel=OLD)) == "is_archived"
    assert error_code(lambda: client.conversations_join(channel="C0NOSUCH01")) == (
        "channel_not_found"
    )


def test_conversations_info(client: WebClient) -> None:
    info = client.conversations_info(channel=GENERAL)["channel"]
    assert info["id"] == GENERAL and info["name"] == "general"
    assert info["is_channel"] and not info["is_private"] and info["is_member"]
    archived = client.conversations_info(channel=OLD)["channel"]
    assert archived["is_archived"] is True
    im = client.conversations_info(channel=client.conversations_open(users=ALICE)["channel"]["id"])
    assert im["channel"]["is_im"] and im["channel"]["user"] == ALICE


# -- users -------------------------------------------------------------------------------


def test_users_info_with_time_zone_and_locale(client: WebClient) -> None:
    bob = client.users_info(user=BOB, include_locale=True)["user"]
    assert bob["tz"] == "America/New_York" and bob["tz_offset"] in (-18000, -14400)
    assert bob["locale"] == "en-US"
    assert bob["profile"]["email"] == "bob@example.dk"
    alice = client.users_info(user=ALICE)["user"]
    assert "locale" not in alice and alice["tz"] == "Europe/Copenhagen"
    assert error_code(lambda: client.users_info(user="U0NOBODY01")) == "user_not_found"
    assert client.users_info(user=GONE)["user"]["deleted"] is True


def test_lookup_by_email_is_case_insensitive(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="alice@EXAMPLE.dk")["user"]["id"] == ALICE
    assert error_code(lambda: client.users_lookupByEmail(email="nobody@example.dk")) == (
        "users_not_found"
    )
    # Slack documents that deactivated accounts are not found by email
    assert error_code(lambda: client.users_lookupByEmail(email="gone@example.dk")) == (
        "users_not_found"
    )


def test_listing_users_and_conversations(client: WebClient) -> None:
    first = client.users_list(limit=2)
    assert len(first["members"]) == 2
    rest = client.users_list(limit=2, cursor=first["response_metadata"]["next_cursor"])
    assert [m["id"] for m in first["members"] + rest["members"]] == [ALICE, BOB, GONE]
    channels = client.conversations_list(types="public_channel,private_channel")["channels"]
    assert {c["id"] for c in channels} == {GENERAL, OLD, OUTSIDE}  # not the unjoined private one


# -- files -------------------------------------------------------------------------------


def test_files_upload_v2_uploads_the_bytes(client: WebClient, api: SlackWebAPI) -> None:
    response = client.files_upload_v2(
        channel=GENERAL,
        content=b"navn;email\nAlice;alice@example.dk\n",
        filename="deltagere.csv",
        title="Deltagere",
        initial_comment="Her er listen",
    )
    assert response["file"]["title"] == "Deltagere"
    (uploaded,) = api.files
    assert uploaded.name == "deltagere.csv" and uploaded.title == "Deltagere"
    assert uploaded.content == b"navn;email\nAlice;alice@example.dk\n"
    assert uploaded.channel_id == GENERAL and uploaded.initial_comment == "Her er listen"
    (shared,) = api.messages_in(GENERAL)
    assert shared["text"] == "Her er listen" and shared["files"][0]["id"] == uploaded.id
    methods = [c.method for c in api.calls]
    assert methods == ["files.getUploadURLExternal", "files.completeUploadExternal"]


def test_files_upload_v2_to_a_user_id_fails_like_on_slack(client: WebClient) -> None:
    error = slack_error(lambda: client.files_upload_v2(channel=ALICE, content="x", filename="a"))
    assert error.response["error"] == "invalid_arguments"
    assert "regex pattern" in error.response["response_metadata"]["messages"][0]
    dm = client.conversations_open(users=ALICE)["channel"]["id"]
    assert client.files_upload_v2(channel=dm, content="x", filename="a.txt")["ok"]


def test_complete_upload_of_an_unknown_file(client: WebClient) -> None:
    files: list[dict[str, str | None]] = [{"id": "F0NOSUCH01", "title": "x"}]
    assert error_code(lambda: client.files_completeUploadExternal(files=files)) == (
        "file_not_found"
    )


# -- calls, waiting, concurrency -----------------------------------------------------------


def test_wait_for_hands_out_each_call_once(client: WebClient, api: SlackWebAPI) -> None:
    def later() -> None:
        client.chat_postMessage(channel=GENERAL, text="første")
        client.chat_postMessage(channel=GENERAL, text="anden")

    threading.Timer(0.05, later).start()
    first = api.wait_for("chat.postMessage")
    second = api.wait_for("chat.postMessage")
    assert (first.params["text"], second.params["text"]) == ("første", "anden")
    assert first.ok and first.response["ts"] < second.response["ts"]


def test_wait_for_with_a_predicate_and_a_timeout(client: WebClient, api: SlackWebAPI) -> None:
    client.chat_postMessage(channel=GENERAL, text="a")
    client.chat_postMessage(channel=ALICE, text="b")
    call = api.wait_for("chat.postMessage", lambda c: c.params["channel"] == ALICE)
    assert call.params["text"] == "b"
    with pytest.raises(AssertionError, match=r"no views\.open call"):
        api.wait_for("views.open", timeout=0.05)


def test_reset_calls_forgets_traffic_but_not_state(client: WebClient, api: SlackWebAPI) -> None:
    client.chat_postMessage(channel=GENERAL, text="a")
    api.reset_calls()
    assert api.calls == [] and len(api.messages_in(GENERAL)) == 1


def test_concurrent_posts_get_distinct_ts(api: SlackWebAPI) -> None:
    stamps: list[str] = []

    def post(i: int) -> None:
        client = WebClient(base_url=api.api_url, token=TOKEN)
        stamps.append(client.chat_postMessage(channel=GENERAL, text=str(i))["ts"])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(stamps)) == 16
    assert len(api.messages_in(GENERAL)) == 16
