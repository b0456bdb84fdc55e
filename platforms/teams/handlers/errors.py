"""The one error path of the Teams side: a refusal is told to the person as it is, any other
failure as the short, polite apology of the catalogue — in their language — and the log gets the
kind of activity and the error's type, never the activity, which holds what people wrote.

Where the answer goes is the caller's (platforms/teams/handlers/listeners.py): a message in the chat
for a command, the invoke response for a click or a dialog.
"""

from __future__ import annotations

import logging

from bot.core.actor import Actor
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.operations.requests import mark_failed

log = logging.getLogger("netvaerk.errors")


def text_for(deps: Deps, actor: Actor, error: Exception, kind: str) -> str:
    """What to tell the person about `error` (logged here, once)."""
    if isinstance(error, Refusal):
        log.info("a teams %s was refused: %s", kind[:40], error.key)
        try:
            person = actor.person
        except Exception:  # the lookup itself failed: the refusal is still told
            person = None
        tz = deps.timezone_of(person) if person else deps.settings.netvaerk_timezone
        return error.text(actor.t, tz)
    mark_failed()
    log.error("a teams %s failed: %s", kind[:40], type(error).__name__, exc_info=error)
    return actor.t("error.generic")


def safe_text_for(deps: Deps, actor: Actor, error: Exception, kind: str) -> str:
    """`text_for`, and the default-language apology when even that fails (the database is
    down and the person's language cannot be read)."""
    try:
        return text_for(deps, actor, error, kind)
    except Exception as second:
        log.error("could not word the error for the user: %s", type(second).__name__)
        return Translator(deps.settings.netvaerk_language)("error.generic")
