"""`/netvaerk <sub-command> …`: one slash command, many sub-commands (Danish names, English
aliases). Each feature registers its sub-commands here; an empty or unknown one answers with help.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.deps import Deps
from platforms.slack.handlers.actor import Actor, resolve_actor
from platforms.slack.handlers.listeners import guarded

COMMAND = "/netvaerk"
_UNKNOWN_SHOWN_MAX = 40


@dataclass
class CommandRequest:
    deps: Deps
    client: WebClient
    ack: Ack
    respond: Respond
    body: dict[str, Any]
    args: str
    _actor: Actor | None = field(default=None, init=False, repr=False)

    @property
    def user_id(self) -> str:
        return str(self.body["user_id"])

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id", ""))

    @property
    def actor(self) -> Actor:
        # Not functools.cached_property: on Python 3.11 it holds one lock per class, which
        # would make concurrent requests wait on each other's database lookups.
        if self._actor is None:
            self._actor = resolve_actor(self.deps, self.client, self.user_id)
        return self._actor


Handler = Callable[[CommandRequest], None]


@dataclass
class Subcommand:
    names: tuple[str, ...]
    help_key: str  # catalogue key of the line shown in help
    handler: Handler  # answers Slack: must ack
    later: Handler | None = None  # runs after the answer is sent (slow work, Web API calls)


@dataclass
class Router:
    subcommands: list[Subcommand] = field(default_factory=list)

    def add(
        self, names: tuple[str, ...], help_key: str, handler: Handler, later: Handler | None = None
    ) -> None:
        """Add or replace (apps are built more than once in tests) a sub-command."""
        self.subcommands = [s for s in self.subcommands if s.names != names]
        self.subcommands.append(Subcommand(names, help_key, handler, later))

    def find(self, name: str) -> Subcommand | None:
        wanted = _fold(name)
        return next((s for s in self.subcommands if wanted in map(_fold, s.names)), None)


def _fold(word: str) -> str:
    """Case- and accent-tolerant: `Hjælp`, `hjaelp` and `HJÆLP` are the same sub-command."""
    word = unicodedata.normalize("NFC", word.strip().lower())
    return word.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


router = Router()


def help_text(actor: Actor, unknown: str | None = None) -> str:
    lines = [actor.t("help.intro")]
    if unknown:
        shown = (
            unknown if len(unknown) <= _UNKNOWN_SHOWN_MAX else unknown[:_UNKNOWN_SHOWN_MAX] + "…"
        )
        lines.insert(0, actor.t("help.unknown", word=shown))
    lines += [actor.t(s.help_key) for s in router.subcommands]
    lines.append(actor.t("help.outro"))
    return "\n".join(lines)


def show_help(request: CommandRequest, unknown: str | None = None) -> None:
    request.ack(text=help_text(request.actor, unknown), response_type="ephemeral")


def register(app: App, deps: Deps) -> None:
    router.add(("hjælp", "help"), "help.help", show_help)

    def parse(
        ack: Ack, respond: Respond, body: dict[str, Any], client: WebClient
    ) -> tuple[CommandRequest, str, Subcommand | None]:
        text = str(body.get("text") or "").strip()
        name, _, args = text.partition(" ")
        request = CommandRequest(deps, client, ack, respond, body, args.strip())
        return request, name, router.find(name) if name else None

    def answer(ack: Ack, respond: Respond, body: dict[str, Any], client: WebClient) -> None:
        request, name, subcommand = parse(ack, respond, body, client)
        if subcommand is None:
            show_help(request, unknown=name or None)
            return
        subcommand.handler(request)

    def later(ack: Ack, respond: Respond, body: dict[str, Any], client: WebClient) -> None:
        request, _, subcommand = parse(ack, respond, body, client)
        if subcommand is not None and subcommand.later is not None:
            subcommand.later(request)

    def has_later(body: dict[str, Any]) -> bool:
        name = str(body.get("text") or "").strip().partition(" ")[0]
        subcommand = router.find(name) if name else None
        return subcommand is not None and subcommand.later is not None

    # Two listeners, so that only sub-commands with a lazy part pay for one: Bolt deep-copies
    # the request for every lazy function (0.4 ms of CPU a command, bench/ack.py).
    app.command(COMMAND, matchers=[has_later])(ack=answer, lazy=[guarded(deps, later)])
    app.command(COMMAND)(answer)
