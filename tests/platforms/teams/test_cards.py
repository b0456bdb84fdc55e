"""The Adaptive Card renderer: every card kind valid against the official Adaptive Cards 1.5
schema (the emulator's validator, from Microsoft's schema file), plain text that cannot format,
mentions Teams notifies, buttons Teams routes, and dialogs that show their problems."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.core import actions, ui
from emulator.microsoft.cards import activity_errors, card_errors
from platforms.slack.blocks import read_form as slack_read_form
from platforms.slack.blocks import render_form as slack_render_form
from platforms.teams.cards import (
    CARD_CONTENT_TYPE,
    MESSAGE_BYTES_MAX,
    card_attachment,
    dialog_response,
    escape,
    fits,
    markdown,
    message_activity,
    read_form,
    render_form,
    render_message,
)

HOSTILE = "**x** _y_ [klik](https://evil) <at>Alle</at>\n- liste\n1. tal\n# overskrift"


def _texts(card: dict) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for fact in node.get("facts", []) if node.get("type") == "FactSet" else []:
                found.extend((fact["title"], fact["value"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def _every_part() -> ui.Message:
    return ui.Message(
        "Besked",
        (
            ui.Heading("Overskrift"),
            ui.Text(ui.concat("Hej ", ui.bold("fed"), " og ", ui.italic("skrå"))),
            ui.Divider(),
            ui.Facts((("Hvornår", "i morgen"), ("Hvem", ui.bold("Anne")))),
            ui.Buttons(
                (
                    ui.Button("Book", actions.BOOKING_OPEN, "7", "primary"),
                    ui.Button("Udsæt", actions.NUDGE_SNOOZE, "booking:1"),
                    ui.Button("Afvis", actions.BOOKING_DECLINE, "1:2", "danger"),
                )
            ),
            ui.Note("Kun du kan se dette"),
        ),
        metadata={"outbox_id": "42"},
    )


def test_every_part_renders_to_a_schema_valid_card() -> None:
    card = render_message(_every_part())
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card_errors(card) == []
    kinds = [element["type"] for element in card["body"]]
    assert kinds == ["TextBlock", "TextBlock", "FactSet", "ActionSet", "TextBlock"]
    assert card["body"][2]["separator"] is True  # the divider
    assert card["body"][1]["text"] == "Hej **fed** og _skrå_"
    assert card["body"][4]["isSubtle"] is True


def test_a_message_without_parts_shows_its_text() -> None:
    card = render_message(ui.Message(ui.concat("Kun ", ui.bold("tekst"))))
    assert card_errors(card) == []
    assert _texts(card) == ["Kun **tekst**"]


def test_plain_text_cannot_format_link_list_or_mention() -> None:
    message = ui.Message(
        HOSTILE,
        (ui.Heading(HOSTILE), ui.Text(HOSTILE), ui.Facts(((HOSTILE, HOSTILE),)), ui.Note(HOSTILE)),
    )
    card = render_message(message)
    assert card_errors(card) == []
    texts = _texts(card)
    assert len(texts) == 5
    for text in texts:
        assert "**x**" not in text and "_y_" not in text
        assert "[klik](" not in text and "<at>" not in text
        assert "\n- " not in text and "\n1. " not in text and "\n# " not in text
        # Shown as written: only invisible characters and paragraph breaks were added.
        assert text.replace("\u200b", "").replace("\n\n", "\n") == HOSTILE
    assert "msteams" not in card or "entities" not in card["msteams"]


def test_formatting_inside_a_word_is_left_alone_where_markdown_would_not_pair() -> None:
    assert escape("snake_case_name") == "snake_case_name"
    assert escape("a*b*c") != "a*b*c"  # markdown pairs * inside words


def test_parts_map_to_textblock_markdown() -> None:
    text = ui.concat(
        ui.bold("B"),
        " ",
        ui.italic("I"),
        " ",
        ui.Rich((ui.Strike((ui.Plain("S"),)),)),
        " ",
        ui.Rich((ui.Code("c*d"),)),
        " ",
        ui.link("https://x.dk/a b(c)", "L"),
        " ",
        ui.link("ftp://x", "F"),
        "\n",
        ui.bullet("punkt"),
        "\n",
        ui.Rich((ui.ListItem((ui.Plain("nr"),), 2),)),
        "\n",
        ui.quote("citat"),
    )
    assert markdown(text) == (
        "**B** _I_ S c*\u200bd [L](https://x.dk/a%20b%28c%29) F (ftp://x)"
        "\n\n- punkt\n\n2. nr\n\ncitat"
    )


def test_a_mention_notifies_through_an_entity_and_without_an_id_is_the_name() -> None:
    text = ui.concat(
        ui.mention(1, "Anne Berg", "29:anne"),
        " og ",
        ui.mention(2, "Bo <Hansen>", None),
        " og ",
        ui.mention(1, "Anne Berg", "29:anne"),
    )
    card = render_message(ui.Message("x", (ui.Text(text),)))
    assert card_errors(card) == []
    assert (
        card["body"][0]["text"] == "<at>Anne Berg</at> og Bo <\u200bHansen> og <at>Anne Berg</at>"
    )
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Anne Berg</at>",
            "mentioned": {"id": "29:anne", "name": "Anne Berg"},
        }
    ]


def test_buttons_that_open_forms_fetch_a_dialog_and_the_rest_execute() -> None:
    card = render_message(_every_part())
    book, snooze, decline = card["body"][3]["actions"]
    assert book == {
        "type": "Action.Submit",
        "title": "Book",
        "data": {"msteams": {"type": "task/fetch"}, "action": actions.BOOKING_OPEN, "value": "7"},
        "style": "positive",
    }
    assert snooze == {
        "type": "Action.Execute",
        "title": "Udsæt",
        "verb": actions.NUDGE_SNOOZE,
        "data": {"value": "booking:1"},
    }
    assert decline["type"] == "Action.Execute" and decline["style"] == "destructive"


def test_every_form_opening_action_renders_as_a_dialog_fetch() -> None:
    buttons = tuple(ui.Button(a, a, "1") for a in sorted(actions.OPENS_FORM))
    card = render_message(ui.Message("x", (ui.Buttons(buttons),)))
    assert card_errors(card) == []
    rendered = [a for s in card["body"] for a in s["actions"]]
    assert len(rendered) == len(actions.OPENS_FORM)
    assert all(a["type"] == "Action.Submit" for a in rendered)
    assert len(card["body"]) == -(-len(buttons) // 6)  # at most six actions a set


def _form() -> ui.Form:
    return ui.Form(
        callback=actions.BOOKING_FORM,
        title="Book en samtale",
        submit="Send",
        close="Luk",
        items=(
            ui.Text(ui.concat("Vælg ", ui.bold("tid"))),
            ui.TextInput(
                "note", "Note", optional=True, multiline=True, hint="Kort", max_length=500
            ),
            ui.NumberInput("hours", "Timer", minimum=0, maximum=40, initial=2, decimal=False),
            ui.DateInput("date1", "Dato", initial=date(2027, 3, 1)),
            ui.TimeInput("time1", "Tid", initial=time(9, 30)),
            ui.Choice("pair", "Hvem", (ui.Option("1", "Anne"), ui.Option("2", "Bo")), initial="2"),
            ui.MultiChoice(
                "channels",
                "Kanaler",
                (ui.Option("a", "A"), ui.Option("b", "B"), ui.Option("c", "C")),
                optional=True,
                initial=("a", "c"),
            ),
        ),
        metadata='{"conversation": 3}',
    )


def test_a_form_is_a_schema_valid_dialog_with_initial_values() -> None:
    response = dialog_response(_form())
    task = response["task"]
    assert task["type"] == "continue"
    assert task["value"]["title"] == "Book en samtale"
    assert task["value"]["card"]["contentType"] == CARD_CONTENT_TYPE
    card = task["value"]["card"]["content"]
    assert card_errors(card) == []
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert inputs["note"]["isRequired"] is False and inputs["note"]["isMultiline"] is True
    assert inputs["hours"] == {
        "type": "Input.Number",
        "min": 0,
        "max": 40,
        "value": 2,
        "id": "hours",
        "label": "Timer",
        "isRequired": True,
    }
    assert inputs["date1"]["value"] == "2027-03-01"
    assert inputs["time1"]["value"] == "09:30"
    assert inputs["pair"]["value"] == "2"
    assert inputs["channels"]["isMultiSelect"] is True
    assert inputs["channels"]["value"] == "a,c"
    (submit,) = card["actions"]
    assert submit["title"] == "Send"
    assert submit["data"] == {
        "callback": actions.BOOKING_FORM,
        "metadata": '{"conversation": 3}',
        "multi": ["channels"],
    }


def test_a_form_with_errors_shows_each_next_to_its_field_and_keeps_what_was_typed() -> None:
    errors = ui.FormErrors()
    errors.add("date1", "Datoen er en helligdag")
    typed = {"note": "min note", "date1": "2027-12-25", "channels": "b\nc", "hours": "5"}
    card = render_form(_form(), errors, typed)
    assert card_errors(card) == []
    ids = [e.get("id") or e["text"] for e in card["body"]]
    at = ids.index("date1")
    error = card["body"][at + 1]
    assert error["type"] == "TextBlock" and error["color"] == "Attention"
    assert error["text"] == "Datoen er en helligdag"
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert inputs["date1"]["value"] == "2027-12-25"
    assert inputs["date1"]["errorMessage"] == "Datoen er en helligdag"
    assert inputs["note"]["value"] == "min note"
    assert inputs["channels"]["value"] == "b,c"
    assert inputs["hours"]["value"] == 5
    assert sum(1 for e in card["body"] if e.get("color") == "Attention") == 1


def test_read_form_gives_what_the_slack_reader_gives() -> None:
    data = {
        "callback": actions.BOOKING_FORM,
        "metadata": "m",
        "multi": ["channels"],
        "msteams": {"type": "task/fetch"},
        "note": "  hej  ",
        "hours": "5",
        "date1": "2027-03-01",
        "time1": "09:30",
        "pair": "",
        "channels": "a,c",
    }
    callback, metadata, values = read_form(data)
    assert (callback, metadata) == (actions.BOOKING_FORM, "m")
    slack_view = slack_render_form(_form())
    slack_state = {
        "note": {"note": {"type": "plain_text_input", "value": "  hej  "}},
        "hours": {"hours": {"type": "number_input", "value": "5"}},
        "date1": {"date1": {"type": "datepicker", "selected_date": "2027-03-01"}},
        "time1": {"time1": {"type": "timepicker", "selected_time": "09:30"}},
        "pair": {"pair": {"type": "static_select", "selected_option": None}},
        "channels": {
            "channels": {
                "type": "multi_static_select",
                "selected_options": [{"value": "a"}, {"value": "c"}],
            }
        },
    }
    assert values == slack_read_form({**slack_view, "state": {"values": slack_state}})
    assert values["channels"] == "a\nc" and values["pair"] is None


@pytest.mark.parametrize(("count", "expected"), [(10, True), (400, False)])
def test_fits_is_what_the_emulator_accepts(count: int, expected: bool) -> None:
    message = ui.Message("x", tuple(ui.Text(f"Linje {i} " + "æ" * 60) for i in range(count)))
    activity = message_activity(message)
    too_big = any(p.startswith("MessageSizeTooBig") for p in activity_errors(activity))
    assert fits(message) is expected
    assert too_big is not expected


def test_the_activity_carries_the_card_a_summary_and_the_outbox_tag() -> None:
    activity = message_activity(_every_part())
    assert activity_errors(activity) == []
    assert activity["summary"] == "Besked"
    assert activity["attachments"] == [card_attachment(render_message(_every_part()))]
    assert activity["channelData"] == {"netvaerk": {"outbox_id": "42"}}
    assert MESSAGE_BYTES_MAX == 28 * 1024
