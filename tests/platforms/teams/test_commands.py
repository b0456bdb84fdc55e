"""The remaining commands in Teams, each in Danish and English: `talent` (with an @mention, or
alone offering its dialog), `netværk`, `deltagere` — the same answers as on Slack."""

from __future__ import annotations

from freezegun import freeze_time
from sqlmodel import select

from storage.checklist_models import TalentNomination
from tests.platforms.teams.conftest import TeamsEnv, card_text


def _sent(env: TeamsEnv, count: int) -> None:
    env.cloud.wait_for("send", lambda _c: len(env.cloud.calls_to("send")) >= count, timeout=10)


def _answer(env: TeamsEnv, name: str, text: str, **kw: object) -> str:
    count = len(env.cloud.calls_to("send"))
    assert env.platform.message(env.user(name), text, **kw).status == 200  # type: ignore[arg-type]
    _sent(env, count + 1)
    return card_text(env.last_message_to(name))


def _installed(env: TeamsEnv, *names: str) -> None:
    for name in names:
        count = len(env.cloud.calls_to("send"))
        env.install(name)
        _sent(env, count + 1)


def test_talent_with_a_mention_and_alone(teams_env: TeamsEnv) -> None:
    env = teams_env
    _installed(env, "lars", "anne")
    anne = env.user("anne")
    done = _answer(env, "lars", "talent @Anne Jensen God til at samle folk", mentions=[anne])
    assert "din nominering af Anne Jensen er sendt" in done
    unknown = _answer(env, "lars", "talent Bent God til det hele")
    assert "Jeg kan ikke finde Bent" in unknown
    offer = _answer(env, "lars", "netvaerk talent")
    assert "Tryk på knappen" in offer
    assert env.platform.click(env.user("lars"), "Nominér et talent").status == 200
    assert env.platform.last_dialog is not None
    with env.db.session() as s:
        [nomination] = s.exec(select(TalentNomination)).all()
        assert nomination.employee_id == env.org.anne.id
        assert nomination.note == "God til at samle folk" and not nomination.employee_told


def test_networks_in_danish_and_english(teams_env: TeamsEnv) -> None:
    env = teams_env
    _installed(env, "lars", "fatima")
    assert "Åbne netværk" in _answer(env, "lars", "netværk")
    english = _answer(env, "fatima", "networks")
    assert "Open networks" in english and "Digital inklusion" in english


def test_deltagere_is_for_network_leaders_in_either_language(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time("2027-03-01 08:00:00", tick=True):  # Anne's network has started
        _installed(env, "anne", "fatima")
        assert "Søg deltagere" in _answer(env, "anne", "deltagere")
        refused = _answer(env, "fatima", "open")
    assert "Only the network leader can do that" in refused
