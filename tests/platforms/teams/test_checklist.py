"""The checklist round in Teams, end to end over real HTTP: `tjekliste` in the 1:1 chat, ten
points answered by `Action.Execute` clicks, each answer replacing the same card in place (the
invoke's card, and the connector's copy updated), the summary at the end; in English too; a note
through a dialog; a channel gets only the pointer to the 1:1 chat."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time
from sqlmodel import select

from bot.checklist import domain as checklist
from storage.checklist_models import ChecklistAnswer, ChecklistRound
from storage.models import Person
from tests.platforms.teams.conftest import TeamsEnv, card_text

MONDAY = "2027-03-01 08:00:00"  # 09:00 in Copenhagen
LABELS_DA = {"yes": "Ja, det gør jeg", "partly": "Delvist", "not_yet": "Ikke endnu"}
ROUND = (
    "not_yet",
    "yes",
    "partly",
    "partly",
    "not_yet",
    "partly",
    "yes",
    "partly",
    "yes",
    "partly",
)


def _start(env: TeamsEnv, name: str, command: str) -> Any:
    env.installed(name)
    env.answer(name, command)
    return env.last_message_to(name)


def test_a_full_round_in_danish_each_answer_updates_the_card_in_place(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time(MONDAY, tick=True):
        first = _start(env, "lars", "tjekliste")
        text = card_text(first)
        assert "Punkt 1 / 10" in text and "Kun du kan se dine svar" in text
        for point, value in enumerate(ROUND, start=1):
            clicked = env.platform.click(env.user("lars"), LABELS_DA[value])
            assert clicked.status == 200
            answer = clicked.json()
            assert answer["type"] == "application/vnd.microsoft.card.adaptive"
            shown = card_text(answer["value"])
            stored = env.cloud.activity(first.id)
            assert stored is not None and stored.updates == point  # the same card, updated
            assert card_text(stored) == shown
            if point < 10:
                assert f"Punkt {point + 1} / 10" in shown
        assert "Din tjekliste" in shown and "Næste skridt" in shown
        assert "1) Ledertalenter" in shown and "Ikke endnu" in shown
    # One card carried the whole round: the welcome and the round, nothing else.
    assert [m.id for m in env.cloud.messages_to(env.user("lars"))][-1] == first.id
    assert len(env.cloud.messages_to(env.user("lars"))) == 2
    assert env.cloud.warnings == []
    with env.db.session() as s:
        [round_] = s.exec(select(ChecklistRound)).all()
        assert round_.completed_at is not None
        answers = s.exec(select(ChecklistAnswer).where(ChecklistAnswer.round_id == round_.id))
        assert sorted((a.point, a.answer) for a in answers) == list(enumerate(ROUND, start=1))


def test_a_round_in_english_and_a_note_through_a_dialog(teams_env: TeamsEnv) -> None:
    env = teams_env
    with env.db.session() as s:
        lars = s.get(Person, env.org.lars.id)
        assert lars is not None
        lars.language = "en"
        s.add(lars)
        s.commit()
    with freeze_time(MONDAY, tick=True):
        first = _start(env, "lars", "checklist")
        assert "Point 1 / 10" in card_text(first)
        lars_user = env.user("lars")
        opened = env.platform.click(lars_user, "What will you do?")
        assert opened.status == 200 and env.platform.last_dialog is not None
        assert (
            env.platform.submit_dialog(lars_user, {"note": "Talk to Anne about hours"}).status
            == 200
        )
        env.cloud.wait_for("update", timeout=10)
        assert "Talk to Anne about hours" in card_text(env.cloud.activity(first.id) or first)
        for _point in checklist.POINTS:
            assert env.platform.click(lars_user, "Yes, I do").status == 200
        summary = env.cloud.activity(first.id)
        assert summary is not None and "Your checklist" in card_text(summary)


def test_someone_who_is_not_a_personnel_leader_is_refused_politely(teams_env: TeamsEnv) -> None:
    env = teams_env
    env.install("fatima")
    env.wait_sends(1)
    env.platform.message(env.user("fatima"), "checklist")
    env.wait_sends(2)
    text = card_text(env.last_message_to("fatima"))
    assert "personnel" in text.lower()
    with env.db.session() as s:
        assert s.exec(select(ChecklistRound)).all() == []


def test_asked_in_a_channel_the_round_goes_to_the_1_1_chat(teams_env: TeamsEnv) -> None:
    env = teams_env
    lars = env.user("lars")
    channel = env.cloud.add_channel("By og Miljø", members=[lars])
    with freeze_time(MONDAY, tick=True):
        assert env.platform.mention(lars, channel, "tjekliste").status == 200
        env.wait_sends(2)
    in_channel = env.cloud.messages_in(channel.id)
    assert len(in_channel) == 1 and "direkte besked" in card_text(in_channel[0])
    assert "Punkt 1 / 10" in card_text(env.last_message_to("lars"))
