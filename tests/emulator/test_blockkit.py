"""Each Block Kit rule: the limit itself passes, one past it fails with Slack's wording."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.blockkit import validate_message, validate_view


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "hej", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(action_id: str = "go", text: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), **extra}


def actions(*elements: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements), **extra}


def option(value: str, text: str | None = None, kind: str = "plain_text") -> dict[str, Any]:
    return {"text": {"type": kind, "text": text or value}, "value": value}


def input_block(element: dict[str, Any], block_id: str = "b", **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain("Label"),
        "element": element,
        **extra,
    }


def text_input(action_id: str = "v", **extra: Any) -> dict[str, Any]:
    return {"type": "plain_text_input", "action_id": action_id, **extra}


def modal(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "title": plain("Titel"),
        "submit": plain("Gem"),
        "blocks": list(blocks),
    }
    view.update(extra)
    return view


def home(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"type": "home", "blocks": list(blocks)}


def message(*blocks: dict[str, Any], text: str = "fallback") -> dict[str, Any]:
    return {"text": text, "blocks": list(blocks)}


def in_modal(element: dict[str, Any]) -> list[str]:
    return validate_view(modal(input_block(element)))


def in_actions(element: dict[str, Any]) -> list[str]:
    return validate_message(message(actions(element)))


# -- sizes of whole surfaces -----------------------------------------------------------


def test_a_plain_message_and_a_plain_modal_pass() -> None:
    assert validate_message(message(section(), {"type": "divider"}, actions(button()))) == []
    assert validate_view(modal(input_block(text_input()))) == []
    assert validate_view(home(section(), actions(button()))) == []


def test_a_message_holds_50_blocks_not_51() -> None:
    assert validate_message(message(*[{"type": "divider"}] * 50)) == []
    assert validate_message(message(*[{"type": "divider"}] * 51)) == [
        "no more than 50 items allowed [json-pointer:/blocks]"
    ]


@pytest.mark.parametrize("make", [lambda b: modal(*b), lambda b: home(*b)])
def test_views_hold_100_blocks_not_101(make: Any) -> None:
    assert validate_view(make([{"type": "divider"}] * 100)) == []
    assert validate_view(make([{"type": "divider"}] * 101)) == [
        "no more than 100 items allowed [json-pointer:/view/blocks]"
    ]


def test_message_text_up_to_40000_characters() -> None:
    assert validate_message({"text": "x" * 40000}) == []
    assert validate_message({"text": "x" * 40001}) == [
        "must be less than 40001 characters [json-pointer:/text]"
    ]


# -- modal chrome ------------------------------------------------------------------------


def test_modal_title_is_24_characters_at_most() -> None:
    assert validate_view(modal(section(), title=plain("x" * 24))) == []
    assert validate_view(modal(section(), title=plain("x" * 25))) == [
        "must be less than 25 characters [json-pointer:/view/title/text]"
    ]


def test_modal_title_is_required_and_plain_text() -> None:
    view = modal(section())
    del view["title"]
    assert validate_view(view) == ["missing required field: title [json-pointer:/view]"]
    assert validate_view(modal(section(), title=mrkdwn("Titel"))) == [
        "must be a valid enum value (plain_text) [json-pointer:/view/title/type]"
    ]


@pytest.mark.parametrize("key", ["submit", "close"])
def test_submit_and_close_are_plain_text_of_24_at_most(key: str) -> None:
    assert validate_view(modal(section(), **{key: plain("y" * 24)})) == []
    assert validate_view(modal(section(), **{key: plain("y" * 25)})) == [
        f"must be less than 25 characters [json-pointer:/view/{key}/text]"
    ]
    assert validate_view(modal(section(), **{key: mrkdwn("y")})) == [
        f"must be a valid enum value (plain_text) [json-pointer:/view/{key}/type]"
    ]


def test_submit_is_required_only_when_the_modal_has_inputs() -> None:
    without_submit = modal(input_block(text_input()))
    del without_submit["submit"]
    assert validate_view(without_submit) == [
        "missing required field: submit (the modal has input blocks) [json-pointer:/view]"
    ]
    informational = modal(section())
    del informational["submit"]
    assert validate_view(informational) == []
    assert validate_view(home(input_block(text_input()))) == []


def test_callback_id_and_private_metadata_limits() -> None:
    assert validate_view(modal(section(), callback_id="c" * 255)) == []
    assert validate_view(modal(section(), callback_id="c" * 256)) == [
        "must be less than 256 characters [json-pointer:/view/callback_id]"
    ]
    assert validate_view(modal(section(), private_metadata="")) == []
    assert validate_view(modal(section(), private_metadata="m" * 3000)) == []
    assert validate_view(modal(section(), private_metadata="m" * 3001)) == [
        "must be less than 3001 characters [json-pointer:/view/private_metadata]"
    ]


def test_view_type_must_be_modal_or_home() -> None:
    assert validate_view({"type": "workflow_step", "blocks": []}) == [
        "must be a valid enum value (modal, home) [json-pointer:/view/type]"
    ]
    assert validate_view("not a view") == ["must provide an object [json-pointer:/view]"]
    assert validate_view({"type": "home"}) == [
        "missing required field: blocks [json-pointer:/view]"
    ]


# -- ids ---------------------------------------------------------------------------------


def test_block_ids_are_unique_and_at_most_255() -> None:
    assert validate_message(message(section(block_id="a" * 255))) == []
    assert validate_message(message(section(block_id="a" * 256))) == [
        "must be less than 256 characters [json-pointer:/blocks/0/block_id]"
    ]
    errors = validate_message(message(section(block_id="same"), section(block_id="same")))
    assert errors == [
        "duplicate block_id 'same' (also at /blocks/0) [json-pointer:/blocks/1/block_id]"
    ]
    errors = validate_view(modal(section(block_id="x"), input_block(text_input(), block_id="x")))
    assert len(errors) == 1 and "[json-pointer:/view/blocks/1/block_id]" in errors[0]


def test_action_ids_are_at_most_255() -> None:
    assert in_actions(button(action_id="a" * 255)) == []
    assert in_actions(button(action_id="a" * 256)) == [
        "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]"
    ]


def test_action_ids_are_unique_within_a_view() -> None:
    view = modal(actions(button("same")), input_block(text_input("same")))
    assert validate_view(view) == [
        "duplicate action_id 'same' (also at /view/blocks/0/elements/0) "
        "[json-pointer:/view/blocks/1/element/action_id]"
    ]


def test_action_ids_are_unique_within_a_message_block_but_may_repeat_across_blocks() -> None:
    assert validate_message(message(actions(button("pick")), actions(button("pick")))) == []
    errors = validate_message(message(actions(button("pick"), button("pick"))))
    assert len(errors) == 1 and "duplicate action_id 'pick'" in errors[0]


# -- block types -------------------------------------------------------------------------


def test_unknown_block_types_are_refused() -> None:
    assert validate_message(message({"type": "markdown", "text": "x"})) == [
        "unsupported type: markdown [json-pointer:/blocks/0/type]"
    ]
    assert validate_message(message({"text": mrkdwn("no type")})) == [
        "missing required field: type [json-pointer:/blocks/0]"
    ]


def test_every_known_block_type_is_accepted() -> None:
    blocks = [
        section(),
        {"type": "divider"},
        {"type": "header", "text": plain("Overskrift")},
        {"type": "context", "elements": [mrkdwn("lille"), plain("tekst")]},
        actions(button()),
        {"type": "image", "image_url": "https://example.dk/x.png", "alt_text": "x"},
        {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "hej"}]}
            ],
        },
    ]
    assert validate_message(message(*blocks)) == []
    assert validate_view(modal(*blocks, input_block(text_input()))) == []


def test_header_is_plain_text_of_150_at_most() -> None:
    header = {"type": "header", "text": plain("h" * 150)}
    assert validate_message(message(header)) == []
    header["text"] = plain("h" * 151)
    assert validate_message(message(header)) == [
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]"
    ]
    header["text"] = mrkdwn("*h*")
    assert validate_message(message(header)) == [
        "must be a valid enum value (plain_text) [json-pointer:/blocks/0/text/type]"
    ]


def test_section_text_is_3000_at_most() -> None:
    assert validate_message(message(section("s" * 3000))) == []
    assert validate_message(message(section("s" * 3001))) == [
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    ]


def test_section_fields_are_10_at_most_and_2000_each() -> None:
    fields = [mrkdwn("f")] * 10
    assert validate_message(message({"type": "section", "fields": fields})) == []
    assert validate_message(message({"type": "section", "fields": [*fields, mrkdwn("f")]})) == [
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]"
    ]
    assert validate_message(message({"type": "section", "fields": [plain("f" * 2000)]})) == []
    assert validate_message(message({"type": "section", "fields": [plain("f" * 2001)]})) == [
        "must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]"
    ]


def test_section_needs_text_or_fields() -> None:
    assert validate_message(message({"type": "section"})) == [
        "must define either `text` or `fields` [json-pointer:/blocks/0/type]"
    ]
    accessory = section(accessory=button())
    assert validate_message(message(accessory)) == []


def test_context_has_1_to_10_elements() -> None:
    context = {"type": "context", "elements": [mrkdwn("c")] * 10}
    assert validate_message(message(context)) == []
    context["elements"] = [mrkdwn("c")] * 11
    assert validate_message(message(context)) == [
        "no more than 10 items allowed [json-pointer:/blocks/0/elements]"
    ]
    context["elements"] = []
    assert validate_message(message(context)) == [
        "must provide at least 1 items [json-pointer:/blocks/0/elements]"
    ]


def test_actions_hold_25_elements_not_26() -> None:
    buttons = [button(f"b{i}") for i in range(25)]
    assert validate_message(message(actions(*buttons))) == []
    errors = validate_message(message(actions(*buttons, button("b25"))))
    assert errors == ["no more than 25 items allowed [json-pointer:/blocks/0/elements]"]


def test_actions_refuse_input_only_elements() -> None:
    assert in_actions(text_input()) == [
        "unsupported type: plain_text_input [json-pointer:/blocks/0/elements/0/type]"
    ]


def test_input_blocks_belong_in_modals_and_home_not_messages() -> None:
    block = input_block(text_input())
    assert validate_view(modal(block)) == []
    assert validate_view(home(block)) == []
    assert validate_message(message(block)) == [
        "unsupported type: input (input blocks belong in modals and the Home tab) "
        "[json-pointer:/blocks/0/type]"
    ]


def test_input_label_is_plain_text_of_2000_at_most() -> None:
    assert validate_view(modal(input_block(text_input(), label=plain("l" * 2000)))) == []
    assert validate_view(modal(input_block(text_input(), label=plain("l" * 2001)))) == [
        "must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]"
    ]
    assert validate_view(modal(input_block(text_input(), label=mrkdwn("l")))) == [
        "must be a valid enum value (plain_text) [json-pointer:/view/blocks/0/label/type]"
    ]


def test_input_takes_exactly_one_element() -> None:
    block = input_block(text_input())
    del block["element"]
    assert validate_view(modal(block)) == [
        "missing required field: element [json-pointer:/view/blocks/0]"
    ]
    block["elements"] = [text_input("a"), text_input("b")]
    assert "input blocks take exactly one `element` [json-pointer:/view/blocks/0/elements]" in (
        validate_view(modal(block))
    )


def test_input_refuses_buttons_and_overflows() -> None:
    assert in_modal(button()) == [
        "unsupported type: button [json-pointer:/view/blocks/0/element/type]"
    ]


def test_image_block_needs_alt_text() -> None:
    assert validate_message(message({"type": "image", "image_url": "https://x.dk/a.png"})) == [
        "missing required field: alt_text [json-pointer:/blocks/0]"
    ]


# -- elements ----------------------------------------------------------------------------


def test_button_text_is_plain_text_of_75_at_most() -> None:
    assert in_actions(button(text="b" * 75)) == []
    assert in_actions(button(text="b" * 76)) == [
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
    ]
    assert in_actions({**button(), "text": mrkdwn("*b*")}) == [
        "must be a valid enum value (plain_text) [json-pointer:/blocks/0/elements/0/text/type]"
    ]


def test_button_value_url_and_style() -> None:
    assert in_actions(button(value="v" * 2000, url="https://x.dk/" + "u" * 2987)) == []
    assert in_actions(button(value="v" * 2001)) == [
        "must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]"
    ]
    assert in_actions(button(url="u" * 3001)) == [
        "must be less than 3001 characters [json-pointer:/blocks/0/elements/0/url]"
    ]
    assert in_actions(button(style="primary")) == []
    assert in_actions(button(style="danger")) == []
    assert in_actions(button(style="secondary")) == [
        "must be a valid enum value (primary, danger) [json-pointer:/blocks/0/elements/0/style]"
    ]


def test_confirm_dialog_limits() -> None:
    confirm = {
        "title": plain("t" * 100),
        "text": plain("x" * 300),
        "confirm": plain("c" * 30),
        "deny": plain("d" * 30),
    }
    assert in_actions(button(confirm=confirm)) == []
    assert in_actions(button(confirm={**confirm, "confirm": plain("c" * 31)})) == [
        "must be less than 31 characters [json-pointer:/blocks/0/elements/0/confirm/confirm/text]"
    ]


def select(options: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "static_select", "action_id": "s", "options": options, **extra}


def test_static_select_has_1_to_100_options() -> None:
    assert in_modal(select([option(str(i)) for i in range(100)])) == []
    assert in_modal(select([option(str(i)) for i in range(101)])) == [
        "no more than 100 items allowed [json-pointer:/view/blocks/0/element/options]"
    ]
    assert in_modal(select([])) == [
        "must provide at least 1 items [json-pointer:/view/blocks/0/element/options]"
    ]


def test_option_text_75_and_value_150() -> None:
    assert in_modal(select([option("v" * 150, "t" * 75)])) == []
    assert in_modal(select([option("v", "t" * 76)])) == [
        "must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]"
    ]
    assert in_modal(select([option("v" * 151, "t")])) == [
        "must be less than 151 characters [json-pointer:/view/blocks/0/element/options/0/value]"
    ]


def test_select_options_are_plain_text_but_checkbox_options_may_be_mrkdwn() -> None:
    assert in_modal(select([option("v", kind="mrkdwn")])) == [
        "must be a valid enum value (plain_text) "
        "[json-pointer:/view/blocks/0/element/options/0/text/type]"
    ]
    checkboxes = {"type": "checkboxes", "action_id": "c", "options": [option("v", kind="mrkdwn")]}
    assert in_modal(checkboxes) == []


def test_initial_option_must_be_one_of_the_options() -> None:
    options = [option("a", "A"), option("b", "B")]
    assert in_modal(select(options, initial_option=option("b", "B"))) == []
    assert in_modal(select(options, initial_option=option("c", "C"))) == [
        "initial_option must match one of the options "
        "[json-pointer:/view/blocks/0/element/initial_option]"
    ]


def test_option_groups_count_as_options() -> None:
    grouped = {
        "type": "static_select",
        "action_id": "s",
        "option_groups": [{"label": plain("Gruppe"), "options": [option("a")]}],
        "initial_option": option("a"),
    }
    assert in_modal(grouped) == []


def test_multi_static_select_initial_options_subset() -> None:
    element = {
        "type": "multi_static_select",
        "action_id": "m",
        "options": [option("a"), option("b")],
        "initial_options": [option("a")],
        "max_selected_items": 2,
    }
    assert in_modal(element) == []
    element["initial_options"] = [option("z")]
    assert in_modal(element) == [
        "initial_options must match one of the options "
        "[json-pointer:/view/blocks/0/element/initial_options/0]"
    ]


def test_placeholder_is_plain_text_of_150_at_most() -> None:
    assert in_modal(text_input(placeholder=plain("p" * 150))) == []
    assert in_modal(text_input(placeholder=plain("p" * 151))) == [
        "must be less than 151 characters [json-pointer:/view/blocks/0/element/placeholder/text]"
    ]


def test_plain_text_input_lengths() -> None:
    assert in_modal(text_input(max_length=3000, min_length=0)) == []
    assert in_modal(text_input(max_length=3001)) == [
        "must be an integer between 1 and 3000 [json-pointer:/view/blocks/0/element/max_length]"
    ]
    assert in_modal(text_input(max_length=5, initial_value="12345")) == []
    assert in_modal(text_input(max_length=5, initial_value="123456")) == [
        "must be less than 6 characters (max_length) "
        "[json-pointer:/view/blocks/0/element/initial_value]"
    ]
    assert in_modal(text_input(min_length=10, max_length=5)) == [
        "min_length must not be greater than max_length "
        "[json-pointer:/view/blocks/0/element/min_length]"
    ]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2025-03-31", True), ("2024-02-29", True), ("2025-02-29", False), ("31-03-2025", False)],
)
def test_datepicker_initial_date_is_yyyy_mm_dd(value: str, ok: bool) -> None:
    errors = in_modal({"type": "datepicker", "action_id": "d", "initial_date": value})
    assert (errors == []) is ok
    if not ok:
        assert errors == [
            "must be a valid date in the format YYYY-MM-DD "
            "[json-pointer:/view/blocks/0/element/initial_date]"
        ]


@pytest.mark.parametrize(
    ("value", "ok"), [("00:00", True), ("23:59", True), ("24:00", False), ("9:30", False)]
)
def test_timepicker_initial_time_is_hh_mm(value: str, ok: bool) -> None:
    errors = in_modal({"type": "timepicker", "action_id": "t", "initial_time": value})
    assert (errors == []) is ok


def test_number_input_requires_is_decimal_allowed() -> None:
    assert in_modal({"type": "number_input", "action_id": "n"}) == [
        "missing required field: is_decimal_allowed [json-pointer:/view/blocks/0/element]"
    ]
    good = {
        "type": "number_input",
        "action_id": "n",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "10",
        "initial_value": "3",
    }
    assert in_modal(good) == []
    assert in_modal({**good, "initial_value": "2.5"}) == [
        "must be an integer when is_decimal_allowed is false "
        "[json-pointer:/view/blocks/0/element/initial_value]"
    ]
    assert in_modal({**good, "min_value": "11", "initial_value": None}) == [
        "min_value must not be greater than max_value "
        "[json-pointer:/view/blocks/0/element/min_value]",
    ]
    assert in_modal({**good, "initial_value": "11"}) == [
        "must be between min_value and max_value "
        "[json-pointer:/view/blocks/0/element/initial_value]",
    ]


def test_overflow_has_1_to_5_options() -> None:
    overflow = {"type": "overflow", "action_id": "o", "options": [option(str(i)) for i in range(5)]}
    assert in_actions(overflow) == []
    overflow["options"] = [option(str(i)) for i in range(6)]
    assert in_actions(overflow) == [
        "no more than 5 items allowed [json-pointer:/blocks/0/elements/0/options]"
    ]


@pytest.mark.parametrize("kind", ["checkboxes", "radio_buttons"])
def test_checkboxes_and_radios_hold_10_options(kind: str) -> None:
    element = {"type": kind, "action_id": "x", "options": [option(str(i)) for i in range(10)]}
    assert in_modal(element) == []
    element["options"] = [option(str(i)) for i in range(11)]
    assert in_modal(element) == [
        "no more than 10 items allowed [json-pointer:/view/blocks/0/element/options]"
    ]


def test_users_select_in_input_and_actions() -> None:
    element = {"type": "users_select", "action_id": "u", "initial_user": "U0ALICE001"}
    assert in_modal(element) == []
    assert in_actions(element) == []
    assert in_modal({**element, "initial_user": ["U1"]}) == [
        "must provide a string [json-pointer:/view/blocks/0/element/initial_user]"
    ]


def test_unknown_element_type() -> None:
    assert in_actions({"type": "slider", "action_id": "x"}) == [
        "unsupported type: slider [json-pointer:/blocks/0/elements/0/type]"
    ]


# -- text objects ------------------------------------------------------------------------


def test_text_objects_need_a_known_type_and_non_empty_text() -> None:
    assert validate_message(message(section(""))) == [
        "must be more than 0 characters [json-pointer:/blocks/0/text/text]"
    ]
    assert validate_message(
        message({"type": "section", "text": {"type": "markdown", "text": "x"}})
    ) == ["must be a valid enum value (plain_text, mrkdwn) [json-pointer:/blocks/0/text/type]"]
    assert validate_message(message({"type": "section", "text": {"text": "x"}})) == [
        "missing required field: type [json-pointer:/blocks/0/text]"
    ]
    assert validate_message(message({"type": "section", "text": "just a string"})) == [
        "must provide an object [json-pointer:/blocks/0/text]"
    ]


def test_emoji_flag_only_on_plain_text() -> None:
    assert (
        validate_message(message({"type": "section", "text": {**plain("x"), "emoji": True}})) == []
    )
    errors = validate_message(message({"type": "section", "text": {**mrkdwn("x"), "emoji": True}}))
    assert errors == ["emoji is only allowed on plain_text [json-pointer:/blocks/0/text/emoji]"]


def test_errors_accumulate_across_the_payload() -> None:
    view = modal(
        {"type": "header", "text": plain("h" * 151)},
        actions(button(text="b" * 76)),
        title=plain("t" * 25),
    )
    assert len(validate_view(view)) == 3
