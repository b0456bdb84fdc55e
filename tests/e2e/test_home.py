"""App Home for every role, against the Slack emulator: valid views, paging past Slack's
100-block limit, refreshed after a change, and the privacy notice."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from freezegun import freeze_time

from bot.core import actions
from emulator.clock import real_monotonic
from storage.models import Network, NetworkMember
from tests.e2e.conftest import SlackEnv
from tests.e2e.helpers import buttons, settle, text_of

MONDAY = "2027-03-01 08:00:00"


def wait_home(env: SlackEnv, user: str, containing: str, timeout: float = 5.0) -> dict[str, Any]:
    """The user's published Home view once it contains `containing`."""
    deadline = real_monotonic() + timeout
    while True:
        view = env.api.home_view(user)
        if view is not None and containing in text_of(view):
            return view
        if real_monotonic() > deadline:
            shown = text_of(view)[:400] if view else None
            raise AssertionError(f"no Home for {user} containing {containing!r}; saw {shown}")
        time.sleep(0.02)


def opened(env: SlackEnv, user: str, containing: str) -> dict[str, Any]:
    response = env.slack.app_home_opened(user)
    assert response.status == 200 and response.acked_in_time
    return wait_home(env, user, containing)


def test_the_network_leader_sees_networks_conversation_and_the_next_step(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        view = opened(env, "UANNE", "Mine netværk")
    text = text_of(view)
    assert "Hej Anne" in text and "Det venter på dig" in text
    assert "Klimatilpasning" in text and "Hvordan gør vi byen klar til skybrud?" in text
    assert "Referenceleder" in text and "Mette Holm" in text and "mandag d. 4. januar 2027" in text
    assert "Samtalen med Lars Nielsen" in text and "mangler" in text
    assert (actions.BOOKING_OPEN, "", "Book samtalen") in buttons(view)
    assert "Dine data 🔒" in text and (actions.PRIVACY_EXPORT, "", "Mine data") in buttons(view)
    assert env.api.warnings == []


def test_the_personnel_leader_sees_employees_and_what_waits(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        view = opened(env, "ULARS", "Mine medarbejdere i netværk")
    text = text_of(view)
    assert "*Anne Jensen* · Klimatilpasning – samtalen: mangler" in text
    assert "*Søren Kjær* · Klimatilpasning – samtalen: mangler" in text
    assert (actions.BOOKING_OPEN, str(env.org.anne.id), "Book samtalen med Anne Jensen") in (
        buttons(view)
    )
    assert "Mine netværk" not in text  # Lars is in no network himself


def test_participant_in_english_reference_leader_employee_and_stranger(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        soren = text_of(opened(env, "USOREN", "My networks"))
        mette = text_of(opened(env, "UMETTE", "Netværk, du er referenceleder for"))
        fatima = text_of(opened(env, "UFATIMA", "Nothing is waiting on you"))
        stranger = text_of(opened(env, "USTRANGER", "Velkommen til Netværksbot"))
    assert "Participant" in soren and "Your data 🔒" in soren
    assert "*Klimatilpasning* – netværksleder Anne Jensen · seneste sparring: ingen endnu" in mette
    assert "*Digital inklusion* – netværksleder Ole Uden" in mette
    assert "My networks" not in fatima and "The organisation" not in fatima
    assert "Sekretariat for Netværksstrukturen" in stranger and "Dine data" in stranger
    assert env.api.warnings == []


def test_the_secretariat_sees_the_organisation(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        view = opened(env, "UIDA", "Organisationen")
    text = text_of(view)
    assert "Ingen eskaleringer og ingen fejlede leverancer" in text
    assert "• By og Miljø: 0 / 0 / 2" in text and "• –: 0 / 0 / 1" in text
    assert "*Klimatilpasning* – netværksleder Anne Jensen, 1 deltager(e)" in text
    labels = [label for _, _, label in buttons(view)]
    assert {"Opret netværk", "Sekretariatet", "Rapport (CSV)", "Slet persondata"} <= set(labels)


def test_home_pages_past_the_100_block_limit(env: SlackEnv) -> None:
    with env.db.session() as s:
        for n in range(80):
            s.add(
                Network(
                    name=f"Netværk {n:02d}",
                    theme="Et tema",
                    leader_id=env.org.anne.id,  # type: ignore[arg-type]
                    start_date=date(2027, 1, 4),
                )
            )
        s.commit()
    with freeze_time(MONDAY, tick=True):
        first = opened(env, "UIDA", "Organisationen")
        assert len(first["blocks"]) <= 100
        assert first["private_metadata"] == "0"
        (more,) = [b for b in buttons(first) if b[0] == actions.HOME_PAGE]
        assert more[2] == "Vis flere" and more[1] == "1"
        env.slack.click("UIDA", actions.HOME_PAGE, "1")
        second = wait_home(env, "UIDA", "Tilbage")
        assert second["private_metadata"] == "1" and len(second["blocks"]) <= 100
        assert "Netværk 79" in text_of(second) and "Netværk 79" not in text_of(first)
        assert "Dine data" in text_of(second)  # the privacy notice ends the last page
        env.slack.click("UIDA", actions.HOME_PAGE, "0")
        wait_home(env, "UIDA", "Vis flere")
    assert env.api.warnings == []


def test_home_is_refreshed_when_a_conversation_changes(env: SlackEnv) -> None:
    with freeze_time(MONDAY, tick=True):
        opened(env, "ULARS", "Mine medarbejdere")
        opened(env, "UANNE", "Book samtalen")
        env.slack.click("UANNE", actions.BOOKING_OPEN)  # the button in Anne's Home acts
        env.api.wait_for("views.open")
        env.slack.submit_view("UANNE", {"date1": "2027-03-04", "time1": "10:00"})
        view = wait_home(env, "ULARS", "Anne Jensen har foreslået tidspunkter")
        assert "samtalen: foreslået, venter på svar" in text_of(view)
        wait_home(env, "UANNE", "foreslået, venter på svar")
        settle(env.api)
    assert env.api.warnings == []


def test_the_first_message_carries_the_privacy_notice_once(env: SlackEnv) -> None:
    from tests.e2e.helpers import button, wait_dm

    with freeze_time(MONDAY, tick=True):
        env.slack.command("UANNE", "book")
        env.api.wait_for("views.open")
        env.slack.submit_view("UANNE", {"date1": "2027-03-04", "time1": "10:00"})
        invite = wait_dm(env.api, "ULARS", "Invitation til samtale")
        assert "gemmer kun det, der skal til for netværksarbejdet" in text_of(invite)
        action_id, value = button(invite, actions.BOOKING_ACCEPT)
        env.slack.click("ULARS", action_id, value)
        booked = wait_dm(env.api, "ULARS", "Samtalen er booket")
        assert "gemmer kun det" not in text_of(booked)
        settle(env.api)
    with env.db.session() as s:
        assert s.exec(__import__("sqlmodel").select(NetworkMember)).all()
