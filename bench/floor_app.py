"""The framework floor for bench/ack.py: a bare Bolt app that acks `/netvaerk` and opens a
static modal, served exactly like Netværksbot (uvicorn with the Slack WSGI app behind a2wsgi,
same thread count, same client: netvaerk/server.py)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from netvaerk.server import Probes, make_asgi, run_service, slack_wsgi

STATIC_VIEW = {
    "type": "modal",
    "callback_id": "floor",
    "title": {"type": "plain_text", "text": "Book samtalen"},
    "close": {"type": "plain_text", "text": "Luk"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Floor"}}],
}


def main() -> None:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client)

    @app.command("/netvaerk")
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=STATIC_VIEW)

    threads = int(os.environ.get("HTTP_THREADS", "16"))
    service = make_asgi(Probes(), slack=slack_wsgi(app), slack_threads=threads)
    asyncio.run(run_service(service, "127.0.0.1", int(os.environ["PORT"])))


if __name__ == "__main__":
    main()
