"""The two Teams targets of bench/teams.py, each served by uvicorn in a process of its own.

    python bench/teams_app.py bot PORT     # Netværksbot's Teams side (DATABASE_URL, TEAMS_*)
    python bench/teams_app.py floor PORT   # a bare Teams SDK app answering a static card

Both take the same TEAMS_* settings, validate every activity's token the same way (the SDK's
own validation), and answer `/healthz`; the floor does nothing else, so the ratio between the
two is what the bot's own work costs.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.settings import Settings  # noqa: E402

STATIC_CARD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "Udsat en uge.", "wrap": True}],
}


def floor_app(settings: Settings, fastapi: FastAPI) -> object:
    from microsoft_teams.api.activities.invoke.adaptive_card import AdaptiveCardInvokeActivity
    from microsoft_teams.api.models.adaptive_card import AdaptiveCardActionCardResponse
    from microsoft_teams.apps import ActivityContext, FastAPIAdapter
    from microsoft_teams.cards import AdaptiveCard

    from platforms.teams.sdk import make_teams_app

    app = make_teams_app(settings, FastAPIAdapter(app=fastapi))
    card = AdaptiveCard.model_validate(STATIC_CARD)

    @app.on_card_action_execute
    async def answer(
        ctx: ActivityContext[AdaptiveCardInvokeActivity],
    ) -> AdaptiveCardActionCardResponse:
        return AdaptiveCardActionCardResponse(value=card)

    return app


def bot_app(settings: Settings, fastapi: FastAPI) -> object:
    from microsoft_teams.apps import FastAPIAdapter

    from netvaerk.app import build_deps
    from platforms.teams.bot import build_teams_bot
    from storage.db import Database

    deps = build_deps(settings, Database(settings.database_url))
    return build_teams_bot(deps, FastAPIAdapter(app=fastapi))


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    settings = Settings()
    fastapi = FastAPI()

    @fastapi.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app = floor_app(settings, fastapi) if kind == "floor" else bot_app(settings, fastapi)
    asyncio.run(app.initialize())  # type: ignore[attr-defined]
    uvicorn.run(fastapi, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


if __name__ == "__main__":
    main()
