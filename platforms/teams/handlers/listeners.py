"""The Teams side's dispatcher: one SDK handler per kind of activity, and tables by id behind it.

The SDK runs only the first handler that matches an activity, so the bot registers one handler
per kind (message, `adaptiveCard/action`, `task/fetch`, `task/submit`, install, members added)
and dispatches itself, by the ids the neutral model already has:

- a click (`Action.Execute`) by its `verb`, the action id (`on_click`): the work returns what
  the card clicked becomes (a `ui.Message`, or a `Reply` in place) — the invoke response
  updates it in place — or a short reply told only to the person who clicked;
- a dialog (`Action.Submit` asking for `task/fetch`) by `data.action` (`on_dialog`): the work
  returns the neutral form, shown as a dialog; a message action (`composeExtension/fetchTask`,
  the twin of Slack's message shortcut) opens its dialog by its command id the same way;
- a dialog's submission by its callback (`on_submit`): checked and stored before the answer,
  as on Slack — problems re-show the dialog with each error next to its field and what was
  typed, a new form is the dialog's next step (Slack's pushed view, e.g. a result's preview),
  else the dialog closes and `tell` runs after the answer;
- a command in a message by its slug (`on_command`, platforms/teams/handlers/command.py).

Every piece of work runs in a worker thread with its own unit of work (context.py), and every
failure ends in the one error path (errors.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from microsoft_teams.api.activities import MessageActivityInput
from microsoft_teams.api.models import InvokeResponse
from microsoft_teams.apps import ActivityContext, App

from bot.core import ui
from bot.core.commands import Command
from bot.core.deps import Deps
from bot.core.reply import Reply
from platforms.teams import cards
from platforms.teams.handlers.context import (
    OPENED,
    TeamsRequest,
    activity_json,
    in_worker,
    new_request,
)
from platforms.teams.handlers.errors import safe_text_for

log = logging.getLogger(__name__)

Click = Callable[[TeamsRequest], "Reply | ui.Message | None"]
Open = Callable[[TeamsRequest], ui.Form]
Submit = Callable[[TeamsRequest, str, dict[str, str | None]], Any]
Tell = Callable[[TeamsRequest, Any], None]
CommandWork = Callable[[TeamsRequest], "ui.Message | None"]
# Run for every activity before its handler (identity learning, platforms/teams/handlers/members)
Before = Callable[[Deps, ActivityContext[Any], dict[str, Any]], Awaitable[None]]

_MESSAGE = "application/vnd.microsoft.activity.message"


@dataclass(frozen=True)
class SubmitRoute:
    submit: Submit
    tell: Tell | None


@dataclass
class Router:
    """What each feature's Teams module registered, by id."""

    clicks: dict[str, Click] = field(default_factory=dict)
    dialogs: dict[str, Open] = field(default_factory=dict)
    submits: dict[str, SubmitRoute] = field(default_factory=dict)
    commands: dict[str, CommandWork] = field(default_factory=dict)
    # Commands of Teams alone (not among the features' commands in the registry)
    own_commands: list[Command] = field(default_factory=list)

    @staticmethod
    def _add(table: dict[str, Any], key: str, value: Any) -> None:
        if key in table:
            raise ValueError(f"{key!r} is registered twice")
        table[key] = value


def on_click(router: Router, action_id: str, work: Click) -> None:
    router._add(router.clicks, action_id, work)


def on_dialog(router: Router, action_id: str, open_: Open) -> None:
    router._add(router.dialogs, action_id, open_)


def on_submit(router: Router, callback: str, submit: Submit, tell: Tell | None = None) -> None:
    router._add(router.submits, callback, SubmitRoute(submit, tell))


def on_command(router: Router, command: str | Command, work: CommandWork) -> None:
    """A command by its slug (one of the features' commands), or a `Command` of Teams alone."""
    slug = command if isinstance(command, str) else command.slug
    router._add(router.commands, slug, work)
    if isinstance(command, Command):
        router.own_commands.append(command)


# --- answers ---------------------------------------------------------------------------------


def message_input(message: ui.Message) -> MessageActivityInput:
    """A neutral message as an activity for `ctx.send`: its card, and its text as the summary
    a notification shows."""
    return MessageActivityInput.model_validate(cards.message_activity(message))


