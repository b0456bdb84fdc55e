"""`mine data` in Teams: everything stored about the person, in their 1:1 chat — the file as a
signed, expiring download link (a Teams 1:1 chat takes no file from a bot without the
file-consent flow), served by the bot; in Danish and in English."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from sqlmodel import select

from platforms.teams.chat import TeamsChat
from storage.models import Download
from tests.platforms.teams.conftest import PUBLIC_URL, TeamsEnv, card_text


def _link(env: TeamsEnv, name: str) -> str:
    card = env.last_message_to(name).cards[0]
    found = re.search(r"\]\((https://[^)]+)\)", json.dumps(card, ensure_ascii=False))
    assert found, "no link in the card"
    return found.group(1)


def test_mine_data_sends_a_download_link_that_serves_the_export(teams_env: TeamsEnv) -> None:
    env = teams_env
    env.install("anne")
    env.wait_sends(1)
    assert env.platform.message(env.user("anne"), "mine data").status == 200
    env.wait_sends(3)  # the welcome, the export's message, the link
    messages = env.cloud.messages_to(env.user("anne"))
    assert "Her er alt, hvad jeg har gemt om dig" in card_text(messages[-2])
    assert "Hent" in card_text(messages[-1]) and "dage" in card_text(messages[-1])
    link = _link(env, "anne")
    assert link.startswith(f"{PUBLIC_URL}/download/")
    chat = env.deps.chat
    assert isinstance(chat, TeamsChat) and chat.attachments is not None
    status, headers, body = chat.attachments.serve_download(unquote(link.rsplit("/", 1)[1]))
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert "anne.jensen@example.dk" in body.decode("utf-8")
    with env.db.session() as s:
        [download] = s.exec(select(Download)).all()
        assert download.person_id == env.org.anne.id  # erased with her


def test_my_data_in_english(teams_env: TeamsEnv) -> None:
    env = teams_env
    env.install("fatima")
    env.wait_sends(1)
    env.platform.message(env.user("fatima"), "my data")
    env.wait_sends(3)
    messages = env.cloud.messages_to(env.user("fatima"))
    assert "Here is everything I have stored about you" in card_text(messages[-2])
    assert _link(env, "fatima").startswith(f"{PUBLIC_URL}/download/")


def test_someone_not_in_the_data_gets_no_export(teams_env: TeamsEnv) -> None:
    env = teams_env
    stranger = env.cloud.add_user("Sam Fremmed", "sam@andetsted.dk")
    env.platform.install(stranger)
    env.wait_sends(1)
    env.platform.message(stranger, "mine data")
    env.wait_sends(2)
    assert "Jeg kan ikke finde dig" in card_text(env.cloud.messages_to(stranger)[-1])
    with env.db.session() as s:
        assert s.exec(select(Download)).all() == []
