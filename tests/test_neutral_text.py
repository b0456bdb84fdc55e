"""Neutral text: the catalogues' markup becomes parts; each renderer writes and escapes them."""

from __future__ import annotations

import copy
import re

import pytest

from bot.core import plain_text, ui
from bot.core.i18n import LANGUAGES, catalogue, t
from bot.core.markup import fill, parse
from platforms.slack.blocks import mrkdwn, render_message

EVIL = "*x* <!channel> <https://evil|klik>"


def _rich(template: str, **values: object) -> ui.Rich:
    return fill(parse(template), values)


def test_markup_becomes_parts() -> None:
    text = _rich("**Fed** og _skrå_ og ~~væk~~, `kode` og [Læs mere]({url})\n- et punkt\n2. to")
    assert text.spans == (
        ui.Bold((ui.Plain("Fed"),)),
        ui.Plain(" og "),
        ui.Italic((ui.Plain("skrå"),)),
        ui.Plain(" og "),
        ui.Strike((ui.Plain("væk"),)),
        ui.Plain(", "),
        ui.Code("kode"),
        ui.Plain(" og "),
        ui.Link("{url}", (ui.Plain("Læs mere"),)),
        ui.Plain("\n"),
        ui.ListItem((ui.Plain("et punkt"),)),
        ui.Plain("\n"),
        ui.ListItem((ui.Plain("to"),), number=2),
    )
    assert str(text) == "Fed og skrå og væk, kode og Læs mere ({url})\n• et punkt\n2. to"


def test_what_does_not_close_is_text_and_words_keep_their_underscores() -> None:
    assert str(_rich("2 ** 3 og SLACK_BOT_TOKEN og [j/N] og {{x}}")) == (
        "2 ** 3 og SLACK_BOT_TOKEN og [j/N] og {x}"
    )
    assert _rich("SLACK_BOT_TOKEN").spans == (ui.Plain("SLACK_BOT_TOKEN"),)
    assert str(_rich("{n:02d}", n=7)) == "07"


def test_values_are_always_plain_text() -> None:
    text = _rich("Hej **{name}** – {note}", name="**a** [b](https://c)", note="_d_ `e`")
    assert text.spans == (
        ui.Plain("Hej "),
        ui.Bold((ui.Plain("**a** [b](https://c)"),)),
        ui.Plain(" – _d_ `e`"),
    )


def test_a_rich_value_keeps_its_parts() -> None:
    inner = ui.join("\n", [ui.bullet(ui.bold("A")), ui.bullet("B")])
    text = _rich("**Liste:**\n{lines}", lines=inner)
    assert text.spans[-3:] == (
        ui.ListItem((ui.Bold((ui.Plain("A"),)),)),
        ui.Plain("\n"),
        ui.ListItem((ui.Plain("B"),)),
    )
    assert copy.deepcopy(text).spans == text.spans  # Bolt copies a request's context


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalogue_text_holds_slack_markup(language: str) -> None:
    """The catalogues are written in the neutral markup only (Slack's would show as written)."""
    slack = re.compile(
        r"(?<![*\w])\*[^*\s][^*\n]*\*(?!\*)|<[^<>\s]+\|[^<>]+>|(?<!~)~[^~\s]+~(?!~)|•"
    )
    found = {key: text for key, text in catalogue(language).items() if slack.search(text)}
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_text_parses_with_nothing_left_over(language: str) -> None:
    for key, text in catalogue(language).items():
        shown = str(fill(parse(text), {}))
        assert "**" not in shown and "~~" not in shown and "](" not in shown, key


def test_a_hostile_name_reaches_slack_harmlessly() -> None:
    text = t("da", "showcase.nudge.body", employee=EVIL, network="Net", title=EVIL, meaning="m")
    shown = mrkdwn(text)
    assert "<!channel>" not in shown and "<https://evil" not in shown
    assert "&lt;!channel&gt; &lt;https://evil|klik&gt;" in shown
    assert "*\u200bx*\u200b" in shown  # the stars cannot pair up into bold
    assert "netværket *Net*:" in shown  # the catalogue's own bold is still bold
    message = render_message(ui.Message(text, (ui.Text(text), ui.Facts(((EVIL, text),)))))
    blocks = str(message["blocks"])
    assert "<!channel>" not in blocks and "<!channel>" not in message["text"]
    assert message["blocks"][0]["text"]["verbatim"] is True  # no bare @channel or #name parsing


def test_a_hostile_name_reaches_plain_text_as_written() -> None:
    text = t("da", "showcase.nudge.body", employee=EVIL, network="Net", title="T", meaning="m")
    assert str(text).startswith(EVIL + " har delt et resultat fra netværket Net:")
    assert plain_text.render_message(ui.Message(text, (ui.Note(EVIL),))).endswith(f"({EVIL})")


def test_links_are_escaped_and_only_web_links_are_links() -> None:
    label = t("da", "showcase.post.link", url="https://example.dk/a|b>c&d")
    assert mrkdwn(label) == "<https://example.dk/a%7Cb%3Ec&amp;d|Læs mere>"
    assert mrkdwn(ui.link("javascript:alert(1)", "klik")) == "klik (javascript:alert(1))"
    assert plain_text.text(label) == "Læs mere (https://example.dk/a|b>c&d)"


def test_a_mention_is_written_by_the_renderer() -> None:
    def intro(other: ui.Rich) -> ui.Rich:
        return t("da", "scheduler.reference.intro.to_leader", other=other, network="N")

    text = intro(ui.mention(7, "Mette <Holm>", "U0METTE001"))
    assert mrkdwn(text).count("<@U0METTE001>") == 1
    assert "Mette <Holm>" in plain_text.text(text)
    unknown = intro(ui.mention(7, "Mette <Holm>"))  # no id on this platform: the name, escaped
    assert "Mette &lt;Holm&gt;" in mrkdwn(unknown) and "<@" not in mrkdwn(unknown)


def test_lists_and_quotes() -> None:
    text = ui.join("\n", [ui.bullets(["a", "*b*"]), ui.quote(">c")])
    assert mrkdwn(text) == "• a\n• *\u200bb*\u200b\n> \u200b&gt;c"
    assert plain_text.text(text) == "• a\n• *b*\n    >c"
    assert mrkdwn("> not a quote\n>nor this") == "\u200b&gt; not a quote\n\u200b&gt;nor this"
