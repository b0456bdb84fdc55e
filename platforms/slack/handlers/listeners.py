"""Shared pieces for registering listeners.

The app runs with `process_before_response=True`: a listener's ack function answers Slack in
the request's own thread (no hand-off, no polling), and slower work is registered as a lazy
function that Bolt runs after the response — the pattern Bolt documents as ack + lazy.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from slack_bolt import Ack

from bot.core.deps import Deps
from platforms.slack.handlers.errors import apologise_by_dm, log_failure


def just_ack(ack: Ack) -> None:
    ack()


def guarded(deps: Deps, func: Callable[..., None]) -> Callable[..., None]:
    """A lazy function whose failure still reaches the person (Bolt would only log it).

    Bolt injects arguments by the wrapped function's parameter names, so `func` must take
    `body` and `client` for the apology to find its way.
    """

    @wraps(func)
    def run(**kwargs: Any) -> None:
        try:
            func(**kwargs)
        except Exception as error:
            log_failure(kwargs.get("body", {}), error)
            if "client" in kwargs:
                apologise_by_dm(deps, kwargs["client"], kwargs.get("body", {}))

    return run
