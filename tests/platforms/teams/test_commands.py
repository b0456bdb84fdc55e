"""The remaining commands in Teams, each in Danish and English: `talent` (with an @mention, or
alone offering its dialog), `netværk`, `deltagere` — the same answers as on Slack."""

from __future__ import annotations

from freezegun import freeze_time
from sqlmodel import select

from storage.checklist_models import TalentNomination
from tests.platforms.teams.conftest import TeamsEnv


def test_talent_with_a_mention_and_alone(teams_env: TeamsEnv) -> None:
    env = teams_env
    env.installed("lars", "anne")
    anne = env.user("anne")
    done = env.answer("lars", "talent @Anne Jensen God til at samle folk", mentions=[anne])
    assert "din nominering af Anne Jensen er sendt" in done
    unknown = env.answer("lars", "talent Bent God til det hele")
    assert "Jeg kan ikke finde Bent" in unknown
    offer = env.answer("lars", "netvaerk talent")
    assert "Tryk på knappen" in offer
    assert env.platform.click(env.user("lars"), "Nominér et talent").status == 200
    assert env.platform.last_dialog is not None
    with env.db.session() as s:
        [nomination] = s.exec(select(TalentNomination)).all()
        assert nomination.employee_id == env.org.anne.id
        assert nomination.note == "God til at samle folk" and not nomination.employee_told


def test_networks_in_danish_and_english(teams_env: TeamsEnv) -> None:
    env = teams_env
    env.installed("lars", "fatima")
    assert "Åbne netværk" in env.answer("lars", "netværk")
    english = env.answer("fatima", "networks")
    assert "Open networks" in english and "Digital inklusion" in english


def test_deltagere_is_for_network_leaders_in_either_language(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time("2027-03-01 08:00:00", tick=True):  # Anne's network has started
        env.installed("anne", "fatima")
        assert "Søg deltagere" in env.answer("anne", "deltagere")
        refused = env.answer("fatima", "open")
    assert "Only the network leader can do that" in refused
