"""POSTs to response URLs, as Bolt's respond() and slack_sdk's WebhookClient make them."""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from emulator import SlackWebAPI
from emulator.http_body import parse_params
from tests.emulator.conftest import ALICE, GENERAL


def test_ephemeral_by_default(api: SlackWebAPI) -> None:
    url = api.new_response_url(channel_id=GENERAL, user_id=ALICE)
    assert url.startswith(api.base_url + "/response/")
    response = WebhookClient(url).send(text="Kun til dig")
    assert (response.status_code, response.body) == (200, "ok")
    (post,) = api.responses
    assert post.ok and post.payload == {"text": "Kun til dig"} and post.user_id == ALICE
    assert [e.message["text"] for e in api.ephemerals_for(ALICE)] == ["Kun til dig"]
    assert api.messages_in(GENERAL) == []


def test_in_channel_posts_a_visible_message(api: SlackWebAPI) -> None:
    url = api.new_response_url(channel_id=GENERAL, user_id=ALICE)
    WebhookClient(url).send(text="Til alle", response_type="in_channel")
    assert [m["text"] for m in api.messages_in(GENERAL)] == ["Til alle"]


def test_replace_and_delete_the_original(api: SlackWebAPI, client: WebClient) -> None:
    posted = client.chat_postMessage(channel=GENERAL, text="Original")
    url = api.new_response_url(channel_id=GENERAL, user_id=ALICE, message_ts=posted["ts"])
    WebhookClient(url).send(text="Erstattet", replace_original=True)
    assert [m["text"] for m in api.messages_in(GENERAL)] == ["Erstattet"]
    WebhookClient(url).send_dict({"delete_original": True})
    assert api.messages_in(GENERAL) == []


def test_invalid_messages_and_used_up_urls_are_refused(api: SlackWebAPI) -> None:
    url = api.new_response_url(channel_id=GENERAL, user_id=ALICE)
    bad = WebhookClient(url).send(
        text="x", blocks=[{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]
    )
    assert bad.status_code == 400 and bad.body == "invalid_blocks"
    assert api.responses[-1].errors[1].startswith("must be less than 151 characters")
    assert WebhookClient(url).send(response_type="ephemeral").status_code == 400  # no_text
    for _ in range(3):
        assert WebhookClient(url).send(text="ok").status_code == 200
    assert WebhookClient(url).send(text="sjette").status_code == 404
    unknown = WebhookClient(api.base_url + "/response/nope").send(text="x")
    assert unknown.status_code == 404


def test_wait_for_response(api: SlackWebAPI) -> None:
    url = api.new_response_url(channel_id=GENERAL, user_id=ALICE)
    threading.Timer(0.05, lambda: WebhookClient(url).send(text="senere")).start()
    assert api.wait_for_response(lambda r: r.payload["text"] == "senere").ok


def test_multipart_and_query_string_arguments_are_read() -> None:
    body = (
        b'--XX\r\nContent-Disposition: form-data; name="channels"\r\n\r\nC1\r\n'
        b'--XX\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nbytes here\r\n--XX--\r\n"
    )
    params = parse_params("token=t", body, "multipart/form-data; boundary=XX")
    assert params == {"token": "t", "channels": "C1", "file": b"bytes here"}
