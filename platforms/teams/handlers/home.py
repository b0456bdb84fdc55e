"""Home in Teams, which has no App Home: the `hjem` command, and the welcome card sent when the
app is installed for someone, show the same sections (bot/home/) as one card."""

from __future__ import annotations

from typing import Any

from microsoft_teams.apps import ActivityContext

from bot.core import ui
from bot.core.deps import Deps
from bot.home.commands import HOME
from bot.home.flows import home_parts
from platforms.teams import cards
from platforms.teams.handlers.context import TeamsRequest, in_worker, new_request
from platforms.teams.handlers.errors import safe_text_for
from platforms.teams.handlers.listeners import Router, message_input, on_command


def home_message(request: TeamsRequest) -> ui.Message:
    """The Home sections as one card, as many as Teams takes in one message (the most urgent
    come first)."""
    t = request.actor.t
    person = request.actor.person
    parts = home_parts(request.deps, request.uow, person.id if person else None, t)
    text = t("home.intro")
    shown: list[ui.Part] = []
    for part in parts:
        candidate = ui.Message(text, tuple([*shown, part]))
        if not cards.fits(candidate):
            break
        shown.append(part)
    return ui.Message(text, tuple(shown))


def welcome(request: TeamsRequest) -> ui.Message:
    """The answer to the installation: Home (for someone not in the organisation files, Home
    says so politely, and who to write to)."""
    try:
        return home_message(request)
    except Exception as error:
        return ui.Message(safe_text_for(request.deps, request.actor, error, "installation"))


async def on_installed(deps: Deps, ctx: ActivityContext[Any], activity: dict[str, Any]) -> None:
    if (activity.get("conversation") or {}).get("conversationType") != "personal":
        return  # installed in a team: the channel is not greeted
    message = await in_worker(new_request(deps, activity), welcome)
    await ctx.send(message_input(message))


def register(router: Router) -> None:
    on_command(router, HOME, home_message)  # Teams alone: Slack has the Home tab