def card_response(message: ui.Message) -> dict[str, Any]:
    """The `adaptiveCard/action` answer that replaces the card clicked."""
    return {
        "statusCode": 200,
        "type": cards.CARD_CONTENT_TYPE,
        "value": cards.render_message(message),
    }


def text_response(text: str) -> dict[str, Any]:
    """The `adaptiveCard/action` answer that tells the person who clicked, leaving the card."""
    return {"statusCode": 200, "type": _MESSAGE, "value": text}


def dialog_message(text: str) -> dict[str, Any]:
    """A `task/fetch` or `task/submit` answer that shows `text` instead of a dialog (or closes
    the dialog with it)."""
    return {"task": {"type": "message", "value": text}}


def _clicked_response(result: Reply | ui.Message | None) -> dict[str, Any]:
    if isinstance(result, ui.Message):
        return card_response(result)
    if isinstance(result, Reply):
        return (
            card_response(result.message) if result.in_place else text_response(result.message.text)
        )
    return text_response("")


def _remember_opener(card: dict[str, Any], request: TeamsRequest) -> dict[str, Any]:
    """Put the button that opened the dialog into its submit data, so a submission with
    problems can build the same form again (Teams sends back only the inputs). A dialog shown
    again (with problems, or its next step) keeps the button that opened it first."""
    earlier = request.data.get(OPENED)
    opened = (
        earlier
        if isinstance(earlier, dict)
        else {
            "action": request.data.get("action"),
            "value": request.value,
            "reply_to": request.activity.get("replyToId"),
        }
    )
    for action in card.get("actions") or []:
        if action.get("type") == "Action.Submit":
            action.setdefault("data", {})[OPENED] = opened
    return card


