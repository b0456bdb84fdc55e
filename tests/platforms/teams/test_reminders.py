"""The reminders in Teams, end to end: a booking nudge delivered by the scheduler through the Bot
Connector, "Udsæt en uge" told to the person who clicked (the reminder stays), "Samtalen er
holdt" answering the reminder in place; `pause`, `puls @person …` and `tema` (with its dialog) in
Danish and English."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time
from sqlmodel import select

from bot.core.clock import now
from storage.models import Conversation, ConversationStatus, PulsTalk
from storage.scheduling_models import Snooze, ThemeProposal
from tests.platforms.teams.conftest import TeamsEnv, card_text
from tests.schedule_support import tick_at


def test_snooze_and_held_from_a_booking_nudge(teams_env: TeamsEnv) -> None:
    env = teams_env
    env.installed("lars")
    morning = datetime.combine(now().date() + timedelta(days=40), time(8, 30), now().tzinfo)
    tick_at(env.deps, env.deps.chat, morning)  # nudges to book with Anne, Søren and Fatima
    lars = env.user("lars")
    nudges = [m for m in env.cloud.messages_to(lars) if "Udsæt en uge" in card_text(m)]
    assert nudges, "the scheduler sent no nudge through Teams"
    with freeze_time(morning + timedelta(hours=1)):
        snoozed = env.platform.click(lars, "Udsæt en uge", nudges[0]).json()
        assert snoozed["type"] == "application/vnd.microsoft.activity.message"
        assert "Udsat – du hører fra mig igen" in snoozed["value"]
        assert (env.cloud.activity(nudges[0].id) or nudges[0]).updates == 0  # it stays
        held = env.platform.click(lars, "Samtalen er holdt", nudges[-1]).json()
        assert held["type"] == "application/vnd.microsoft.card.adaptive"
        text = card_text(held["value"])
        assert "registreret som holdt" in text and "Registrér aftalen" in text
    with env.db.session() as s:
        [snooze] = s.exec(select(Snooze)).all()
        assert snooze.person_id == env.org.lars.id
        [conversation] = s.exec(select(Conversation)).all()
        assert conversation.status == ConversationStatus.HELD
        assert conversation.manager_id == env.org.lars.id


def test_pause_in_danish_and_english(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time("2027-03-01 09:00:00", tick=True):  # tokens are issued at the frozen time
        env.installed("lars", "fatima")
        text = env.answer("lars", "pause 2027-03-02 2027-03-12")
        assert "tirsdag d. 2. marts 2027" in text and "fredag d. 12. marts 2027" in text
        assert "kan ikke læse datoen" in env.answer("lars", "netvaerk pause 12-13-2027")
        assert "You have no pause at the moment" in env.answer("fatima", "vacation")


def test_puls_with_a_mention_registers_the_talk(teams_env: TeamsEnv) -> None:
    env = teams_env
    anne = env.user("anne")
    with freeze_time("2027-03-01 09:00:00", tick=True):
        env.installed("lars", "anne", "mette")
        text = env.answer("lars", "puls @Anne Jensen 16-03-2027 10:00", mentions=[anne])
        assert "tirsdag d. 16. marts 2027 kl. 10:00" in text
        refused = env.answer("mette", "puls @Anne Jensen 2027-03-20", mentions=[anne])
        assert "ikke din medarbejder" in refused
    with env.db.session() as s:
        [talk] = s.exec(select(PulsTalk)).all()
        assert (talk.talk_date, talk.talk_time) == (date(2027, 3, 16), time(10))


def test_tema_by_command_and_through_the_dialog(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time("2027-04-12 09:00:00", tick=True):
        env.installed("lars", "fatima")
        assert "Tak for dit forslag" in env.answer("lars", "tema Klimasikring af skolerne")
        offer = env.answer("fatima", "theme")
        assert "Press the button" in offer
        fatima = env.user("fatima")
        assert env.platform.click(fatima, _button(env)).status == 200
        count = len(env.cloud.calls_to("send"))
        assert (
            env.platform.submit_dialog(fatima, {"theme": "Communities for young people"}).status
            == 200
        )
        env.wait_sends(count + 1)
        assert "Thank you for your proposal" in card_text(env.last_message_to("fatima"))
    with env.db.session() as s:
        texts = sorted(p.text for p in s.exec(select(ThemeProposal)).all())
        assert texts == ["Communities for young people", "Klimasikring af skolerne"]


def _button(env: TeamsEnv) -> str:
    """The title of the one button on Fatima's newest card."""
    card = env.last_message_to("fatima").cards[0]
    [action] = [a for s in card["body"] if s.get("type") == "ActionSet" for a in s["actions"]]
    return str(action["title"])
