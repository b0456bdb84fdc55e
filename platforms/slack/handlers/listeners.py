"""Shared pieces for registering listeners.

The app runs with `process_before_response=True`: a listener's ack function answers Slack in
the request's own thread (no hand-off, no polling), and slower work is registered as a lazy
function that Bolt runs after the response — the pattern Bolt documents as ack + lazy.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.core.unit_of_work import UnitOfWork
from platforms.slack.blocks import action_pattern
from platforms.slack.handlers.errors import answer

_NEEDED = ("body", "client", "context")


def just_ack(ack: Ack) -> None:
    ack()


def guarded(func: Callable[..., None]) -> Callable[..., None]:
    """A lazy function whose failure or refusal still reaches the person through the one error
    path (Bolt would only log it), and whose unit of work is closed when it is done."""
    wanted = inspect.signature(func).parameters

    @wraps(func)
    def run(**kwargs: Any) -> None:
        context: BoltContext = kwargs["context"]
        try:
            func(**{name: value for name, value in kwargs.items() if name in wanted})
        except Exception as error:
            answer(error, kwargs["body"], kwargs["client"], context, lazy=True)
        finally:
            uow = context.get("uow")
            if isinstance(uow, UnitOfWork):
                uow.close()

    # Bolt injects arguments by the signature's parameter names: ask for what the error path
    # needs as well as what `func` takes.
    extra = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for name in _NEEDED
        if name not in wanted
    ]
    run.__signature__ = inspect.signature(func).replace(  # type: ignore[attr-defined]
        parameters=[*wanted.values(), *extra]
    )
    del run.__wrapped__  # Bolt unwraps before reading the signature
    return run


def on_click(app: App, action_id: str, work: Callable[..., None]) -> None:
    """A button: acknowledged at once, `work` runs after the response (a lazy listener), so
    Slack's 3-second limit never depends on how fast Slack answers our own calls."""
    app.action(action_pattern(action_id))(ack=just_ack, lazy=[guarded(work)])


def on_submit(
    app: App,
    callback_id: str,
    field: str,
    store: Callable[..., None],
    tell: Callable[..., None] | None = None,
) -> None:
    """A form: `store` checks and stores before the ack (a refusal shown inline next to `field`
    by the error path), `tell` tells people after it."""

    def errors_next_to(context: BoltContext, next_: Callable[[], Any]) -> Any:
        context["form_field"] = field
        return next_()

    lazy = [guarded(tell)] if tell is not None else []
    app.view(callback_id, middleware=[errors_next_to])(ack=store, lazy=lazy)


def value_of(body: dict[str, Any]) -> str:
    """The clicked button's value."""
    return str(body["actions"][0].get("value", ""))


def origin_of(body: dict[str, Any]) -> dict[str, str] | None:
    """The message clicked, when the click came from a message (not App Home)."""
    container = body.get("container", {})
    if container.get("channel_id") and container.get("message_ts"):
        return {"channel": container["channel_id"], "ts": container["message_ts"]}
    return None


def open_form(client: WebClient, body: dict[str, Any], view: dict[str, Any]) -> None:
    client.views_open(trigger_id=body["trigger_id"], view=view)
