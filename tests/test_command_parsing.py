"""bot/core/commands.py: one parser for every platform's commands."""

from __future__ import annotations

import pytest

from bot.core.commands import HELP, Command, CommandTable
from bot.privacy.commands import MY_DATA

MINE = Command("mine", ("mine data",), "x")
NETWORKS = Command("netværk", ("networks",), "y")
TABLE = CommandTable([HELP, MINE, NETWORKS, MY_DATA])


@pytest.mark.parametrize(
    ("text", "slug", "args"),
    [
        ("HJÆLP", "hjælp", ""),
        ("hjaelp  now", "hjælp", "now"),
        ("netvaerk", "netværk", ""),
        ("Networks <@U1> note with  spaces", "netværk", "<@U1> note with  spaces"),
        ("mine data", "mine", ""),
        ("mine   data please", "mine", "please"),
    ],
)
def test_commands_are_found_by_any_alias_longest_first(text: str, slug: str, args: str) -> None:
    parsed = CommandTable([HELP, NETWORKS, MINE]).parse(text)
    assert parsed.command is not None and parsed.command.slug == slug
    assert parsed.args == args


def test_an_unknown_or_empty_command_is_none_with_the_word_typed() -> None:
    unknown = TABLE.parse("  Bogus rest of it ")
    assert unknown.command is None and unknown.word == "Bogus" and unknown.args == "rest of it"
    assert TABLE.parse("   ").command is None


def test_a_prefix_of_a_word_is_not_an_alias() -> None:
    assert CommandTable([MINE]).parse("minedata").command is None
