"""Booking in Teams, from both sides, over real HTTP: `book` → a card whose button opens the
dialog → the proposal to the other party → accept (or counter-propose) → both told; a third
person refused; a dialog's problem shown next to its field with what was typed."""

from __future__ import annotations

import json
from typing import Any

from freezegun import freeze_time
from sqlmodel import select

from storage.models import Conversation, ConversationStatus
from tests.platforms.teams.conftest import PUBLIC_URL, TeamsEnv, card_text

MONDAY = "2027-03-01 08:00:00"  # 09:00 in Copenhagen


def _input(card: dict[str, Any], input_id: str) -> dict[str, Any]:
    stack: list[Any] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("id") == input_id and str(node.get("type", "")).startswith("Input."):
                return node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    raise AssertionError(f"no input {input_id!r}")


def _conversation(env: TeamsEnv) -> Conversation:
    with env.db.session() as session:
        (conversation,) = session.exec(select(Conversation)).all()
        return conversation


def _propose(
    env: TeamsEnv, proposer: str, inputs: dict[str, str], pair_with: str | None = None
) -> dict[str, Any]:
    """`proposer` writes `book`, presses the card's button and sends the dialog (choosing the
    pairing with `pair_with` where they have several)."""
    platform = env.platform
    platform.message(env.user(proposer), "book")
    env.wait_message(proposer, "Tryk på knappen")
    opened = platform.click(env.user(proposer), "Book samtalen")
    assert opened.status == 200
    dialog = platform.last_dialog
    assert dialog is not None
    pair = _input(dialog, "pair")
    chosen = pair.get("value") or next(
        c["value"] for c in pair["choices"] if pair_with and pair_with in c["title"]
    )
    submitted = platform.submit_dialog(env.user(proposer), {"pair": chosen, **inputs})
    assert submitted.status == 200
    assert platform.last_dialog is None, "the dialog closes"
    return dialog


