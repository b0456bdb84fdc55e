"""State values as the Slack client builds them, per element type."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from emulator.interaction import (
    InputRejected,
    action_for,
    client_check,
    empty_entry,
    entry_for,
    fill,
    state_values,
)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def opt(value: str) -> dict[str, Any]:
    return {"text": plain(value.title()), "value": value}


def block(block_id: str, element: dict[str, Any], optional: bool = True) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(block_id),
        "element": {"action_id": "a", **element},
    }


ELEMENTS: dict[str, dict[str, Any]] = {
    "text": {"type": "plain_text_input"},
    "number": {"type": "number_input", "is_decimal_allowed": True},
    "email": {"type": "email_text_input"},
    "date": {"type": "datepicker"},
    "time": {"type": "timepicker"},
    "select": {"type": "static_select", "options": [opt("a"), opt("b")]},
    "radio": {"type": "radio_buttons", "options": [opt("a"), opt("b")]},
    "user": {"type": "users_select"},
    "users": {"type": "multi_users_select"},
    "checks": {"type": "checkboxes", "options": [opt("a"), opt("b"), opt("c")]},
    "multi": {"type": "multi_static_select", "options": [opt("a"), opt("b")]},
    "channel": {"type": "conversations_select"},
}
BLOCKS = [block(name, element) for name, element in ELEMENTS.items()]


def test_untouched_optional_inputs_are_present_with_nulls() -> None:
    values = state_values(BLOCKS)
    assert {k: v["a"] for k, v in values.items()} == {
        "text": {"type": "plain_text_input", "value": None},
        "number": {"type": "number_input", "value": None},
        "email": {"type": "email_text_input", "value": None},
        "date": {"type": "datepicker", "selected_date": None},
        "time": {"type": "timepicker", "selected_time": None},
        "select": {"type": "static_select", "selected_option": None},
        "radio": {"type": "radio_buttons", "selected_option": None},
        "user": {"type": "users_select", "selected_user": None},
        "users": {"type": "multi_users_select", "selected_users": []},
        "checks": {"type": "checkboxes", "selected_options": []},
        "multi": {"type": "multi_static_select", "selected_options": []},
        "channel": {"type": "conversations_select", "selected_conversation": None},
    }
    client_check(BLOCKS, values)  # all optional: nothing to refuse


def test_filled_values_take_slacks_shapes() -> None:
    draft = fill(
        BLOCKS,
        {},
        {
            "text": "hej",
            "number": 2.5,
            "email": "a@b.dk",
            "date": date(2025, 3, 31),
            "time": time(9, 30),
            "select": "b",
            "radio": "a",
            "user": "U0ALICE001",
            "users": ["U1", "U2"],
            "checks": ["a", "c"],
            "multi": "b",
            "channel": "C0GENERAL1",
        },
    )
    values = {k: v["a"] for k, v in state_values(BLOCKS, draft).items()}
    assert values["text"]["value"] == "hej"
    assert values["number"]["value"] == "2.5"
    assert values["date"]["selected_date"] == "2025-03-31"
    assert values["time"]["selected_time"] == "09:30"
    assert values["select"]["selected_option"] == opt("b")
    assert values["radio"]["selected_option"] == opt("a")
    assert values["user"]["selected_user"] == "U0ALICE001"
    assert values["users"]["selected_users"] == ["U1", "U2"]
    assert values["checks"]["selected_options"] == [opt("a"), opt("c")]
    assert values["multi"]["selected_options"] == [opt("b")]
    assert values["channel"]["selected_conversation"] == "C0GENERAL1"


def test_initial_values_are_sent_when_untouched() -> None:
    blocks = [
        block("text", {"type": "plain_text_input", "initial_value": "forslag"}),
        block("select", {**ELEMENTS["select"], "initial_option": opt("b")}),
        block("date", {"type": "datepicker", "initial_date": "2025-01-06"}),
        block("checks", {**ELEMENTS["checks"], "initial_options": [opt("c")]}),
        block("user", {"type": "users_select", "initial_user": "U0BOB00002"}),
    ]
    values = {k: v["a"] for k, v in state_values(blocks).items()}
    assert values["text"]["value"] == "forslag"
    assert values["select"]["selected_option"] == opt("b")
    assert values["date"]["selected_date"] == "2025-01-06"
    assert values["checks"]["selected_options"] == [opt("c")]
    assert values["user"]["selected_user"] == "U0BOB00002"
    cleared = fill(blocks, {}, {"text": None})
    assert state_values(blocks, cleared)["text"]["a"]["value"] is None


def test_values_may_be_keyed_by_action_id() -> None:
    blocks = [block("b1", {"type": "plain_text_input", "action_id": "title"})]
    draft = fill(blocks, {}, {"title": "Møde"})
    assert state_values(blocks, draft)["b1"]["title"]["value"] == "Møde"


def test_programming_mistakes_fail_loudly() -> None:
    with pytest.raises(KeyError, match="nope"):
        fill(BLOCKS, {}, {"nope": "x"})
    with pytest.raises(ValueError, match="no option with value 'z'"):
        fill(BLOCKS, {}, {"select": "z"})
    with pytest.raises(ValueError, match="not YYYY-MM-DD"):
        fill(BLOCKS, {}, {"date": "31/03/2025"})
    with pytest.raises(ValueError, match="not HH:MM"):
        fill(BLOCKS, {}, {"time": "9.30"})


@pytest.mark.parametrize(
    ("element", "value", "message"),
    [
        ({"type": "plain_text_input"}, None, "Please complete this required field."),
        ({"type": "plain_text_input", "min_length": 3}, "ab", "Must be at least 3 characters."),
        ({"type": "plain_text_input", "max_length": 3}, "abcd", "Must be at most 3 characters."),
        (
            {"type": "number_input", "is_decimal_allowed": False},
            "1.5",
            "Please enter a whole number.",
        ),
        (
            {"type": "number_input", "is_decimal_allowed": False, "max_value": "10"},
            "11",
            "Must be at most 10.",
        ),
        ({"type": "number_input", "is_decimal_allowed": True}, "abc", "Please enter a number."),
        ({"type": "email_text_input"}, "not-an-email", "Please enter a valid email address."),
        ({"type": "url_text_input"}, "example.dk", "Please enter a valid URL."),
        ({"type": "checkboxes", "options": [opt("a")]}, [], "Please complete this required field."),
        (
            {
                "type": "multi_static_select",
                "options": [opt("a"), opt("b")],
                "max_selected_items": 1,
            },
            ["a", "b"],
            "Select up to 1 items.",
        ),
    ],
)
def test_the_client_refuses(element: dict[str, Any], value: Any, message: str) -> None:
    blocks = [block("field", element, optional=False)]
    draft = fill(blocks, {}, {"field": value})
    with pytest.raises(InputRejected) as rejected:
        client_check(blocks, state_values(blocks, draft))
    assert rejected.value.errors == {"field": message}


def test_actions_carry_the_element_and_its_choice() -> None:
    select = {
        "type": "static_select",
        "action_id": "s",
        "options": [opt("a")],
        "placeholder": plain("Vælg"),
    }
    action = action_for({"block_id": "b"}, select, entry_for(select, "a"), "1.000001")
    assert action == {
        "type": "static_select",
        "action_id": "s",
        "block_id": "b",
        "action_ts": "1.000001",
        "selected_option": opt("a"),
        "placeholder": plain("Vælg"),
    }
    button = {
        "type": "button",
        "action_id": "go",
        "text": plain("Go"),
        "value": "7",
        "style": "primary",
    }
    assert action_for({"block_id": "b"}, button, None, "2.0") == {
        "type": "button",
        "action_id": "go",
        "block_id": "b",
        "action_ts": "2.0",
        "text": plain("Go"),
        "value": "7",
        "style": "primary",
    }


def test_empty_entry_of_a_timepicker_with_time_zone() -> None:
    entry = empty_entry(
        {"type": "timepicker", "initial_time": "08:00", "timezone": "Europe/Copenhagen"}
    )
    assert entry == {
        "type": "timepicker",
        "selected_time": "08:00",
        "timezone": "Europe/Copenhagen",
    }
