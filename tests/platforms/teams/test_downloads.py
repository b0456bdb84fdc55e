"""Files on Teams: a calendar invitation after a message arrives as a card with a signed,
expiring download link in the person's language, served by the bot; a tampered or expired link
serves nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import unquote

from freezegun import freeze_time
from sqlmodel import select

from bot.core import ui
from bot.core.chat import DirectMessages
from emulator.microsoft import MicrosoftCloud
from netvaerk.app import build_transport
from platforms.teams.chat import TeamsChat
from platforms.teams.downloads import LIFETIME, make_downloads
from storage.db import Database
from storage.models import Download
from tests.delivery_support import MONDAY
from tests.platforms.teams.support import on_teams
from tests.schedule_support import Org, make_deps

INVITATION = ui.Attachment(
    "samtale.ics", "Invitation til samtalen", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR"
)


def test_a_file_after_a_message_is_a_signed_expiring_link_the_bot_serves(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    settings = {**cloud.teams_settings(), "netvaerk_public_url": "https://netvaerk.example.dk/"}
    deps = make_deps(db, slack_bot_token=None, **settings)
    port = build_transport(deps)
    assert isinstance(port, TeamsChat)
    users = on_teams(db, cloud, [org.fatima], known=True)  # Fatima reads English
    with freeze_time(MONDAY):
        sent = DirectMessages(port, db).send(
            org.fatima, ui.Message("Booket", (ui.Text("Booket"),)), INVITATION
        )
    assert sent is not None
    _booked, link_card = cloud.messages_to(users[org.fatima.id or 0])
    texts = [block["text"] for block in link_card.cards[0]["body"]]
    assert texts[0] == "Here is the file: Invitation til samtalen"
    assert texts[2].startswith("The link works for 7 days")
    [url] = re.findall(r"\]\((https://[^)]+)\)", texts[1])
    assert url.startswith("https://netvaerk.example.dk/download/")
    token = unquote(url.rsplit("/", 1)[1])
    downloads = make_downloads(deps.settings, db)
    with freeze_time(MONDAY + timedelta(days=1)):
        status, headers, body = downloads.serve_download(token)
        assert (status, body) == (200, INVITATION.content)
        assert headers["Content-Type"].startswith("text/calendar")
        assert "samtale.ics" in headers["Content-Disposition"]
        file_id, expires, signature = token.split(".")
        for forged in (
            f"{file_id}.{int(expires) + 86400}.{signature}",  # kept alive longer
            f"{'0' * 32}.{expires}.{signature}",  # another file
            f"{file_id}.{expires}.{signature[:-2]}xx",
            "nonsense",
        ):
            assert downloads.serve_download(forged)[0] == 404
    with freeze_time(MONDAY + LIFETIME + timedelta(minutes=1)):
        assert downloads.serve_download(token)[0] == 404
        downloads.store(INVITATION, None)  # storing purges what expired
    with db.session() as s:
        assert [d.filename for d in s.exec(select(Download)).all()] == ["samtale.ics"]


def test_without_a_public_address_a_file_is_a_permanent_failure_not_a_broken_link(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = make_deps(db, slack_bot_token=None, **cloud.teams_settings())
    port = build_transport(deps)
    assert isinstance(port, TeamsChat)
    users = on_teams(db, cloud, [org.anne], known=True)
    sent = DirectMessages(port, db).send(org.anne, ui.Message("Booket"), INVITATION)
    assert sent is None  # logged, not raised: the person who acted still gets their answer
    assert len(cloud.messages_to(users[org.anne.id or 0])) == 1
