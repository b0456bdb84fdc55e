"""Results in Teams, end to end over real HTTP: `resultat` answers with a card whose button opens
the dialog; a dialog with problems comes back with each error under its field; the preview is
the dialog's next step; "Del resultatet" publishes before the dialog closes and tells the poster
where it went. English and a refusal too."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time
from sqlmodel import select

from emulator.microsoft.platform import card_inputs
from emulator.microsoft.records import TeamsChannel
from storage.models import Department, Person
from storage.showcase_models import ChannelPost, NetworkResult, Recognition, ResultStatus
from tests.platforms.teams.conftest import TeamsEnv, card_text

MONDAY = "2027-03-01 08:00:00"  # 09:00 in Copenhagen
RESULT = {
    "title": "Skybrudsplan",
    "achieved": "Tre skybrudsveje er tegnet sammen med borgerne.",
    "meaning": "Vej og park kan bruge tegningerne i deres egne planer.",
}


def _three_departments(env: TeamsEnv) -> dict[str, TeamsChannel]:
    """Anne's network has members in three departments, each with its Teams channel."""
    channels = {}
    with env.db.session() as s:
        by = s.exec(select(Department).where(Department.name == "By og Miljø")).one()
        kultur, stab = Department(name="Kultur"), Department(name="Økonomi og Stab")
        s.add_all([kultur, stab])
        s.flush()
        for department in (by, kultur, stab):
            channel = env.cloud.add_channel(department.name, members=env.users.values())
            department.channel, department.teams_channel = None, channel.id
            channels[department.name] = channel
            s.add(department)
        for person, department in ((env.org.soren, kultur), (env.org.mette, stab)):
            found = s.get(Person, person.id)
            assert found is not None
            found.department_id = department.id
            s.add(found)
        s.commit()
    return channels


def _dialog_title(answer: Any) -> str:
    return str(answer.json()["task"]["value"]["title"])


def test_a_result_from_the_dialog_with_its_errors_and_preview(teams_env: TeamsEnv) -> None:
    env = teams_env
    _three_departments(env)
    anne = env.user("anne")
    with freeze_time(MONDAY, tick=True):
        env.install("anne")
        env.wait_sends(1)
        env.platform.message(anne, "resultat")
        env.wait_sends(2)
        offer = env.last_message_to("anne")
        assert "Tryk på knappen" in card_text(offer)
        opened = env.platform.click(anne, "Del et netværksresultat", offer)
        assert opened.status == 200 and _dialog_title(opened) == "Del et netværksresultat"
        # The one network is chosen already; missing texts come back next to their fields.
        problems = env.platform.submit_dialog(anne, {"title": "Skybrudsplan", "link": "ftp://x"})
        assert problems.status == 200
        dialog = env.platform.last_dialog
        assert dialog is not None
        errors = {i["id"]: i.get("errorMessage") for i in card_inputs(dialog)}
        assert errors["achieved"] and errors["meaning"] and errors["link"]
        assert errors["title"] is None
        assert any(i.get("value") == "Skybrudsplan" for i in card_inputs(dialog))  # kept as typed
        preview = env.platform.submit_dialog(anne, {**RESULT, "link": ""})
        assert _dialog_title(preview) == "Forhåndsvisning"
        assert "Sådan ser opslaget ud" in card_text(
            preview.json()["task"]["value"]["card"]["content"]
        )
        with env.db.session() as s:
            [draft] = s.exec(select(NetworkResult)).all()
            assert draft.status == ResultStatus.DRAFT
        shared = env.platform.submit_dialog(anne, {})
        assert shared.status == 200 and env.platform.last_dialog is None  # the dialog closed
        env.wait_sends(3)
        told = card_text(env.last_message_to("anne"))
        assert "Dit resultat er delt" in told
        assert "Delt i kanalen for: By og Miljø, Kultur, Økonomi og Stab" in told
    with env.db.session() as s:
        [result] = s.exec(select(NetworkResult)).all()
        assert result.status == ResultStatus.PUBLISHED and result.title == "Skybrudsplan"
        departments = {p.department_id for p in s.exec(select(ChannelPost)).all()}
        assert len(departments) == 3  # one copy per member department


