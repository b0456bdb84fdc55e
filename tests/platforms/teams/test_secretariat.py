"""The secretariat's work in Teams: `sekretariat` shows its menu as a card, `rapport` sends the
overview as a download link, erasing a person through the dialog (its mismatch shown next to the
field); everyone else is refused politely, in their own language, and nothing happens."""

from __future__ import annotations

from sqlmodel import select

from storage.models import Download, Person
from tests.platforms.teams.conftest import PUBLIC_URL, TeamsEnv, card_text


def test_the_menu_the_report_and_erasing_a_person(teams_env: TeamsEnv) -> None:
    env = teams_env
    env.install("ida")
    env.wait_sends(1)
    menu = env.answer("ida", "sekretariat")
    assert "Hvad vil du gøre?" in menu
    ida = env.user("ida")
    # The report from the menu's button: a message and its download link.
    count = len(env.cloud.calls_to("send"))
    assert env.platform.click(ida, "Rapport (CSV)").status == 200
    env.wait_sends(count + 2)
    assert f"{PUBLIC_URL}/download/" in str(env.last_message_to("ida").cards)
    # The same by command.
    env.answer("ida", "rapport", sends=2)
    with env.db.session() as s:
        downloads = s.exec(select(Download)).all()
        assert len(downloads) == 2 and {d.filename for d in downloads} == {"netvaerk-overblik.csv"}
    # Erasing Ole: a mismatch comes back next to the field; then it is done and told.
    assert env.platform.click(ida, "Slet persondata").status == 200
    mismatch = env.platform.submit_dialog(
        ida, {"email": "ole.uden@example.dk", "confirm": "ole@example.dk"}
    )
    assert "De to e-mails er ikke ens" in card_text(
        mismatch.json()["task"]["value"]["card"]["content"]
    )
    count = len(env.cloud.calls_to("send"))
    done = env.platform.submit_dialog(ida, {"confirm": "ole.uden@example.dk"})
    assert done.status == 200 and env.platform.last_dialog is None
    env.wait_sends(count + 1)
    assert "Personoplysningerne er slettet" in card_text(env.last_message_to("ida"))
    with env.db.session() as s:
        assert s.get(Person, env.org.nomgr.id).email != "ole.uden@example.dk"  # type: ignore[union-attr]


def test_someone_else_is_refused_politely_in_their_language(teams_env: TeamsEnv) -> None:
    env = teams_env
    for count, name in enumerate(("anne", "fatima"), start=1):
        env.install(name)
        env.wait_sends(count)
    assert "forbeholdt Sekretariat for Netværksstrukturen" in env.answer("anne", "sekretariat")
    assert "rapport" in env.answer("anne", "rapport").lower()
    refused = env.answer("fatima", "report")
    assert "is for the Secretariat for the Network Structure" in refused
    with env.db.session() as s:
        assert s.exec(select(Download)).all() == []
