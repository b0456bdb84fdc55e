"""Results and their recognition in Teams: `resultat`, the dialog and its preview, *Anerkend*,
follow-ups and the secretariat's "Prøv igen" — the twin of platforms/slack/handlers/showcase.py,
on the same ShowcaseFlow. The result goes to every member department's channel through the chat
port; *Anerkend* updates every posted copy in place (the flow's `update_all`).

Slack's message shortcut "Del som netværksresultat" is a message action here (the app package's
`composeExtensions`): it opens the same dialog with the message's text.
"""

from __future__ import annotations

from bot.core import actions, ui
from bot.core.reply import Reply
from bot.showcase import commands, messages
from bot.showcase.flows import ShowcaseFlow
from platforms.teams.handlers.context import TeamsRequest
from platforms.teams.handlers.listeners import Router, on_click, on_command, on_dialog, on_submit
from platforms.teams.handlers.support import chat_of, form_offer, plain_text_of_html


def flow_for(request: TeamsRequest) -> ShowcaseFlow:
    return ShowcaseFlow(request.deps, chat_of(request))


# --- sharing a result: the command, the button, the dialog, the preview ----------------------


def result_command(request: TeamsRequest) -> ui.Message:
    form = flow_for(request).result_form(request.actor.require_person())
    return form_offer(request.actor.t, form, actions.RESULT_OPEN)


def result_form(request: TeamsRequest) -> ui.Form:
    return flow_for(request).result_form(request.actor.require_person())


def shortcut(request: TeamsRequest) -> ui.Form:
    """ "Del som netværksresultat" on a message (a message action): the dialog, with the
    message's text in it and where it came from."""
    payload = (request.activity.get("value") or {}).get("messagePayload") or {}
    content = str((payload.get("body") or {}).get("content") or "")
    text = plain_text_of_html(content)[: messages.SOURCE_TEXT_MAX]
    origin = messages.FormOrigin(channel=request.conversation_id, ts=payload.get("id"))
    return flow_for(request).result_form(request.actor.require_person(), text, origin)


def preview(
    request: TeamsRequest, metadata: str, values: dict[str, str | None]
) -> ui.FormErrors | ui.Form:
    """The form stored as a draft; the dialog shows its preview next, with "Del"."""
    errors, shown = flow_for(request).submit_form(request.actor.require_person(), values, metadata)
    return errors if errors or shown is None else shown


def publish(request: TeamsRequest, metadata: str, _values: dict[str, str | None]) -> int:
    """ "Del": published before the dialog closes, so it is never lost; posted after."""
    result = flow_for(request).publish(request.actor.require_person(), int(metadata))
    return result.id or 0


def share(request: TeamsRequest, result_id: int) -> None:
    flow_for(request).share(request.actor.require_person(), result_id)


# --- recognition, follow-ups, "Prøv igen" ---------------------------------------------------


def recognise(request: TeamsRequest) -> Reply | None:
    """In a channel the flow updates every copy of the post (the one clicked among them); in
    the 1:1 chat (the nudge to recognise) the card is answered in place."""
    result_part, _, digest_part = request.value.partition(":")
    digest_id = int(digest_part[1:]) if digest_part.startswith("d") else None
    return flow_for(request).recognise_clicked(
        request.actor, int(result_part), digest_id, request.origin, request.personal
    )


def follow_up_form(request: TeamsRequest) -> ui.Form:
    return flow_for(request).follow_up_form(request.actor.require_person(), int(request.value))


def retry(request: TeamsRequest) -> Reply:
    kind, _, ref = request.value.partition(":")
    return flow_for(request).retry_posts(request.actor, kind, int(ref))


def register(router: Router) -> None:
    on_command(router, commands.RESULT.slug, result_command)
    on_dialog(router, actions.RESULT_OPEN, result_form)
    on_dialog(router, actions.RESULT_SHORTCUT, shortcut)
    on_dialog(router, actions.RESULT_FOLLOW_UP, follow_up_form)
    on_click(router, actions.RESULT_RECOGNISE, recognise)
    on_click(router, actions.RESULT_RETRY, retry)
    on_submit(router, actions.RESULT_FORM, preview)
    on_submit(router, actions.RESULT_PREVIEW, publish, share)
    on_submit(
        router,
        actions.FOLLOW_UP_FORM,
        lambda r, metadata, values: flow_for(r).submit_follow_up(
            r.actor.require_person(), metadata, values
        ),
        lambda r, stored: flow_for(r).tell_follow_up(r.actor.require_person(), stored),
    )
