"""What the Teams feature modules share beyond the framework (listeners.py): the chat port a
flow talks through, a command that opens a form, whom a command mentions, files sent as links,
and a Teams message's text without its HTML.

- Teams opens a dialog only from a button (`Action.Submit` asking for `task/fetch`), never from
  a message, so a command whose Slack twin opens a modal answers with a card whose one button
  opens the dialog. The form is built first: a refusal (not a leader, no network) is told at
  once, as on Slack, not after the click.
- A command's text reaches the handler without its `<at>…</at>` tags (command.py strips them);
  the person a command names is read from the activity's mention entities instead, by their
  Teams user id (`29:…`), as `platform_identities` knows them.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.core import ui
from bot.core.actions import OPENS_FORM
from bot.core.chat import ChatPort
from bot.core.i18n import Translator
from platforms.teams.handlers.context import TeamsRequest


def chat_of(request: TeamsRequest) -> ChatPort:
    """The process's chat port, which reaches people and channels (set with the Teams bot)."""
    chat = request.deps.chat
    assert chat is not None, "build_teams_bot sets the chat port"
    return chat


def form_offer(t: Translator, form: ui.Form, action: str, value: str = "") -> ui.Message:
    """A card with one button that opens `form` as a dialog (`action` must open a form)."""
    assert action in OPENS_FORM, f"{action} does not open a form in Teams"
    opener = ui.Button(form.title, action, value, "primary")
    return ui.Message(text=form.title, parts=(ui.Text(t("form.open")), ui.Buttons((opener,))))


def mentioned(request: TeamsRequest) -> tuple[str | None, str]:
    """The Teams user id of the first person the command mentions (not the bot), and the
    command's arguments with that person as their first word (`@Anne_Jensen …`), as the flows
    read a Slack command's `<@U…> …`."""
    bot_id = str((request.activity.get("recipient") or {}).get("id") or "")
    for entity in request.activity.get("entities") or []:
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        who: dict[str, Any] = entity.get("mentioned") or {}
        user_id = str(who.get("id") or "")
        if user_id and user_id != bot_id:
            name = "_".join(str(who.get("name") or "?").split())
            return user_id, f"@{name} {request.args}".strip()
    return None, request.args


def send_file(request: TeamsRequest, message: ui.Message, attachment: ui.Attachment) -> None:
    """A message and its file to the person who asked, in their 1:1 chat (the port makes the
    file a download link); raises DeliveryError."""
    chat = chat_of(request)
    chat.send(request.actor.user_id, message)
    chat.attach(request.actor.user_id, attachment)


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>|</li>", re.IGNORECASE)


def plain_text_of_html(content: str) -> str:
    """A Teams message's text as a person reads it: its HTML body without tags (paragraphs and
    line breaks as new lines), entities decoded."""
    text = _TAG.sub("", _BREAK.sub("\n", content))
    return "\n".join(line.strip() for line in html.unescape(text).splitlines() if line.strip())
