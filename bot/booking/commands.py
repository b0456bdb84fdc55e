"""The booking's command (`/netvaerk book` on Slack), parsed by bot/core/commands.py."""

from bot.core.commands import Command

BOOK = Command("book", ("booking", "samtale"), "help.book")
