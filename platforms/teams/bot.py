"""The Teams bot: the SDK app (platforms/teams/sdk.py) with every handler registered.

`build_teams_bot` is what the server calls (netvaerk/server.py), once, with the process's
dependencies and the FastAPI adapter whose app serves `/api/messages`.
"""

from __future__ import annotations

from microsoft_teams.apps import App, FastAPIAdapter

from bot.core.deps import Deps
from platforms.teams import handlers
from platforms.teams.chat import TeamsChat
from platforms.teams.downloads import make_downloads
from platforms.teams.sdk import bot_credentials, make_teams_app


def build_teams_bot(deps: Deps, adapter: FastAPIAdapter) -> App:
    app = make_teams_app(deps.settings, adapter)
    if deps.chat is None:  # `netvaerk run` gives the delivery's port; else Teams' own
        downloads = make_downloads(deps.settings, deps.db)
        credentials = bot_credentials(deps.settings)
        deps.chat = TeamsChat(deps.settings, deps.db, credentials, attachments=downloads)
    handlers.register(app, deps)
    return app
