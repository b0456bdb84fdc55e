"""Commands parsed once for every platform (cf. sentry's messaging `commands.py`).

A command has a slug and aliases, Danish and English, each one or more words. `parse` tries the
longest alias first, so "mine data" wins over "mine", and ignores case and the spelling of æ, ø
and å (`Hjælp`, `hjaelp` and `HJÆLP` are the same). Each platform maps the parsed command to its
own listener: Slack's `/netvaerk <command> …`, and a Teams dispatcher later.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    slug: str
    aliases: tuple[str, ...]
    help_key: str  # catalogue key of the command's line in help

    @property
    def names(self) -> tuple[str, ...]:
        return (self.slug, *self.aliases)


@dataclass(frozen=True)
class Parsed:
    command: Command | None  # None: empty or unknown, answered with help
    word: str  # the first word as typed, to say which one was not understood
    args: str  # the rest, as typed


HELP = Command("hjælp", ("help",), "help.help")


def fold(word: str) -> str:
    word = unicodedata.normalize("NFC", word.strip().lower())
    return word.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


class CommandTable:
    def __init__(self, commands: Iterable[Command]) -> None:
        self.commands = tuple(commands)
        aliases = [
            (tuple(fold(word) for word in name.split()), command)
            for command in self.commands
            for name in command.names
        ]
        # Longest first: the most words, then the most letters.
        self._aliases = sorted(aliases, key=lambda a: (len(a[0]), len("".join(a[0]))), reverse=True)

    def parse(self, text: str) -> Parsed:
        words = text.split()
        if not words:
            return Parsed(None, "", "")
        folded = [fold(word) for word in words]
        for alias, command in self._aliases:
            if tuple(folded[: len(alias)]) == alias:
                return Parsed(command, words[0], _rest(text, len(alias)))
        return Parsed(None, words[0], _rest(text, 1))


def _rest(text: str, skipped: int) -> str:
    parts = text.strip().split(maxsplit=skipped)
    return parts[skipped].strip() if len(parts) > skipped else ""
