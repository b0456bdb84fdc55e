"""The checklist round in Slack, end to end: the real app over signed HTTP against the emulator.

A full round in Danish and in English, leaving and resuming, changing an answer, a double
click, and the summary whose every next-step button is pressed and does what it says.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun import freeze_time
from sqlmodel import select

from bot.checklist import domain as checklist
from bot.core import actions
from bot.core.clock import now
from storage.checklist_models import (
    ChecklistAnswer,
    ChecklistRound,
    PulsNote,
    Recommendation,
    TalentNomination,
)
from storage.models import NetworkMember, Person
from tests.e2e.conftest import SlackEnv
from tests.e2e.helpers import buttons, dms, settle, text_of, wait_dm

MONDAY = "2027-03-01 08:00:00"  # 09:00 in Copenhagen
# The answers given in the full round, point 1..10.
ROUND = (
    "not_yet",
    "yes",
    "partly",
    "partly",
    "not_yet",
    "partly",
    "not_yet",
    "partly",
    "not_yet",
    "partly",
)


def _answer(env: SlackEnv, user: str, point: int, value: str, heading: str) -> dict[str, Any]:
    """Press `value` on point `point` and wait for what comes next."""
    message = wait_dm(env.api, user, heading.format(n=point))
    action_id, button_value = next(
        (a, v)
        for a, v, _ in buttons(message)
        if a.startswith(actions.CHECKLIST_ANSWER) and v.endswith(f":{point}:{value}")
    )
    assert env.slack.click(user, action_id, button_value, message=message["ts"]).status == 200
    return message


def _click(env: SlackEnv, user: str, message: dict[str, Any], action: str, index: int = 0) -> None:
    found = [(a, v) for a, v, _ in buttons(message) if a.split("#")[0] == action]
    assert len(found) > index, f"no {action} in {buttons(message)}"
    action_id, value = found[index]
    clicked = env.slack.click(user, action_id, value or None, message=message["ts"])
    assert clicked.status == 200


def _modal(env: SlackEnv, user: str, callback: str) -> dict[str, Any]:
    env.api.wait_for(
        "views.open", lambda c: c.params.get("view", {}).get("callback_id") == callback
    )
    view = env.api.current_view(user)
    assert view is not None and view["callback_id"] == callback
    return view


def _previous_round(env: SlackEnv, answers: dict[int, str], days_ago: int = 190) -> None:
    """A round Lars completed half a year ago (through the service, as the bot would)."""
    with freeze_time(now() - timedelta(days=days_ago)), env.db.session() as s:
        lars = s.get(Person, env.org.lars.id)
        assert lars is not None
        round_, _ = checklist.start_round(s, lars, "command", now())
        for point in checklist.POINTS:
            checklist.answer(s, lars, round_.id or 0, point, answers.get(point, "yes"), now())


def test_a_full_round_in_danish_with_the_change_since_last_time(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        _previous_round(env, {1: "not_yet", 2: "partly", 3: "yes"})
        ack = slack.command("ULARS", "tjekliste")
        assert ack.status == 200 and ack.acked_in_time
        assert "Tjeklisten ligger i din direkte besked" in ack.json["text"]
        first = wait_dm(api, "ULARS", "Punkt 1 / 10")
        text = text_of(first)
        assert "Kan du genkende dig selv og dit blik for det tværgående" in text
        assert (
            "1) spotter ledertalenter i afdelingen og medarbejdere med tværgående kompetencer."
            in text
        )
        assert "Kun du kan se dine svar" in text
        labels = [label for _, _, label in buttons(first)]
        assert labels[:4] == ["Ja, det gør jeg", "Delvist", "Ikke endnu", "Spring over"]
        assert "Hvad vil du gøre?" in labels and "Hold pause" in labels
        for point, value in enumerate(ROUND, start=1):
            _answer(env, "ULARS", point, value, "Punkt {n} / 10")
        summary = wait_dm(api, "ULARS", "Din tjekliste")
        text = text_of(summary)
        assert "*1) Ledertalenter* – Ikke endnu" in text
        assert "*2) Tid til netværksarbejdet* – Ja _(Sidst: Delvist → nu: Ja)_" in text
        assert "*3) Opfordre til netværk* – Delvist _(Sidst: Ja → nu: Delvist)_" in text
        assert "Siden sidste runde" in text and "1 punkter frem, 8 tilbage, 1 som sidst" in text
        assert "Næste skridt" in text
        found = {a.split("#")[0] for a, _, _ in buttons(summary)}
        assert {
            actions.CHECKLIST_TALENT,
            actions.BOOKING_OPEN,
            actions.CHECKLIST_RECOMMEND,
            actions.CHECKLIST_INTEREST,
            actions.CHECKLIST_PRESENT,
            actions.CHECKLIST_RECOGNISE,
            actions.CHECKLIST_PULS,
            actions.CHECKLIST_GOTO,
            actions.THEME_OPEN,
        } <= found
        # One message carried the whole round: the summary replaced the last point.
        assert summary["ts"] == first["ts"]
        settle(api)
        assert api.warnings == []
    with env.db.session() as s:
        rounds = s.exec(select(ChecklistRound).order_by(ChecklistRound.id)).all()  # type: ignore[arg-type]
        assert len(rounds) == 2 and all(r.completed_at is not None for r in rounds)
        answers = s.exec(
            select(ChecklistAnswer).where(ChecklistAnswer.round_id == rounds[1].id)
        ).all()
        assert sorted((a.point, a.answer) for a in answers) == list(enumerate(ROUND, start=1))


def test_a_full_round_in_english(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with env.db.session() as s:
        lars = s.get(Person, env.org.lars.id)
        assert lars is not None
        lars.language = "en"
        s.add(lars)
        s.commit()
    with freeze_time(MONDAY, tick=True):
        slack.command("ULARS", "checklist")
        first = wait_dm(api, "ULARS", "Point 1 / 10")
        assert "1) spots leadership talents in the department" in text_of(first)
        assert [label for _, _, label in buttons(first)][:4] == [
            "Yes, I do",
            "Partly",
            "Not yet",
            "Skip",
        ]
        for point in checklist.POINTS:
            _answer(env, "ULARS", point, "skip" if point == 10 else "yes", "Point {n} / 10")
        summary = wait_dm(api, "ULARS", "Your checklist")
        text = text_of(summary)
        assert "*1) Leadership talents* – Yes" in text and "*10) PULS talks* – Skipped" in text
        assert "This is your first round" in text
        assert "You recognise yourself in every point you answered" in text
        settle(api)
        assert api.warnings == []


def test_leave_resume_edit_and_a_double_click(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("ULARS", "tjekliste")
        for point, value in ((1, "yes"), (2, "partly"), (3, "not_yet")):
            _answer(env, "ULARS", point, value, "Punkt {n} / 10")
        fourth = wait_dm(api, "ULARS", "Punkt 4 / 10")
        _click(env, "ULARS", fourth, actions.CHECKLIST_PAUSE)
        paused = wait_dm(api, "ULARS", "Tjeklisten er gemt ved punkt 4 / 10")
        # Coming back later with the command resumes where it stopped, in a new message.
        slack.command("ULARS", "tjekliste")
        resumed = wait_dm(api, "ULARS", "Punkt 4 / 10")
        assert resumed["ts"] != paused["ts"]
        # Back to point 2 to change the answer; it shows the answer given.
        _click(env, "ULARS", resumed, actions.CHECKLIST_GOTO)  # "← Forrige": point 3
        third = wait_dm(api, "ULARS", "Punkt 3 / 10")
        assert "Dit svar: *Ikke endnu*" in text_of(third)
        _click(env, "ULARS", third, actions.CHECKLIST_GOTO)  # "← Forrige": point 2
        second = wait_dm(api, "ULARS", "Punkt 2 / 10")
        assert "Dit svar: *Delvist*" in text_of(second)
        _answer(env, "ULARS", 2, "yes", "Punkt {n} / 10")
        # Changing an earlier answer goes on where the round stopped.
        again = wait_dm(api, "ULARS", "Punkt 4 / 10")
        # A note on point 4 through the modal.
        _click(env, "ULARS", again, actions.CHECKLIST_NOTE)
        _modal(env, "ULARS", actions.CHECKLIST_NOTE_FORM)
        assert slack.submit_view("ULARS", {"note": "Tale med Anne om timerne 🌱"}).status == 200
        noted = wait_dm(api, "ULARS", "Din note: _Tale med Anne om timerne 🌱_")
        assert "Punkt 4 / 10" in text_of(noted)
        # A double click (or a Slack retry) of the same answer records one answer.
        message = wait_dm(api, "ULARS", "Punkt 4 / 10")
        action_id, value = next((a, v) for a, v, _ in buttons(message) if v.endswith(":4:partly"))
        sent: list[dict[str, Any]] = []
        send = slack.send_payload
        slack.send_payload = lambda payload: (sent.append(dict(payload)), send(payload))[1]  # type: ignore[method-assign]
        slack.click("ULARS", action_id, value, message=message["ts"])
        assert send(sent[-1]).status == 200
        slack.send_payload = send  # type: ignore[method-assign]
        wait_dm(api, "ULARS", "Punkt 5 / 10")
        settle(api)
        assert api.warnings == []
    with env.db.session() as s:
        rows = s.exec(select(ChecklistAnswer).order_by(ChecklistAnswer.point)).all()  # type: ignore[arg-type]
        assert [(r.point, r.answer) for r in rows] == [
            (1, "yes"),
            (2, "yes"),
            (3, "not_yet"),
            (4, "partly"),
        ]
        assert rows[3].note == "Tale med Anne om timerne 🌱"
        assert len(s.exec(select(ChecklistRound)).all()) == 1


def test_every_next_step_button_works(env: SlackEnv) -> None:
    api, slack, org = env.api, env.slack, env.org
    with freeze_time(MONDAY, tick=True):
        slack.command("ULARS", "tjekliste")
        for point in checklist.POINTS:
            _answer(env, "ULARS", point, "not_yet" if point % 2 else "partly", "Punkt {n} / 10")
        summary = wait_dm(api, "ULARS", "Din tjekliste")
        settle(api)

        # 1: nominate a talent (not told to the employee)
        _click(env, "ULARS", summary, actions.CHECKLIST_TALENT)
        _modal(env, "ULARS", actions.TALENT_FORM)
        slack.submit_view("ULARS", {"employee": str(org.soren.id), "note": "Samler folk på tværs"})
        wait_dm(api, "ULARS", "din nominering af Søren Kjær er sendt")
        assert not [
            m for m in dms(api, "USOREN") if "nomineret" in text_of(m) or "nominated" in text_of(m)
        ]

        # 2 and 4: the agreement — no conversation yet, so booking it comes first
        _click(env, "ULARS", summary, actions.BOOKING_OPEN)
        _modal(env, "ULARS", actions.BOOKING_FORM)
        api.close_view("ULARS")

        # 3: recommend a network; the employee says yes, the network leader adds her
        _click(env, "ULARS", summary, actions.CHECKLIST_RECOMMEND)
        _modal(env, "ULARS", actions.RECOMMEND_FORM)
        slack.submit_view(
            "ULARS", {"employee": str(org.fatima.id), "network": str(org.other_network.id)}
        )
        wait_dm(api, "ULARS", "Fatima Ali har fået din anbefaling af netværket Digital inklusion")
        invite = wait_dm(api, "UFATIMA", "Would you like to join?")
        assert (
            "Lars Nielsen, your personnel leader, recommends the network *Digital inklusion*"
            in text_of(invite)
        )
        _click(env, "UFATIMA", invite, actions.RECOMMEND_YES)
        ask = wait_dm(api, "UOLE", "Fatima Ali vil gerne være med")
        wait_dm(api, "UFATIMA", "I have asked Ole Uden")
        _click(env, "UOLE", ask, actions.RECOMMEND_ADD)
        wait_dm(api, "UFATIMA", "You are now a participant in the network Digital inklusion")

        # 5: the networks' latest, now
        _click(env, "ULARS", summary, actions.CHECKLIST_INTEREST)
        interest = wait_dm(api, "ULARS", "Hvad sker der i netværkene?")
        assert "*Anne Jensen* leder netværket *Klimatilpasning*" in text_of(interest)

        # 6 and 8: invite to present at the department meeting
        _click(env, "ULARS", summary, actions.CHECKLIST_PRESENT)
        _modal(env, "ULARS", actions.PRESENT_FORM)
        slack.submit_view("ULARS", {"employee": str(org.anne.id)})
        present = wait_dm(api, "UANNE", "Vil du præsentere netværksarbejdet?")
        _click(env, "UANNE", present, actions.PRESENT_YES)
        wait_dm(api, "ULARS", "Anne Jensen vil gerne præsentere netværksarbejdet")

        # 7: recognition
        _click(env, "ULARS", summary, actions.CHECKLIST_RECOGNISE)
        _modal(env, "ULARS", actions.RECOGNISE_FORM)
        slack.submit_view(
            "ULARS", {"employee": str(org.soren.id), "message": "Tak for skybrudsplanen!"}
        )
        thanks = wait_dm(api, "USOREN", "Lars Nielsen recognises your work")
        assert "Tak for skybrudsplanen!" in text_of(thanks)

        # 9 and 10: a note for the next PULS talk
        _click(env, "ULARS", summary, actions.CHECKLIST_PULS)
        view = _modal(env, "ULARS", actions.PULS_NOTE_FORM)
        assert "Kompetenceudvikling" in str(view["blocks"])
        slack.submit_view("ULARS", {"employee": str(org.anne.id)})
        wait_dm(
            api,
            "ULARS",
            "noten kommer med i påmindelsen før den næste PULS-samtale med Anne Jensen",
        )

        # Theme proposals and "Ret et svar"
        _click(env, "ULARS", summary, actions.THEME_OPEN)
        _modal(env, "ULARS", actions.THEME_FORM)
        api.close_view("ULARS")
        _click(env, "ULARS", summary, actions.CHECKLIST_GOTO)
        edit = wait_dm(api, "ULARS", "Punkt 1 / 10")
        assert "Dit svar: *Ikke endnu*" in text_of(edit)
        settle(api)
        assert api.warnings == []

    with env.db.session() as s:
        (nomination,) = s.exec(select(TalentNomination)).all()
        assert nomination.employee_id == org.soren.id and not nomination.employee_told
        statuses = sorted((r.kind, r.status) for r in s.exec(select(Recommendation)).all())
        assert statuses == [("network", "added"), ("present", "accepted")]
        assert s.exec(
            select(NetworkMember).where(
                NetworkMember.person_id == org.fatima.id,
                NetworkMember.network_id == org.other_network.id,
            )
        ).first()
        (note,) = s.exec(select(PulsNote)).all()
        assert note.employee_id == org.anne.id and note.manager_id == org.lars.id


def test_talent_and_networks_commands(env: SlackEnv) -> None:
    slack = env.slack
    with freeze_time(MONDAY, tick=True):
        ack = slack.command("ULARS", "talent <@UANNE|anne> God til at samle folk")
        assert "din nominering af Anne Jensen er sendt" in ack.json["text"]
        refused = slack.command("UANNE", "talent <@UIDA|ida>")
        assert "Du kan nominere medarbejdere, du er personaleleder for" in refused.json["text"]
        listed = slack.command("USOREN", "netværk")
        assert "*Klimatilpasning* – Hvordan gør vi byen klar til skybrud?" in listed.json["text"]
        assert "network leader: Anne Jensen" in listed.json["text"]
        not_manager = slack.command("UANNE", "tjekliste")
        assert "Tjeklisten er til personaleledere" in not_manager.json["text"]
        settle(env.api)
    with env.db.session() as s:
        (nomination,) = s.exec(select(TalentNomination)).all()
        assert nomination.note == "God til at samle folk"
