"""Bolt listeners, grouped by feature. One registration point: `register(app, deps)`.

Listeners are thin: acknowledge fast, resolve who is acting, call a domain service, render.
"""

from __future__ import annotations

from slack_bolt import App

from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    from handlers import booking, command, errors

    errors.register(app, deps)
    command.register(app, deps)
    booking.register(app, deps)