def dialog(
    form: ui.Form,
    request: TeamsRequest,
    errors: ui.FormErrors | None = None,
    values: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    response = cards.dialog_response(form, errors, values)
    _remember_opener(response["task"]["value"]["card"]["content"], request)
    return response


# --- the SDK's handlers ------------------------------------------------------------------------

_background: set[asyncio.Task[Any]] = set()


def after_response(coroutine: Awaitable[Any]) -> None:
    """Run `coroutine` once the answer is on its way (the Teams twin of Bolt's lazy listener);
    a reference is kept until it is done, so it is not collected half-way."""
    task = asyncio.ensure_future(coroutine)
    _background.add(task)
    task.add_done_callback(_background.discard)


async def pending() -> None:
    """Wait for the work left running after responses (tests, shutdown)."""
    while _background:
        await asyncio.gather(*list(_background), return_exceptions=True)


def install(
    app: App,
    deps: Deps,
    router: Router,
    before: Before,
    message: Callable[..., Any],
    installed: Callable[..., Any],
) -> None:
    """Register the dispatchers on the SDK app. `message` answers a message (command.py),
    `installed` the app's installation (home.py); both run after `before`."""

    async def on_message(ctx: ActivityContext[Any]) -> None:
        activity = activity_json(ctx.activity)
        await before(deps, ctx, activity)
        await message(deps, router, ctx, activity)

    async def on_install(ctx: ActivityContext[Any]) -> None:
        activity = activity_json(ctx.activity)
        await before(deps, ctx, activity)
        await installed(deps, ctx, activity)

    async def on_members_added(ctx: ActivityContext[Any]) -> None:
        activity = activity_json(ctx.activity)
        if activity.get("membersAdded"):
            await before(deps, ctx, activity)

    async def on_card_action(ctx: ActivityContext[Any]) -> InvokeResponse[Any]:
        return _invoke(await card_action(ctx))

    async def on_dialog_open(ctx: ActivityContext[Any]) -> InvokeResponse[Any]:
        return _invoke(await dialog_open(ctx))

    async def on_dialog_submit(ctx: ActivityContext[Any]) -> InvokeResponse[Any]:
        return _invoke(await dialog_submit(ctx))

    async def card_action(ctx: ActivityContext[Any]) -> dict[str, Any]:
        activity = activity_json(ctx.activity)
        await before(deps, ctx, activity)
        request = new_request(deps, activity)
        verb = str((activity.get("value") or {}).get("action", {}).get("verb") or "")
        work = router.clicks.get(verb)
        if work is None:
            return await _stale(request, text_response)

        def clicked(r: TeamsRequest) -> dict[str, Any]:
            try:
                return _clicked_response(work(r))
            except Exception as error:
                return text_response(safe_text_for(deps, r.actor, error, f"click {verb}"))

        return await in_worker(request, clicked)

    async def dialog_open(ctx: ActivityContext[Any]) -> dict[str, Any]:
        activity = activity_json(ctx.activity)
        await before(deps, ctx, activity)
        request = new_request(deps, activity)
        # A button's action id, or the command id of a message action (composeExtension/fetchTask)
        action = str(
            request.data.get("action") or (activity.get("value") or {}).get("commandId") or ""
        )
        open_ = router.dialogs.get(action)
        if open_ is None:
            return await _stale(request, dialog_message)

        def opened(r: TeamsRequest) -> dict[str, Any]:
            try:
                return dialog(open_(r), r)
            except Exception as error:
                return dialog_message(safe_text_for(deps, r.actor, error, f"dialog {action}"))

        return await in_worker(request, opened)

    async def dialog_submit(ctx: ActivityContext[Any]) -> dict[str, Any] | None:
        activity = activity_json(ctx.activity)
        await before(deps, ctx, activity)
        request = new_request(deps, activity)
        data = {k: v for k, v in request.data.items() if k != OPENED}
        callback, metadata, values = cards.read_form(data)
        route = router.submits.get(callback)
        if route is None:
            return await _stale(request, dialog_message)
        stored: list[Any] = []

        def submitted(r: TeamsRequest) -> dict[str, Any] | None:
            try:
                result = route.submit(r, metadata, values)
                if isinstance(result, ui.FormErrors):
                    if not result:
                        return None
                    opener = router.dialogs.get(str(_opened(r).get("action") or ""))
                    if opener is None:  # nothing to rebuild it from: say the first problem
                        return dialog_message(next(iter(result.errors.values())))
                    return dialog(opener(r), r, result, values)
                if isinstance(result, ui.Form):  # the dialog's next step (a result's preview)
                    return dialog(result, r)
                if result is not None:  # None: nothing changed, nobody to tell
                    stored.append(result)
                return None
            except Exception as error:
                return dialog_message(safe_text_for(deps, r.actor, error, f"submit {callback}"))

        response = await in_worker(request, submitted)
        if stored and route.tell is not None:
            tell = route.tell
            after_response(_tell_after(deps, ctx, activity, lambda r: tell(r, stored[0])))
        return response

    app.on_message(on_message)
    app.on_install_add(on_install)
    app.on_conversation_update(on_members_added)
    app.on_card_action(on_card_action)
    app.on_dialog_open(on_dialog_open)
    app.on_dialog_submit(on_dialog_submit)
    # A message action's dialog (Slack's message shortcut) opens and submits like any other.
    app.on_message_ext_open(on_dialog_open)
    app.on_message_ext_submit(on_dialog_submit)


def _invoke(body: dict[str, Any] | None) -> InvokeResponse[Any]:
    """The invoke's HTTP answer: 200 with `body` (an empty 200 closes a dialog)."""
    return InvokeResponse[Any](status=200, body=body)


def _opened(request: TeamsRequest) -> dict[str, Any]:
    found = request.data.get(OPENED)
    return found if isinstance(found, dict) else {}


async def _stale(request: TeamsRequest, answer: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """A button or dialog the bot no longer knows (an old card after an update)."""
    text = await in_worker(request, lambda r: str(r.actor.t("error.stale")))
    return answer(text)


async def _tell_after(
    deps: Deps,
    ctx: ActivityContext[Any],
    activity: dict[str, Any],
    work: Callable[[TeamsRequest], None],
) -> None:
    """Work after the answer; its failure is still told to the person, in the chat."""
    request = new_request(deps, activity)

    def run(r: TeamsRequest) -> str | None:
        try:
            work(r)
            return None
        except Exception as error:
            return safe_text_for(deps, r.actor, error, "work after a dialog")

    text = await in_worker(request, run)
    if text:
        try:
            await ctx.send(message_input(ui.Message(text)))
        except Exception as error:
            log.error("could not tell the user about the error: %s", type(error).__name__)
