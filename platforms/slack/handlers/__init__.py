"""Bolt listeners, one module per feature, each a thin ack -> flow -> render.

One registration point: `register(app, deps)` installs the context middleware (who acts, the
unit of work) and the one error path, then every feature's listeners and its `/netvaerk`
commands (their order is the order of help).
"""

from __future__ import annotations

from slack_bolt import App

from bot.core.deps import Deps
from platforms.slack.handlers import (
    booking,
    checklist,
    command,
    context,
    edge,
    errors,
    home,
    meetings,
    open_networks,
    privacy,
    reminders,
    secretariat,
    showcase,
)

# The order of help: each feature's commands in turn.
FEATURES = (
    booking,
    reminders,
    home,
    privacy,
    secretariat,
    checklist,
    showcase,
    meetings,
    open_networks,
)


def register(app: App, deps: Deps) -> None:
    context.install(app, deps)
    app.use(edge.reply_without_response_url)  # before anything may answer
    app.use(edge.check_values(deps))
    errors.register(app)
    for feature in FEATURES:
        feature.register(app)
    routes = [route for feature in FEATURES for route in feature.ROUTES]
    command.register(app, routes)
