"""`/netvaerk <command> …`: one slash command, many commands, parsed by bot/core/commands.py
(Danish names, English aliases). An empty or unknown command answers with help.

Each feature's listener module lists its commands as `ROUTES`; `register` is given them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.commands import HELP, Command, CommandTable, Parsed
from bot.core.deps import Deps
from bot.core.help import help_text
from bot.core.unit_of_work import UnitOfWork
from platforms.slack.blocks import mrkdwn
from platforms.slack.handlers.listeners import guarded

COMMAND = "/netvaerk"


@dataclass
class CommandRequest:
    ack: Ack
    respond: Respond
    client: WebClient
    body: dict[str, Any]
    deps: Deps
    actor: Actor
    uow: UnitOfWork
    args: str

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id", ""))

    def say(self, text: str) -> None:
        """An ephemeral answer after the ack, under the command."""
        self.respond(text=mrkdwn(text), response_type="ephemeral", replace_original=False)


Listener = Callable[[CommandRequest], None]


@dataclass(frozen=True)
class Route:
    command: Command
    answer: Listener  # answers Slack: must ack
    later: Listener | None = None  # runs after the answer is sent (slow work, Web API calls)


def register(app: App, routes: Sequence[Route]) -> None:
    table = CommandTable([HELP, *(route.command for route in routes)])
    by_slug = {route.command.slug: route for route in routes}

    def parse(body: dict[str, Any]) -> tuple[Parsed, Route | None]:
        parsed = table.parse(str(body.get("text") or ""))
        return parsed, by_slug.get(parsed.command.slug) if parsed.command else None

    def request(
        ack: Ack, respond: Respond, client: WebClient, body: dict[str, Any], context: Any
    ) -> CommandRequest:
        args = parse(body)[0].args
        return CommandRequest(
            ack, respond, client, body, context["deps"], context["actor"], context["uow"], args
        )

    def answer(
        ack: Ack, respond: Respond, client: WebClient, body: dict[str, Any], context: Any
    ) -> None:
        parsed, route = parse(body)
        if route is None:
            unknown = parsed.word if parsed.command is None else None
            text = help_text(table, context["actor"].t, unknown or None)
            ack(text=mrkdwn(text), response_type="ephemeral")
            return
        route.answer(request(ack, respond, client, body, context))

    def later(
        ack: Ack, respond: Respond, client: WebClient, body: dict[str, Any], context: Any
    ) -> None:
        route = parse(body)[1]
        if route is not None and route.later is not None:
            route.later(request(ack, respond, client, body, context))

    def has_later(body: dict[str, Any]) -> bool:
        route = parse(body)[1]
        return route is not None and route.later is not None

    # Two listeners, so that only commands with a lazy part pay for one: Bolt deep-copies the
    # request for every lazy function (0.4 ms of CPU a command, bench/ack.py).
    app.command(COMMAND, matchers=[has_later])(ack=answer, lazy=[guarded(later)])
    app.command(COMMAND)(answer)
