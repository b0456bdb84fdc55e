"""Bolt listeners, grouped by feature. One registration point: `register(app, deps)`.

Listeners are thin: acknowledge fast, resolve who is acting, call a domain service, render.
"""

from __future__ import annotations

from slack_bolt import App

from bot.core.deps import Deps


def register(app: App, deps: Deps) -> None:
    from platforms.slack.handlers import booking, command, edge, errors

    errors.register(app, deps)
    app.use(edge.reply_without_response_url)  # before anything may answer
    app.use(edge.check_values(deps))
    command.register(app, deps)
    booking.register(app, deps)
    from platforms.slack.handlers import nudges, puls, themes  # the scheduler's reminders

    nudges.register(app, deps)
    puls.register(app, deps)
    themes.register(app, deps)
    from platforms.slack.handlers import (  # App Home, privacy, the secretariat
        home,
        privacy,
        secretariat,
    )

    home.register(app, deps)
    privacy.register(app, deps)
    secretariat.register(app, deps)
    from platforms.slack.handlers import (
        checklist,  # the personnel leader's 10 points and their next steps
    )

    checklist.register(app, deps)
    from platforms.slack.handlers import (
        showcase,  # results, recognition, department meetings, open networks
    )

    showcase.register(app, deps)
