"""Home in Teams, which has no App Home: the `hjem` command, and the welcome card sent when the
app is installed for someone, show the same sections (bot/home/) as one card — in pages, when
they do not fit one Teams message, turned in place by "Vis flere" and "Tilbage"."""

from __future__ import annotations

from typing import Any

from microsoft_teams.apps import ActivityContext

from bot.core import actions, ui
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.home.commands import HOME
from bot.home.flows import home_parts
from platforms.teams import cards
from platforms.teams.handlers.context import TeamsRequest, in_worker, new_request
from platforms.teams.handlers.errors import safe_text_for
from platforms.teams.handlers.listeners import Router, message_input, on_click, on_command


def _nav(t: Translator, page: int, pages: int) -> tuple[ui.Part, ...]:
    """ "Tilbage" and "Vis flere", each carrying the page it leads to (as Slack's Home tab)."""
    buttons = []
    if page > 0:
        buttons.append(ui.Button(t("home.button.back"), actions.HOME_PAGE, str(page - 1)))
    if page < pages - 1:
        buttons.append(ui.Button(t("home.button.more"), actions.HOME_PAGE, str(page + 1)))
    return (ui.Divider(), ui.Buttons(tuple(buttons), id="home-nav")) if buttons else ()


def home_pages(text: str, parts: list[ui.Part], t: Translator) -> list[tuple[ui.Part, ...]]:
    """The Home sections split into cards Teams takes as one message each, with room for the
    paging buttons (the most urgent come first, on the first page)."""
    room = _nav(t, 1, 3)  # both buttons
    pages: list[tuple[ui.Part, ...]] = []
    shown: list[ui.Part] = []
    for part in parts:
        if shown and not cards.fits(ui.Message(text, (*shown, part, *room))):
            pages.append(tuple(shown))
            shown = []
        shown.append(part)
    return [*pages, tuple(shown)]


def home_message(request: TeamsRequest, page: int = 0) -> ui.Message:
    """Page `page` of the Home sections as one card, with "Vis flere" when there are more."""
    t = request.actor.t
    person = request.actor.person
    parts = home_parts(request.deps, request.uow, person.id if person else None, t)
    text = t("home.intro")
    pages = home_pages(text, parts, t)
    page = max(0, min(page, len(pages) - 1))
    return ui.Message(text, (*pages[page], *_nav(t, page, len(pages))))


def page(request: TeamsRequest) -> ui.Message:
    """ "Vis flere" / "Tilbage": the card shows the page asked for, in place."""
    return home_message(request, int(request.value) if request.value.isdigit() else 0)


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
    on_click(router, actions.HOME_PAGE, page)
