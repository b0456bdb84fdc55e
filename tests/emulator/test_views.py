"""views.* and trigger ids: one-shot, three real seconds, whatever freezegun says."""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from freezegun import freeze_time
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from emulator import SlackWebAPI
from emulator import clock as emulator_clock
from emulator.clock import real_monotonic, real_time
from tests.emulator.conftest import ALICE, TOKEN


def modal(title: str = "Tilmelding", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Send"},
        "blocks": [
            {
                "type": "input",
                "block_id": "name",
                "label": {"type": "plain_text", "text": "Navn"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
        **extra,
    }


HOME = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hej"}}]}


def error_of(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


class FakeMonotonic:
    """An injectable clock for trigger expiry, so the test needs no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticking() -> Iterator[tuple[SlackWebAPI, FakeMonotonic, WebClient]]:
    fake = FakeMonotonic()
    with SlackWebAPI(monotonic=fake) as api:
        api.add_user(ALICE, "alice@example.dk", "alice")
        yield api, fake, WebClient(base_url=api.api_url, token=TOKEN)


# -- triggers ----------------------------------------------------------------------------


def test_views_open_with_a_fresh_trigger(client: WebClient, api: SlackWebAPI) -> None:
    trigger = api.new_trigger_id(ALICE)
    view = client.views_open(trigger_id=trigger, view=modal())["view"]
    assert view["id"].startswith("V") and view["hash"]
    assert view["type"] == "modal" and view["root_view_id"] == view["id"]
    assert view["state"] == {"values": {}}
    assert api.current_view(ALICE) == view


def test_trigger_ids_are_one_shot_and_must_be_known(client: WebClient, api: SlackWebAPI) -> None:
    trigger = api.new_trigger_id(ALICE)
    client.views_open(trigger_id=trigger, view=modal())
    reused = error_of(lambda: client.views_open(trigger_id=trigger, view=modal()))
    assert reused.response["error"] == "exchanged_trigger_id"
    unknown = error_of(lambda: client.views_open(trigger_id="12345.98765.abcd", view=modal()))
    assert unknown.response["error"] == "invalid_trigger_id"


def test_a_trigger_expires_after_three_seconds(
    ticking: tuple[SlackWebAPI, FakeMonotonic, WebClient],
) -> None:
    api, fake, client = ticking
    in_time, late = api.new_trigger_id(ALICE), api.new_trigger_id(ALICE)
    fake.now += 3.0
    assert client.views_open(trigger_id=in_time, view=modal())["ok"]
    fake.now += 0.01
    error = error_of(lambda: client.views_open(trigger_id=late, view=modal()))
    assert error.response["error"] == "expired_trigger_id"


def test_a_trigger_expires_in_real_time_even_under_freezegun() -> None:
    with SlackWebAPI(trigger_ttl=0.2) as api:
        client = WebClient(base_url=api.api_url, token=TOKEN)
        with freeze_time("2025-01-06 09:00:00"):
            trigger = api.new_trigger_id()
            time.sleep(0.25)  # real time passes although the frozen clock does not
            error = error_of(lambda: client.views_open(trigger_id=trigger, view=modal()))
    assert error.response["error"] == "expired_trigger_id"


def test_real_clocks_ignore_freezegun_even_if_imported_while_frozen() -> None:
    with freeze_time("2001-01-01"):
        assert time.time() < 1e9 + 1e8
        assert real_time() > 1.7e9
        reloaded = importlib.reload(emulator_clock)
        assert reloaded.real_time() > 1.7e9
        before = reloaded.real_monotonic()
        time.sleep(0.01)
        assert reloaded.real_monotonic() > before
    importlib.reload(emulator_clock)
    assert real_monotonic() > 0


def test_an_invalid_view_is_refused_without_spending_the_trigger(
    client: WebClient, api: SlackWebAPI
) -> None:
    trigger = api.new_trigger_id(ALICE)
    error = error_of(lambda: client.views_open(trigger_id=trigger, view=modal("x" * 25)))
    assert error.response["error"] == "invalid_arguments"
    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert client.views_open(trigger_id=trigger, view=modal())["ok"]


def test_views_open_refuses_a_home_view(client: WebClient, api: SlackWebAPI) -> None:
    error = error_of(lambda: client.views_open(trigger_id=api.new_trigger_id(), view=HOME))
    assert error.response["error"] == "invalid_arguments"


# -- update / push / publish --------------------------------------------------------------


def test_views_update_by_id_and_by_external_id(client: WebClient, api: SlackWebAPI) -> None:
    opened = client.views_open(
        trigger_id=api.new_trigger_id(ALICE), view=modal(external_id="signup-1")
    )["view"]
    by_id = client.views_update(view_id=opened["id"], view=modal("Trin 2"))["view"]
    assert by_id["id"] == opened["id"] and by_id["hash"] != opened["hash"]
    assert by_id["title"]["text"] == "Trin 2"
    by_external = client.views_update(external_id="signup-1", view=modal("Trin 3"))["view"]
    assert by_external["id"] == opened["id"]
    assert api.current_view(ALICE)["title"]["text"] == "Trin 3"  # type: ignore[index]


def test_views_update_refusals(client: WebClient, api: SlackWebAPI) -> None:
    opened = client.views_open(trigger_id=api.new_trigger_id(ALICE), view=modal())["view"]
    missing = error_of(lambda: client.views_update(view_id="V0NOSUCH01", view=modal()))
    assert missing.response["error"] == "not_found"
    stale = error_of(lambda: client.views_update(view_id=opened["id"], view=modal(), hash="1.x"))
    assert stale.response["error"] == "hash_conflict"
    ok = client.views_update(view_id=opened["id"], view=modal(), hash=opened["hash"])
    assert ok["ok"]


def test_views_push_stacks_up_to_three(client: WebClient, api: SlackWebAPI) -> None:
    root = client.views_open(trigger_id=api.new_trigger_id(ALICE), view=modal("Et"))["view"]
    second = client.views_push(trigger_id=api.new_trigger_id(ALICE), view=modal("To"))["view"]
    assert second["previous_view_id"] == root["id"] and second["root_view_id"] == root["id"]
    client.views_push(trigger_id=api.new_trigger_id(ALICE), view=modal("Tre"))
    assert [v["title"]["text"] for v in api.modal_stack(ALICE)] == ["Et", "To", "Tre"]
    error = error_of(
        lambda: client.views_push(trigger_id=api.new_trigger_id(ALICE), view=modal("Fire"))
    )
    assert error.response["error"] == "push_limit_reached"


def test_views_publish_home_tabs(client: WebClient, api: SlackWebAPI) -> None:
    first = client.views_publish(user_id=ALICE, view=HOME)["view"]
    assert first["type"] == "home"
    again = client.views_publish(user_id=ALICE, view=HOME)["view"]
    assert again["id"] == first["id"] and api.home_view(ALICE) == again
    wrong = error_of(lambda: client.views_publish(user_id=ALICE, view=modal()))
    assert wrong.response["error"] == "invalid_arguments"
    nobody = error_of(lambda: client.views_publish(user_id="U0NOBODY01", view=HOME))
    assert nobody.response["error"] == "user_not_found"


def test_duplicate_external_ids_are_refused(client: WebClient, api: SlackWebAPI) -> None:
    client.views_open(trigger_id=api.new_trigger_id(ALICE), view=modal(external_id="same"))
    error = error_of(
        lambda: client.views_open(
            trigger_id=api.new_trigger_id(ALICE), view=modal(external_id="same")
        )
    )
    assert error.response["error"] == "duplicate_external_id"


def test_missing_ids_are_generated_like_slack_does(client: WebClient, api: SlackWebAPI) -> None:
    view = modal()
    del view["blocks"][0]["block_id"]
    del view["blocks"][0]["element"]["action_id"]
    opened = client.views_open(trigger_id=api.new_trigger_id(ALICE), view=view)["view"]
    block = opened["blocks"][0]
    assert block["block_id"] and block["element"]["action_id"]