def test_the_network_leader_books_and_the_personnel_leader_accepts(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time(MONDAY, tick=True):
        env.install("anne")
        env.install("lars")
        dialog = _propose(
            env,
            "anne",
            {
                "date1": "2027-03-04",
                "time1": "10:00",
                "date2": "2027-03-05",
                "time2": "13:30",
                "place_kind": "room",
                "place_text": "Mødelokale 2",
            },
        )
        assert "Lars Nielsen · Klimatilpasning" in card_text(dialog)
        invite = env.wait_message("lars", "Invitation til samtale")
        text = card_text(invite)
        assert "Anne Jensen leder eller deltager i netværket" in text
        assert "Mødelokale: Mødelokale 2" in text
        env.wait_message("anne", "Dit forslag er sendt til Lars Nielsen")

        clicked = env.platform.click(env.user("lars"), "fredag d. 5. marts 2027 kl. 13:30")
        assert clicked.status == 200 and clicked.json()["statusCode"] == 200
        for name in ("anne", "lars"):
            booked = env.wait_message(name, "Samtalen er booket")
            assert "fredag d. 5. marts 2027 kl. 13:30" in card_text(booked)
            # Teams takes no file from a bot: the invitation comes as a signed download link.
            invitation = env.wait_message(name, "Hent ")
            assert f"{PUBLIC_URL}/download/" in json.dumps(invitation.cards)
            assert ".ics" in card_text(invitation)
        # The proposal was replaced in place: its buttons are gone.
        replaced = env.cloud.activity(invite.id)
        assert replaced is not None and replaced.updates == 1
        assert "Du har takket ja til samtalen fredag d. 5. marts" in card_text(replaced)
        assert "Afvis" not in card_text(replaced)
    assert _conversation(env).status == ConversationStatus.BOOKED


def test_the_personnel_leader_books_and_the_employee_counter_proposes(
    teams_env: TeamsEnv,
) -> None:
    env = teams_env
    with freeze_time(MONDAY, tick=True):
        env.install("lars")
        env.install("soren")
        _propose(
            env,
            "lars",
            {"date1": "2027-03-08", "time1": "09:00", "place_kind": "teams"},
            pair_with="Søren Kjær",
        )
        invite = env.wait_message("soren", "Invitation til samtale")
        assert "mandag d. 8. marts 2027 kl. 09:00" in card_text(invite)

        opened = env.platform.click(env.user("soren"), "Foreslå et andet tidspunkt")
        assert opened.status == 200 and env.platform.last_dialog is not None
        countered = env.platform.submit_dialog(
            env.user("soren"), {"date1": "2027-03-10", "time1": "14:00"}
        )
        assert countered.status == 200 and env.platform.last_dialog is None
        again = env.wait_message("lars", "Søren Kjær leder eller deltager")
        assert "onsdag d. 10. marts 2027 kl. 14:00" in card_text(again)
        replaced = env.cloud.activity(invite.id)
        assert replaced is not None and "Du har foreslået Lars Nielsen nye tidspunkter" in (
            card_text(replaced)
        )

        env.platform.click(env.user("lars"), "onsdag d. 10. marts 2027 kl. 14:00", again)
        env.wait_message("soren", "Samtalen er booket")
    assert _conversation(env).status == ConversationStatus.BOOKED


def test_a_third_person_cannot_answer_someone_elses_proposal(teams_env: TeamsEnv) -> None:
    env = teams_env
    with freeze_time(MONDAY, tick=True):
        for name in ("anne", "lars", "ida"):
            env.install(name)
        _propose(env, "anne", {"date1": "2027-03-04", "time1": "10:00", "place_kind": "phone"})
        invite = env.wait_message("lars", "Invitation til samtale")
        action = next(
            a
            for card in invite.cards
            for a in _actions(card)
            if a.get("title") == "torsdag d. 4. marts 2027 kl. 10:00"
        )
        value = {
            "action": {"type": "Action.Execute", "verb": action["verb"], "data": action["data"]}
        }
        answer = env.platform.invoke(env.user("ida"), "adaptiveCard/action", value, invite.id)
        assert answer.status == 200
        body = answer.json()
        assert body["type"] == "application/vnd.microsoft.activity.message"
        assert body["value"] == (
            "Den samtale er mellem to andre. Kun netværkslederen og personalelederen kan ændre den."
        )
    assert _conversation(env).status == ConversationStatus.PROPOSED
    replaced = env.cloud.activity(invite.id)
    assert replaced is not None and replaced.updates == 0


def test_a_problem_in_the_dialog_is_shown_next_to_the_field_with_what_was_typed(
    teams_env: TeamsEnv,
) -> None:
    env = teams_env
    with freeze_time(MONDAY, tick=True):
        env.install("anne")
        env.install("lars")
        env.platform.message(env.user("anne"), "book")
        env.wait_message("anne", "Tryk på knappen")
        env.platform.click(env.user("anne"), "Book samtalen")
        pair = _input(env.platform.last_dialog or {}, "pair")["value"]
        bad = env.platform.submit_dialog(
            env.user("anne"),
            {
                "pair": pair,
                "date1": "2027-03-06",
                "time1": "10:00",
                "place_kind": "room",
                "place_text": "Kantinen",
            },
        )  # a Saturday
        assert bad.status == 200
        assert bad.json()["task"]["type"] == "continue"
        shown = env.platform.last_dialog
        assert shown is not None
        date1 = _input(shown, "date1")
        assert date1["errorMessage"] == "Det er en weekenddag. Vælg en hverdag."
        assert date1["value"] == "2027-03-06"
        assert _input(shown, "place_text")["value"] == "Kantinen"
        # Corrected, it goes through.
        env.platform.submit_dialog(
            env.user("anne"),
            {
                "pair": pair,
                "date1": "2027-03-08",
                "time1": "10:00",
                "place_kind": "room",
                "place_text": "Kantinen",
            },
        )
        env.wait_message("lars", "Invitation til samtale")


def _actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack: list[Any] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action."):
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def test_someone_the_bot_cannot_reach_on_teams_yet_is_named_next_to_the_field(
    teams_env: TeamsEnv,
) -> None:
    env = teams_env
    with freeze_time(MONDAY, tick=True):
        env.install("anne")  # Lars has not used Teams yet: the bot cannot write to him
        env.platform.message(env.user("anne"), "book")
        env.wait_message("anne", "Tryk på knappen")
        env.platform.click(env.user("anne"), "Book samtalen")
        pair = _input(env.platform.last_dialog or {}, "pair")["value"]
        answer = env.platform.submit_dialog(
            env.user("anne"),
            {"pair": pair, "date1": "2027-03-04", "time1": "10:00", "place_kind": "phone"},
        )
        assert answer.json()["task"]["type"] == "continue"
        shown = _input(env.platform.last_dialog or {}, "pair")
        assert shown["errorMessage"].startswith("Lars Nielsen er ikke på Teams endnu")
    with env.db.session() as session:
        assert session.exec(select(Conversation)).all() == []
