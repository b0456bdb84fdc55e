"""The emulator refuses the cards Teams would not render: the official 1.5 schema and more."""

from __future__ import annotations

from typing import Any

from emulator.microsoft import activity_errors, card_errors


def card(
    *body: dict[str, Any], actions: list[dict[str, Any]] | None = None, version: str = "1.5"
) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": version,
        "body": list(body),
        "actions": actions or [],
    }


def test_a_plain_card_with_an_execute_button_is_accepted() -> None:
    good = card(
        {"type": "TextBlock", "text": "Hej **Alice**", "wrap": True},
        {
            "type": "Input.Text",
            "id": "note",
            "label": "Note",
            "isMultiline": True,
            "maxLength": 3000,
        },
        actions=[
            {
                "type": "Action.Execute",
                "title": "Acceptér",
                "verb": "booking.accept",
                "data": {"id": 7},
            }
        ],
    )
    assert card_errors(good) == []


def test_an_unknown_element_is_named_with_its_place() -> None:
    problems = card_errors(card({"type": "TextBlok", "text": "Hej"}))
    assert problems and problems[0].startswith("body/0")


def test_a_wrongly_typed_property_is_refused() -> None:
    problems = card_errors(card({"type": "Input.Text", "id": "x", "maxLength": "lang"}))
    assert any("maxLength" in p or "body/0" in p for p in problems), problems


def test_a_card_newer_than_teams_renders_is_refused() -> None:
    assert any(
        "newer than Teams" in p
        for p in card_errors(card({"type": "TextBlock", "text": "x"}, version="1.6"))
    )


def test_an_execute_button_without_a_verb_is_refused() -> None:
    problems = card_errors(card(actions=[{"type": "Action.Execute", "title": "OK"}]))
    assert problems == ["Action.Execute 'OK' has no verb"]


def test_a_message_over_28_kb_is_too_big() -> None:
    activity = {"type": "message", "text": "x" * 29_000}
    assert any(p.startswith("MessageSizeTooBig") for p in activity_errors(activity))
    assert activity_errors({"type": "message", "text": "x" * 1000}) == []


def test_teams_card_extension_is_checked_by_teams_rules_not_the_generic_schema() -> None:
    mention = {"type": "mention", "text": "<at>Anne</at>", "mentioned": {"id": "29:a", "name": "A"}}
    body = [{"type": "TextBlock", "text": "<at>Anne</at>"}]
    good = {"type": "AdaptiveCard", "version": "1.5", "body": body}
    assert card_errors({**good, "msteams": {"width": "Full", "entities": [mention]}}) == []
    assert card_errors({**good, "msteams": {"width": "Wide"}}) == [
        "msteams/width: 'Wide' is not one of ('Full',)"
    ]
    assert card_errors({**good, "msteams": {"entities": [{**mention, "text": "Anne"}]}}) == [
        "msteams/entities/0: not a mention entity"
    ]
