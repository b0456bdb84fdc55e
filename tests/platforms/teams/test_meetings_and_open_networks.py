"""Department meetings and open networks in Teams: `afdeling` offers the department's settings
dialog (with its validation), `deltagere` posts the call to the chosen departments' channels,
"Vil du være med?" asks the network's leader, whose answer replaces the question in place; in
Danish and English."""

from __future__ import annotations

from freezegun import freeze_time
from sqlmodel import select

from storage.models import Department, NetworkMember
from storage.showcase_models import JoinRequest
from tests.platforms.teams.conftest import TeamsEnv, card_text

MONDAY = "2027-03-01 08:00:00"


def test_department_settings_through_the_dialog(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time(MONDAY, tick=True):
        env.installed("lars", "fatima")
        assert "Tryk på knappen" in env.answer("lars", "afdeling")
        lars = env.user("lars")
        assert env.platform.click(lars, "Afdelingsindstillinger").status == 200
        wrong = env.platform.submit_dialog(
            lars, {"weekday": "1", "time": "09:00", "interval": "2", "anchor": "2027-03-03"}
        )
        shown = card_text(wrong.json()["task"]["value"]["card"]["content"])
        assert "Datoen skal ligge på den valgte ugedag" in shown
        count = len(env.cloud.calls_to("send"))
        assert env.platform.submit_dialog(lars, {"anchor": "2027-03-02"}).status == 200
        env.wait_sends(count + 1)
        assert "Indstillingerne for By og Miljø er gemt" in card_text(env.last_message_to("lars"))
        refused = env.answer("fatima", "department")
        assert "Press the button" not in refused  # refused at once, in English
    with env.db.session() as s:
        by = s.exec(select(Department).where(Department.name == "By og Miljø")).one()
        assert (by.meeting_weekday, by.meeting_interval_weeks) == (1, 2)


def test_an_open_call_joined_from_a_channel_and_accepted_in_place(teams_env: TeamsEnv) -> None:
    env = teams_env
    channel = env.cloud.add_channel("By og Miljø", members=env.users.values())
    with env.db.session() as s:
        by = s.exec(select(Department).where(Department.name == "By og Miljø")).one()
        by.channel, by.teams_channel = None, channel.id
        s.add(by)
        s.commit()
        by_id = by.id
    with freeze_time(MONDAY, tick=True):
        env.installed("anne", "fatima", "lars")
        assert "Tryk på knappen" in env.answer("anne", "deltagere")
        anne, fatima = env.user("anne"), env.user("fatima")
        assert env.platform.click(anne, "Søg deltagere").status == 200
        count = len(env.cloud.calls_to("send"))
        env.platform.submit_dialog(anne, {"departments": str(by_id), "note": "Nogen med GIS"})
        env.wait_sends(count + 1)
        [post] = env.cloud.messages_in(channel.id)
        assert "Netværket Klimatilpasning søger deltagere" in card_text(post)
        asked = env.platform.click(fatima, "Vil du være med?", post).json()
        assert "Your request is sent to Anne Jensen" in asked["value"]  # told only to Fatima
        assert post.id and (env.cloud.activity(post.id) or post).updates == 0
        env.wait_sends(count + 2)
        question = env.last_message_to("anne")
        decided = env.platform.click(anne, "Ja, velkommen", question).json()
        assert decided["type"] == "application/vnd.microsoft.card.adaptive"
        assert "Fatima Ali er nu med i Klimatilpasning" in card_text(decided["value"])
        env.wait_sends(count + 4)  # Fatima welcomed, her personnel leader told
        assert "Welcome to the network Klimatilpasning" in card_text(env.last_message_to("fatima"))
    with env.db.session() as s:
        [request] = s.exec(select(JoinRequest)).all()
        assert request.status == "accepted"
        members = s.exec(select(NetworkMember.person_id)).all()
        assert env.org.fatima.id in members
