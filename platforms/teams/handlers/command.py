"""Commands as messages: in the 1:1 chat the whole text, in a channel what follows the
@mention, parsed by bot/core/commands.py like Slack's `/netvaerk <command>` — with or without a
leading `netvaerk`. An empty or unknown command answers with help, as on Slack.

A command's work returns the message to answer with (or None when it answered already); it is
sent as a card in the conversation the command came from.
"""

from __future__ import annotations

import re
from typing import Any

from microsoft_teams.apps import ActivityContext

from bot.core import ui
from bot.core.commands import HELP, CommandTable, Parsed, fold
from bot.core.deps import Deps
from bot.core.help import help_text
from platforms.teams.handlers.context import TeamsRequest, in_worker, new_request
from platforms.teams.handlers.errors import safe_text_for
from platforms.teams.handlers.listeners import Router, message_input

_MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)
_PREFIX = "netvaerk"


def command_text(activity: dict[str, Any]) -> str:
    """The words of the command: the message without its @mentions (Teams puts the bot's
    `<at>name</at>` into the text of a channel message)."""
    return " ".join(_MENTION.sub(" ", str(activity.get("text") or "")).split())


def table_for(deps: Deps, router: Router) -> CommandTable:
    """Help and the commands with a Teams handler, in the features' order, then Teams' own."""
    known = [c for c in deps.registry.commands if c.slug in router.commands]
    own = [c for c in router.own_commands if c not in known]
    return CommandTable([HELP, *known, *own])


def parse(table: CommandTable, text: str) -> Parsed:
    """`netvaerk book` and `book` alike — and `/netvaerk book`, as the bot's own texts write
    commands (they are Slack's too); `netværk` alone stays a command of its own if one has
    that name (the open networks)."""
    parsed = table.parse(text)
    words = text.split(maxsplit=1)
    if words and fold(words[0].removeprefix("/")) == _PREFIX and len(words) == 2:
        rest = table.parse(words[1])
        if rest.command is not None or parsed.command is None:
            return rest
    return parsed


def answer(
    router: Router, table: CommandTable, request: TeamsRequest, text: str
) -> ui.Message | None:
    try:
        parsed = parse(table, text)
        work = router.commands.get(parsed.command.slug) if parsed.command else None
        if work is None:
            unknown = parsed.word if parsed.command is None else None
            return ui.Message(help_text(table, request.actor.t, unknown or None))
        request.args = parsed.args
        return work(request)
    except Exception as error:
        return ui.Message(safe_text_for(request.deps, request.actor, error, "command"))


async def on_message(
    deps: Deps, router: Router, ctx: ActivityContext[Any], activity: dict[str, Any]
) -> None:
    table = table_for(deps, router)
    text = command_text(activity)
    message = await in_worker(new_request(deps, activity), lambda r: answer(router, table, r, text))
    if message is not None:
        await ctx.send(message_input(message))