def _share(env: TeamsEnv, name: str) -> None:
    user = env.user(name)
    env.install(name)
    env.wait_sends(1)
    env.platform.message(user, "resultat")
    env.wait_sends(2)
    env.platform.click(user, "Del et netværksresultat")
    env.platform.submit_dialog(user, RESULT)
    env.platform.submit_dialog(user, {})
    env.wait_sends(3)


def test_posted_once_to_each_department_channel_and_recognised_in_place(
    teams_env: TeamsEnv,
) -> None:
    env = teams_env
    channels = _three_departments(env)
    with freeze_time(MONDAY, tick=True):
        _share(env, "anne")
        posts = {name: env.cloud.messages_in(channel.id) for name, channel in channels.items()}
        assert all(len(found) == 1 for found in posts.values()), posts
        by = posts["By og Miljø"][0]
        assert "Skybrudsplan" in card_text(by) and "Anne Jensen" in card_text(by)
        for name in ("lars", "fatima", "soren", "mette"):
            clicked = env.platform.click(env.user(name), "👏 Anerkend", by)
            assert clicked.status == 200
        again = env.platform.click(env.user("lars"), "👏 Anerkend", by).json()
        assert "allerede anerkendt" in again["value"]  # told only to Lars
    for name, channel in channels.items():
        [copy] = env.cloud.messages_in(channel.id)
        assert copy.updates == 4, name  # every copy, in place, once per new recognition
        assert "Anerkendt af Lars og 3 andre" in card_text(copy)
    with env.db.session() as s:
        assert len(s.exec(select(Recognition)).all()) == 4


def test_result_command_in_english_and_a_refusal_for_someone_without_a_network(
    teams_env: TeamsEnv,
) -> None:
    env = teams_env
    env.install("fatima")
    env.wait_sends(1)
    env.platform.message(env.user("fatima"), "result")
    env.wait_sends(2)
    text = card_text(env.last_message_to("fatima"))
    assert "You do not lead or join a network right now" in text
    assert env.cloud.messages_to(env.user("fatima"))[-1].cards[0].get("actions") is None


def test_a_message_shared_as_a_result_by_the_message_action(teams_env: TeamsEnv) -> None:
    """Slack's message shortcut in Teams: "…" on a message → "Del som netværksresultat" opens
    the result dialog with the message's text; the result remembers where it came from."""
    env = teams_env
    channels = _three_departments(env)
    soren, anne = env.user("soren"), env.user("anne")
    channel = channels["Kultur"]
    with freeze_time(MONDAY, tick=True):
        env.installed("soren")
        body = "<p>Vi har tegnet <b>tre skybrudsveje</b> &amp; delt dem</p><p>med borgerne.</p>"
        opened = env.platform.message_action(soren, "share_as_result", channel, anne, body)
        assert opened.status == 200 and _dialog_title(opened) == "Del et netværksresultat"
        dialog = env.platform.last_dialog
        assert dialog is not None
        achieved = next(i for i in card_inputs(dialog) if i["id"] == "achieved")
        assert achieved["value"] == "Vi har tegnet tre skybrudsveje & delt dem\nmed borgerne."
        preview = env.platform.submit_dialog(soren, {"title": "Skybrudsveje", "meaning": "Meget."})
        assert _dialog_title(preview) == "Forhåndsvisning"
        env.platform.submit_dialog(soren, {})
        assert env.platform.last_dialog is None
        env.wait_sends(2)
    with env.db.session() as s:
        [result] = s.exec(select(NetworkResult)).all()
        assert result.status == ResultStatus.PUBLISHED
        assert result.source_channel and result.source_channel.startswith(channel.id)
