"""Slack's side towards a real Bolt app over HTTP: signing, commands, clicks, submissions."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from freezegun import freeze_time
from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from emulator import InputRejected, SlackPlatform, SlackWebAPI
from emulator.clock import real_time
from emulator.signing import signature
from tests.emulator.conftest import ALICE, GENERAL, SECRET, BoltHarness, bolt_app

Serve = Callable[[App], BoltHarness]


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


SIGNUP: dict[str, Any] = {
    "type": "modal",
    "callback_id": "signup",
    "title": plain("Tilmelding"),
    "submit": plain("Send"),
    "private_metadata": "event-7",
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": plain("Navn"),
            "element": {"type": "plain_text_input", "action_id": "name_value", "min_length": 2},
        },
        {
            "type": "input",
            "block_id": "team",
            "label": plain("Team"),
            "element": {
                "type": "static_select",
                "action_id": "team_value",
                "options": [
                    {"text": plain("Drift"), "value": "ops"},
                    {"text": plain("Udvikling"), "value": "dev"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "when",
            "optional": True,
            "label": plain("Dato"),
            "element": {"type": "datepicker", "action_id": "when_value"},
        },
        {
            "type": "input",
            "block_id": "guests",
            "optional": True,
            "label": plain("Gæster"),
            "element": {
                "type": "number_input",
                "action_id": "guests_value",
                "is_decimal_allowed": False,
            },
        },
    ],
}

INVITE_BLOCKS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Vil du med?"}},
    {
        "type": "actions",
        "block_id": "answer",
        "elements": [
            {"type": "button", "action_id": "rsvp", "value": "yes", "text": plain("Ja")},
            {
                "type": "static_select",
                "action_id": "size",
                "options": [
                    {"text": plain("Lille"), "value": "s"},
                    {"text": plain("Stor"), "value": "l"},
                ],
            },
        ],
    },
    {
        "type": "actions",
        "block_id": "decline",
        "elements": [
            {"type": "button", "action_id": "rsvp", "value": "no", "text": plain("Nej")},
        ],
    },
]


# -- signing -----------------------------------------------------------------------------


def test_signatures_are_what_slack_sdk_verifies() -> None:
    body = "token=x&text=hej%20med%20dig"
    now = str(int(time.time()))
    headers = {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": signature(SECRET, now, body)}
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)


def test_bolt_accepts_signed_requests_and_refuses_bad_ones(api: SlackWebAPI, serve: Serve) -> None:
    app = bolt_app(api)
    app.command("/netvaerk")(lambda ack: ack())
    platform = serve(app).platform
    assert platform.command(ALICE).status == 200
    with platform.signing(secret="not-the-secret"):
        assert platform.command(ALICE).status == 401
    with platform.signing(timestamp=int(real_time()) - 6 * 60):
        assert platform.command(ALICE).status == 401
    with platform.signing(signature="v0=" + "0" * 64):
        assert platform.command(ALICE).status == 401


def test_by_default_the_timestamp_follows_the_apps_frozen_clock(
    api: SlackWebAPI, serve: Serve
) -> None:
    app = bolt_app(api)
    app.command("/netvaerk")(lambda ack: ack())
    harness = serve(app)
    with freeze_time("2025-01-06 09:00:00"):
        assert harness.platform.command(ALICE).status == 200
        other_process = SlackPlatform(harness.url, SECRET, api, clock=real_time)
        assert other_process.command(ALICE).status == 401  # the app sees 2025, not today


# -- slash commands and modals -----------------------------------------------------------


@pytest.fixture
def signup_app(api: SlackWebAPI) -> tuple[App, list[dict[str, Any]]]:
    app = bolt_app(api)
    seen: list[dict[str, Any]] = []

    @app.command("/netvaerk")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        seen.append(body)
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=SIGNUP)

    @app.view("signup")
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        seen.append(body)
        values = view["state"]["values"]
        if values["name"]["name_value"]["value"] == "Nej":
            ack(response_action="errors", errors={"name": "Navnet er optaget"})
            return
        ack()
        client.chat_postMessage(channel=body["user"]["id"], text="Tak!", blocks=INVITE_BLOCKS)

    return app, seen


def test_a_slash_command_looks_like_slacks(
    api: SlackWebAPI, serve: Serve, signup_app: tuple[App, list[dict[str, Any]]]
) -> None:
    app, seen = signup_app
    response = serve(app).platform.command(ALICE, "tilmeld  mig", channel_id=GENERAL)
    assert response.status == 200 and response.body == ""
    (body,) = seen
    assert body["command"] == "/netvaerk" and body["text"] == "tilmeld  mig"
    assert body["user_id"] == ALICE and body["user_name"] == "alice"
    assert body["channel_id"] == GENERAL and body["channel_name"] == "general"
    assert body["team_id"] == api.team_id and body["api_app_id"]
    assert body["response_url"].startswith(api.base_url + "/response/")
    assert body["trigger_id"]
    assert api.wait_for("views.open").ok


def test_a_modal_round_trip(
    api: SlackWebAPI, serve: Serve, signup_app: tuple[App, list[dict[str, Any]]]
) -> None:
    app, seen = signup_app
    platform = serve(app).platform
    platform.command(ALICE)
    api.wait_for("views.open")
    view = platform.open_view(ALICE)
    assert view is not None and view["callback_id"] == "signup"

    refused = platform.submit_view(ALICE, {"name": "Nej", "team": "dev"})
    assert refused.json == {"response_action": "errors", "errors": {"name": "Navnet er optaget"}}
    assert refused.problems == ()
    assert platform.open_view(ALICE) is not None  # still open, showing the error

    accepted = platform.submit_view(ALICE, {"name": "Alice", "team": "ops", "guests": 2})
    assert accepted.status == 200 and accepted.problems == ()
    assert platform.open_view(ALICE) is None  # closed by the empty ack
    submission = seen[-1]
    assert submission["type"] == "view_submission"
    assert submission["view"]["private_metadata"] == "event-7"
    values = submission["view"]["state"]["values"]
    assert values["name"]["name_value"] == {"type": "plain_text_input", "value": "Alice"}
    assert values["team"]["team_value"]["selected_option"]["value"] == "ops"
    assert values["when"]["when_value"] == {"type": "datepicker", "selected_date": None}
    assert values["guests"]["guests_value"] == {"type": "number_input", "value": "2"}
    assert api.wait_for("chat.postMessage").params["text"] == "Tak!"


def test_the_slack_client_blocks_bad_input_before_the_app_sees_it(
    api: SlackWebAPI, serve: Serve, signup_app: tuple[App, list[dict[str, Any]]]
) -> None:
    app, seen = signup_app
    platform = serve(app).platform
    platform.command(ALICE)
    api.wait_for("views.open")
    with pytest.raises(InputRejected) as rejected:
        platform.submit_view(ALICE, {"name": "A"})
    assert rejected.value.errors == {
        "name": "Must be at least 2 characters.",
        "team": "Please complete this required field.",
    }
    with pytest.raises(ValueError, match="no option with value 'hr'"):
        platform.submit_view(ALICE, {"name": "Alice", "team": "hr"})
    with pytest.raises(KeyError, match="nmae"):
        platform.submit_view(ALICE, {"nmae": "Alice"})
    assert [b.get("type") for b in seen] == [None]  # only the command reached the app


def test_a_bad_response_action_is_reported(api: SlackWebAPI, serve: Serve) -> None:
    app = bolt_app(api)

    @app.command("/netvaerk")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=SIGNUP)

    @app.view("signup")
    def submitted(ack: Ack) -> None:
        ack(response_action="update", view={**SIGNUP, "title": plain("x" * 30)})

    platform = serve(app).platform
    platform.command(ALICE)
    api.wait_for("views.open")
    response = platform.submit_view(ALICE, {"name": "Alice", "team": "ops"})
    assert response.problems[0] == "response_action update: invalid_arguments"
    assert any("must be less than 25 characters" in p for p in response.problems)
    assert any(w.startswith("view_submission:") for w in api.warnings)


def test_an_ack_message_is_shown_and_checked(api: SlackWebAPI, serve: Serve) -> None:
    app = bolt_app(api)

    @app.command("/netvaerk")
    def command(ack: Ack, command: dict[str, Any]) -> None:
        if command["text"] == "bad":
            ack(blocks=[{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}], text="x")
        else:
            ack("Jeg kigger på det")

    platform = serve(app).platform
    assert platform.command(ALICE).problems == ()
    assert [e.message["text"] for e in api.ephemerals_for(ALICE)] == ["Jeg kigger på det"]
    bad = platform.command(ALICE, "bad")
    assert bad.problems == (
        "must be a valid enum value (plain_text) [json-pointer:/blocks/0/text/type]",
    )


# -- block actions -----------------------------------------------------------------------


@pytest.fixture
def invite_app(api: SlackWebAPI) -> tuple[App, list[dict[str, Any]]]:
    app = bolt_app(api)
    seen: list[dict[str, Any]] = []

    @app.action("rsvp")
    def rsvp(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        seen.append(body)
        ack()
        if body["actions"][0]["value"] == "yes":
            respond(text="Du er tilmeldt", replace_original=True)
        else:
            client.views_open(trigger_id=body["trigger_id"], view=SIGNUP)

    @app.action("size")
    def size(ack: Ack, body: dict[str, Any]) -> None:
        seen.append(body)
        ack()

    return app, seen


def test_clicking_a_button_in_a_posted_message(
    api: SlackWebAPI,
    client: WebClient,
    serve: Serve,
    invite_app: tuple[App, list[dict[str, Any]]],
) -> None:
    app, seen = invite_app
    posted = client.chat_postMessage(channel=ALICE, text="Invitation", blocks=INVITE_BLOCKS)
    platform = serve(app).platform
    assert platform.click(ALICE, "rsvp", value="yes").status == 200
    reply = api.wait_for_response()
    assert reply.ok and reply.payload["replace_original"] is True
    (body,) = seen
    assert body["type"] == "block_actions"
    assert body["container"] == {
        "type": "message",
        "message_ts": posted["ts"],
        "channel_id": posted["channel"],
        "is_ephemeral": False,
    }
    assert body["channel"]["id"] == posted["channel"]
    assert body["message"]["ts"] == posted["ts"] and body["message"]["blocks"]
    (action,) = body["actions"]
    assert action["type"] == "button" and action["action_id"] == "rsvp"
    assert action["value"] == "yes" and action["block_id"] == "answer"
    assert action["text"] == plain("Ja") and action["action_ts"]
    assert body["state"]["values"]["answer"]["size"] == {
        "type": "static_select",
        "selected_option": None,
    }
    (message,) = api.messages_in(ALICE)
    assert message["text"] == "Du er tilmeldt" and "blocks" not in message


def test_a_click_trigger_opens_a_modal(
    api: SlackWebAPI,
    client: WebClient,
    serve: Serve,
    invite_app: tuple[App, list[dict[str, Any]]],
) -> None:
    app, _ = invite_app
    client.chat_postMessage(channel=ALICE, text="Invitation", blocks=INVITE_BLOCKS)
    platform = serve(app).platform
    platform.click(ALICE, "rsvp", value="no")
    assert api.wait_for("views.open").ok
    assert platform.open_view(ALICE)["callback_id"] == "signup"  # type: ignore[index]


def test_selecting_an_option_in_a_message(
    client: WebClient, serve: Serve, invite_app: tuple[App, list[dict[str, Any]]]
) -> None:
    app, seen = invite_app
    posted = client.chat_postMessage(channel=GENERAL, text="Invitation", blocks=INVITE_BLOCKS)
    platform = serve(app).platform
    platform.select(ALICE, "size", "l", message=posted["message"])
    (action,) = seen[-1]["actions"]
    assert action["type"] == "static_select"
    assert action["selected_option"] == {"text": plain("Stor"), "value": "l"}
    assert seen[-1]["state"]["values"]["answer"]["size"]["selected_option"]["value"] == "l"
    assert seen[-1]["container"]["channel_id"] == GENERAL


def test_clicking_what_is_not_there_says_what_is(api: SlackWebAPI, serve: Serve) -> None:
    platform = serve(bolt_app(api)).platform
    with pytest.raises(LookupError, match="no element rsvp"):
        platform.click(ALICE, "rsvp")


def test_buttons_in_modals_and_home_tabs(api: SlackWebAPI, client: WebClient, serve: Serve) -> None:
    app = bolt_app(api)
    seen: list[dict[str, Any]] = []

    @app.action("refresh")
    def refresh(ack: Ack, body: dict[str, Any]) -> None:
        seen.append(body)
        ack()

    home = {
        "type": "home",
        "blocks": [
            {
                "type": "actions",
                "elements": [{"type": "button", "action_id": "refresh", "text": plain("Opdater")}],
            }
        ],
    }
    published = client.views_publish(user_id=ALICE, view=home)["view"]
    platform = serve(app).platform
    platform.click(ALICE, "refresh")
    body = seen[-1]
    assert body["container"] == {"type": "view", "view_id": published["id"]}
    assert body["view"]["type"] == "home" and "response_url" not in body
    assert body["actions"][0]["block_id"] == published["blocks"][0]["block_id"]


def test_modal_elements_send_the_view_state(
    api: SlackWebAPI, client: WebClient, serve: Serve
) -> None:
    app = bolt_app(api)
    seen: list[dict[str, Any]] = []

    @app.action("team_changed")
    def changed(ack: Ack, body: dict[str, Any]) -> None:
        seen.append(body)
        ack()

    view = json.loads(json.dumps(SIGNUP))
    view["blocks"][1]["dispatch_action"] = True
    view["blocks"][1]["element"]["action_id"] = "team_changed"
    opened = client.views_open(trigger_id=api.new_trigger_id(ALICE), view=view)["view"]
    platform = serve(app).platform
    platform.select(ALICE, "team_changed", "dev")
    body = seen[-1]
    assert body["container"] == {"type": "view", "view_id": opened["id"]}
    assert body["view"]["state"]["values"]["team"]["team_changed"]["selected_option"]["value"] == (
        "dev"
    )
    assert body["view"]["state"]["values"]["name"]["name_value"] == {
        "type": "plain_text_input",
        "value": None,
    }


def test_closing_a_modal_notifies_only_when_asked(
    api: SlackWebAPI, client: WebClient, serve: Serve
) -> None:
    app = bolt_app(api)
    closed: list[dict[str, Any]] = []

    @app.view_closed("signup")
    def on_close(ack: Ack, body: dict[str, Any]) -> None:
        closed.append(body)
        ack()

    platform = serve(app).platform
    client.views_open(trigger_id=api.new_trigger_id(ALICE), view=SIGNUP)
    assert platform.close_view(ALICE) is None and closed == []
    client.views_open(
        trigger_id=api.new_trigger_id(ALICE), view={**SIGNUP, "notify_on_close": True}
    )
    response = platform.close_view(ALICE)
    assert response is not None and response.status == 200
    assert closed[0]["type"] == "view_closed" and platform.open_view(ALICE) is None


def test_slow_acks_are_flagged(
    api: SlackWebAPI, serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("emulator.platform.ACK_TIMEOUT", 0.05)
    app = bolt_app(api)

    @app.command("/netvaerk")
    def slow(ack: Ack) -> None:
        time.sleep(0.1)
        ack()

    response = serve(app).platform.command(ALICE)
    assert not response.acked_in_time
    assert any(w.startswith("slow_ack:slash_command") for w in api.warnings)


# -- events and shortcuts ----------------------------------------------------------------


def test_app_home_opened_and_messages(api: SlackWebAPI, serve: Serve) -> None:
    app = bolt_app(api)
    seen: list[dict[str, Any]] = []

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        seen.append(event)
        client.views_publish(
            user_id=event["user"],
            view={"type": "home", "blocks": [{"type": "section", "text": plain("Hej")}]},
        )

    @app.message("hjælp")
    def help_message(message: dict[str, Any], say: Callable[..., Any]) -> None:
        seen.append(message)
        say("Her er hjælpen")

    platform = serve(app).platform
    assert platform.app_home_opened(ALICE).status == 200
    assert api.wait_for("views.publish").ok
    assert seen[0]["channel"] == api.dm_channel_id(ALICE) and seen[0]["tab"] == "home"
    assert platform.message(ALICE, "hjælp tak").status == 200
    assert api.wait_for("chat.postMessage").params["text"] == "Her er hjælpen"
    assert seen[1]["channel_type"] == "im" and seen[1]["user"] == ALICE
    assert [m["text"] for m in api.messages_in(ALICE)] == ["hjælp tak", "Her er hjælpen"]


def test_url_verification(api: SlackWebAPI, serve: Serve) -> None:
    response = serve(bolt_app(api)).platform.url_verification("the-challenge")
    assert response.status == 200 and "the-challenge" in response.body


def test_shortcuts(api: SlackWebAPI, client: WebClient, serve: Serve) -> None:
    app = bolt_app(api)
    seen: list[dict[str, Any]] = []

    @app.shortcut("new_event")
    def global_shortcut(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        seen.append(body)
        ack()

    @app.shortcut("remind")
    def message_shortcut(ack: Ack, body: dict[str, Any]) -> None:
        seen.append(body)
        ack()

    platform = serve(app).platform
    posted = client.chat_postMessage(channel=GENERAL, text="Møde i morgen")
    assert platform.shortcut(ALICE, "new_event").status == 200
    assert platform.message_action(ALICE, "remind", posted["ts"]).status == 200
    assert seen[0]["type"] == "shortcut" and seen[0]["trigger_id"]
    assert seen[1]["type"] == "message_action"
    assert seen[1]["message"]["text"] == "Møde i morgen"
    assert seen[1]["channel"]["id"] == GENERAL and seen[1]["response_url"]
