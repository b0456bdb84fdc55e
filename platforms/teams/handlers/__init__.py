"""Teams handlers, one module per feature, each thin: read the activity -> one flow call ->
render. The Teams twin of platforms/slack/handlers/.

One registration point: `register(app, deps)` installs the dispatchers (listeners.py: clicks,
dialogs, submissions and commands by id, each in a worker thread with a unit of work, every
failure through the one error path) with identity learning before each activity (members.py),
then every feature's handlers, from the one list below — importing a module registers nothing.
"""

from __future__ import annotations

from microsoft_teams.apps import App

from bot.core.deps import Deps
from platforms.teams.handlers import (
    booking,
    checklist,
    command,
    home,
    listeners,
    meetings,
    members,
    open_networks,
    privacy,
    reminders,
    secretariat,
    showcase,
)

# The order of help: each feature's commands in turn (bot/core/feature.py's order for the
# features' commands, then the commands of Teams alone).
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


def register(app: App, deps: Deps) -> listeners.Router:
    router = listeners.Router()
    for feature in FEATURES:
        feature.register(router)
    listeners.install(
        app,
        deps,
        router,
        before=members.Learner(),
        message=command.on_message,
        installed=home.on_installed,
    )
    return router
