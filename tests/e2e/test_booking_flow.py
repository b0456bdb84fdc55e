"""The whole booking, from both sides, in Danish and English, over signed HTTP."""

from __future__ import annotations

from freezegun import freeze_time
from icalendar import Calendar

from bot.core import actions
from storage.models import Agreement, Conversation, ConversationStatus
from tests.e2e.conftest import SlackEnv
from tests.e2e.helpers import button, buttons, settle, text_of, wait_dm

MONDAY = "2027-03-01 08:00:00"  # 09:00 in Copenhagen


def _ics_files(env: SlackEnv, user_id: str) -> list[Calendar]:
    channel = env.api.dm_channel_id(user_id)
    return [Calendar.from_ical(f.content or b"") for f in env.api.files if f.channel_id == channel]


def test_network_leader_books_and_personnel_leader_accepts(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        ack = slack.command("UANNE", "book")
        assert ack.status == 200 and ack.acked_in_time
        api.wait_for("views.open")
        view = api.current_view("UANNE")
        assert view is not None and view["title"]["text"] == "Book samtalen"
        pair = next(b for b in view["blocks"] if b.get("block_id") == "pair")
        assert pair["element"]["initial_option"]["text"]["text"] == "Lars Nielsen · Klimatilpasning"

        submitted = slack.submit_view(
            "UANNE",
            {
                "date1": "2027-03-04",
                "time1": "10:00",
                "date2": "2027-03-05",
                "time2": "13:30",
                "place_kind": "room",
                "place_text": "Mødelokale 2",
                "note": "Glæder mig 🌱 – æøå",
            },
        )
        assert submitted.status == 200 and not submitted.problems
        invite = wait_dm(api, "ULARS", "Invitation til samtale")
        text = text_of(invite)
        assert "Anne Jensen leder eller deltager i netværket *Klimatilpasning*" in text
        assert "balance mellem arbejdet i netværk og i basisorganisationen" in text
        assert "Glæder mig 🌱 – æøå" in text and "Mødelokale: Mødelokale 2" in text
        labels = [label for _, _, label in buttons(invite)]
        assert labels == [
            "torsdag d. 4. marts 2027 kl. 10:00",
            "fredag d. 5. marts 2027 kl. 13:30",
            "Foreslå et andet tidspunkt",
            "Afvis",
        ]
        wait_dm(api, "UANNE", "Dit forslag er sendt til Lars Nielsen")

        action_id, value = button(invite, actions.BOOKING_ACCEPT, 1)
        clicked = slack.click("ULARS", action_id, value)
        assert clicked.status == 200
        for user in ("UANNE", "ULARS"):
            confirmation = wait_dm(api, user, "Samtalen er booket")
            assert "fredag d. 5. marts 2027 kl. 13:30" in text_of(confirmation)
        assert "Kan du genkende dig selv" in text_of(wait_dm(api, "ULARS", "Samtalen er booket"))
        assert "egne behov og ønsker" in text_of(wait_dm(api, "UANNE", "Samtalen er booket"))
        settle(api)
        # The proposal was replaced, so its buttons cannot be pressed again.
        _, updated = api.find_message(invite["ts"]) or (None, {})
        assert buttons(updated) == []
        assert "Du har takket ja til samtalen fredag d. 5. marts" in text_of(updated)
        for user in ("UANNE", "ULARS"):
            (ics,) = _ics_files(env, user)
            event = ics.walk("VEVENT")[0]
            assert event.decoded("dtstart").strftime("%Y-%m-%d %H:%M") == "2027-03-05 13:30"
            assert event["sequence"] == 1
        assert api.warnings == []

    with env.db.session() as s:
        (conversation,) = s.exec(__import__("sqlmodel").select(Conversation)).all()
        assert conversation.status == ConversationStatus.BOOKED


def test_personnel_leader_books_in_english_counter_proposal_then_cancel(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("ULARS", "book <@USOREN|soren>")
        api.wait_for("views.open")
        view = api.current_view("ULARS")
        assert view is not None
        options = next(b for b in view["blocks"] if b.get("block_id") == "pair")["element"]
        assert options["initial_option"]["text"]["text"] == "Søren Kjær · Klimatilpasning"
        slack.submit_view("ULARS", {"date1": "2027-03-08", "time1": "09:00", "place_kind": "teams"})
        # Søren has no language in the import; his Slack locale (en-GB) decides.
        invite = wait_dm(api, "USOREN", "Invitation to a conversation about network work")
        assert "Lars Nielsen, your personnel leader" in text_of(invite)
        assert "Monday 8 March 2027 at 09:00" in text_of(invite)

        action_id, value = button(invite, actions.BOOKING_COUNTER)
        slack.click("USOREN", action_id, value)
        api.wait_for(
            "views.open",
            lambda c: c.params.get("view", {}).get("callback_id") == actions.COUNTER_FORM,
        )
        counter_view = api.current_view("USOREN")
        assert counter_view is not None and counter_view["title"]["text"] == "Propose other times"
        slack.submit_view("USOREN", {"date1": "2027-03-10", "time1": "14:00"})
        again = wait_dm(api, "ULARS", "Invitation til samtale")
        assert "Søren Kjær leder eller deltager" in text_of(again)
        settle(api)
        _, replaced = api.find_message(invite["ts"]) or (None, {})
        assert "You proposed new times to Lars Nielsen" in text_of(replaced)

        action_id, value = button(again, actions.BOOKING_ACCEPT)
        slack.click("ULARS", action_id, value)
        booked = wait_dm(api, "USOREN", "The conversation is booked")
        assert "Wednesday 10 March 2027 at 14:00" in text_of(booked)

        action_id, value = button(booked, actions.BOOKING_CANCEL)
        slack.click("USOREN", action_id, value)
        wait_dm(api, "USOREN", "You cancelled the conversation")
        cancelled = wait_dm(api, "ULARS", "har aflyst samtalen")
        assert "Søren Kjær har aflyst samtalen onsdag d. 10. marts 2027 kl. 14:00" in text_of(
            cancelled
        )
        settle(api)
        calendars = _ics_files(env, "ULARS")
        assert [c["method"] for c in calendars] == ["REQUEST", "CANCEL"]
        uids = {str(c.walk("VEVENT")[0]["uid"]) for c in calendars}
        assert len(uids) == 1
        assert [c.walk("VEVENT")[0]["sequence"] for c in calendars] == [1, 2]
        assert api.warnings == []


def test_decline_tells_the_proposer(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "book")
        api.wait_for("views.open")
        slack.submit_view("UANNE", {"date1": "2027-03-04", "time1": "10:00", "place_kind": "phone"})
        invite = wait_dm(api, "ULARS", "Invitation til samtale")
        sent: list[dict] = []
        send = slack.send_payload
        slack.send_payload = lambda payload: (sent.append(dict(payload)), send(payload))[1]  # type: ignore[method-assign]
        slack.click("ULARS", *button(invite, actions.BOOKING_DECLINE))
        declined = wait_dm(api, "UANNE", "har afvist invitationen")
        assert "Lars Nielsen har afvist invitationen" in text_of(declined)
        # The same click delivered again (a double click, a retry) changes nothing.
        assert send(sent[-1]).status == 200
        settle(api)
        assert len([m for m in api.messages_in("UANNE") if "afvist" in text_of(m)]) == 1


def test_reschedule_and_record_the_agreement(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "book")
        api.wait_for("views.open")
        slack.submit_view("UANNE", {"date1": "2027-03-04", "time1": "10:00", "place_kind": "teams"})
        invite = wait_dm(api, "ULARS", "Invitation til samtale")
        slack.click("ULARS", *button(invite, actions.BOOKING_ACCEPT))
        booked = wait_dm(api, "UANNE", "Samtalen er booket")

        slack.click("UANNE", *button(booked, actions.BOOKING_RESCHEDULE))
        api.wait_for(
            "views.open",
            lambda c: c.params.get("view", {}).get("callback_id") == actions.RESCHEDULE_FORM,
        )
        bad = slack.submit_view("UANNE", {"date1": "2027-03-06", "time1": "10:00"})  # Saturday
        assert bad.json == {
            "response_action": "errors",
            "errors": {"date1": "Det er en weekenddag. Vælg en hverdag."},
        }
        slack.submit_view("UANNE", {"date1": "2027-03-09", "time1": "11:00"})
        moved = wait_dm(api, "ULARS", "Samtalen er flyttet")
        assert "tirsdag d. 9. marts 2027 kl. 11:00" in text_of(moved)
        settle(api)
        assert [c.walk("VEVENT")[0]["sequence"] for c in _ics_files(env, "ULARS")] == [1, 2]

        slack.click("ULARS", *button(moved, actions.AGREEMENT_OPEN))
        api.wait_for(
            "views.open",
            lambda c: c.params.get("view", {}).get("callback_id") == actions.AGREEMENT_FORM,
        )
        form = api.current_view("ULARS")
        assert form is not None and form["title"]["text"] == "Registrér aftalen"
        result = slack.submit_view(
            "ULARS",
            {
                "hours": "4",
                "hours_period": "week",
                "reprioritised": "Sagsbehandling går til Søren",
                "secretariat_time": "Tirsdag formiddag",
                "review_date": "2027-09-01",
            },
        )
        assert result.status == 200 and not result.problems
        for user in ("UANNE", "ULARS"):
            summary = wait_dm(api, user, "Jeres aftale om netværksarbejdet")
            assert "4 timer pr. uge" in text_of(summary)
            assert "Sagsbehandling går til Søren" in text_of(summary)
            assert "onsdag d. 1. september 2027" in text_of(summary)
    with env.db.session() as s:
        agreement = s.exec(__import__("sqlmodel").select(Agreement)).one()
        assert agreement.hours == 4 and agreement.review_date.isoformat() == "2027-09-01"
        conversation = s.get(Conversation, agreement.conversation_id)
        assert conversation is not None and conversation.status == ConversationStatus.HELD
