"""The Teams framework over real HTTP: commands as messages, help, identity learnt by the roster,
the one error path. (tests/platforms/teams/conftest.py serves the bot.)"""

from __future__ import annotations

from sqlmodel import select

from storage.models import PlatformIdentity
from tests.platforms.teams.conftest import TeamsEnv, card_text


def _identities(env: TeamsEnv) -> list[PlatformIdentity]:
    with env.db.session() as session:
        return list(
            session.exec(select(PlatformIdentity).where(PlatformIdentity.platform == "teams"))
        )


def test_an_unknown_word_answers_with_help_in_danish(teams_env: TeamsEnv) -> None:
    answer = teams_env.platform.message(teams_env.user("anne"), "blomsterkål")
    assert answer.status == 200
    text = card_text(teams_env.cloud.wait_for("send").body["attachments"][0]["content"])
    assert "Jeg kender ikke kommandoen “blomsterkål”" in text
    assert "hjælper dig med netværksarbejdet" in text
    assert "/netvaerk hjem" in text


def test_help_in_english_for_an_english_speaker_with_or_without_netvaerk(
    teams_env: TeamsEnv,
) -> None:
    fatima = teams_env.user("fatima")
    teams_env.platform.message(fatima, "netvaerk help")
    first = card_text(teams_env.cloud.wait_for("send").body["attachments"][0]["content"])
    assert "helps you with network work" in first
    assert "don't know" not in first
    teams_env.platform.message(fatima, "")
    teams_env.cloud.wait_for("send", lambda c: len(teams_env.cloud.calls_to("send")) >= 2)
    assert card_text(teams_env.last_message_to("fatima")) == first
    # As the bot's own texts write commands (Slack's way): the slash is no unknown command.
    teams_env.platform.message(fatima, "/netvaerk help")
    teams_env.cloud.wait_for("send", lambda c: len(teams_env.cloud.calls_to("send")) >= 3)
    assert card_text(teams_env.last_message_to("fatima")) == first


def test_a_mention_in_a_channel_is_a_command_without_the_mention(teams_env: TeamsEnv) -> None:
    anne = teams_env.user("anne")
    channel = teams_env.cloud.add_channel("By og Miljø", members=[anne])
    answer = teams_env.platform.mention(anne, channel, "hjælp")
    assert answer.status == 200
    text = card_text(teams_env.cloud.wait_for("send").body["attachments"][0]["content"])
    assert "hjælper dig med netværksarbejdet" in text and "kender ikke" not in text


def test_install_learns_the_person_by_the_roster_email_and_greets_them(teams_env: TeamsEnv) -> None:
    anne = teams_env.user("anne")
    assert teams_env.install("anne").status == 200
    [row] = _identities(teams_env)
    assert row.person_id == teams_env.org.anne.id
    assert row.user_id == anne.teams_id
    assert row.aad_object_id == anne.aad_object_id
    assert row.conversation_id == teams_env.cloud.personal_conversation_id(anne)
    assert row.service_url == teams_env.cloud.service_url
    assert row.tenant_id == teams_env.cloud.tenant_id
    greeting = card_text(teams_env.last_message_to("anne"))
    assert "Hej Anne" in greeting
    assert len(teams_env.cloud.calls_to("member")) == 1
    # Known now: the next activity does not ask the roster again.
    teams_env.platform.message(anne, "hjem")
    teams_env.cloud.wait_for("send", lambda c: len(teams_env.cloud.calls_to("send")) >= 2)
    assert len(teams_env.cloud.calls_to("member")) == 1
    assert "Hej Anne" in card_text(teams_env.last_message_to("anne"))


def test_a_stranger_is_told_politely_and_nothing_is_stored(teams_env: TeamsEnv) -> None:
    stranger = teams_env.cloud.add_user("Sam Fremmed", "sam@andetsted.dk")
    assert teams_env.platform.install(stranger).status == 200
    assert _identities(teams_env) == []
    text = card_text(teams_env.cloud.messages_to(stranger)[-1])
    assert "Jeg kan ikke finde dig i netværksbottens oplysninger" in text


def test_a_forged_token_gets_401_and_nothing_is_stored_or_sent(teams_env: TeamsEnv) -> None:
    answer = teams_env.platform.message(teams_env.user("anne"), "hjælp", token="forged")
    assert answer.status == 401
    assert _identities(teams_env) == []
    assert teams_env.cloud.calls_to("send") == [] and teams_env.cloud.calls_to("member") == []


def test_a_button_the_bot_does_not_know_is_answered_politely(teams_env: TeamsEnv) -> None:
    teams_env.install("anne")
    value = {"action": {"type": "Action.Execute", "verb": "gammel.knap", "data": {}}}
    answer = teams_env.platform.invoke(teams_env.user("anne"), "adaptiveCard/action", value)
    assert answer.status == 200
    body = answer.json()
    assert body["statusCode"] == 200
    assert "ikke længere aktuel" in body["value"]
