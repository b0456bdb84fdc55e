"""Every kind of bad input gets a clear, polite answer in the person's language; nothing breaks."""

from __future__ import annotations

import logging

import pytest
from freezegun import freeze_time

from bot.booking.flows import BookingFlow
from bot.core import actions
from bot.reminders import flows as reminders_flows
from emulator.clock import real_time
from tests.e2e.conftest import SIGNING_SECRET, TOKEN, SlackEnv
from tests.e2e.helpers import button, settle, text_of, wait_dm

MONDAY = "2027-03-01 08:00:00"


def _ephemeral_text(env: SlackEnv, user_id: str) -> str:
    env.api.wait_for_response(lambda r: True, timeout=5)
    return "\n".join(text_of(r.payload) for r in env.api.responses)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Det kan du skrive"),
        ("hjælp", "Det kan du skrive"),
        ("HJÆLP", "Det kan du skrive"),
        ("hjaelp", "Det kan du skrive"),
        ("help", "Det kan du skrive"),
        ("flyv", "Jeg kender ikke kommandoen “flyv”."),
        ("🦆 æøå", "Jeg kender ikke kommandoen “🦆”."),
        ("x" * 4000, "Jeg kender ikke kommandoen “" + "x" * 40 + "…”."),
    ],
)
def test_help_and_unknown_sub_commands(env: SlackEnv, text: str, expected: str) -> None:
    response = env.slack.command("ULARS", text)
    assert response.status == 200 and response.acked_in_time
    body = response.json
    assert body["response_type"] == "ephemeral"
    assert expected in body["text"]
    assert "/netvaerk book" in body["text"]


def test_help_follows_the_slack_locale_when_the_import_has_no_language(env: SlackEnv) -> None:
    body = env.slack.command("USOREN", "").json  # en-GB in Slack, no language imported
    assert "You can type" in body["text"] and "/netvaerk help" in body["text"]


def test_someone_not_in_the_data_is_told_to_contact_the_secretariat(env: SlackEnv) -> None:
    env.slack.command("USTRANGER", "book")
    post = env.api.wait_for_response()
    assert "Sekretariat for Netværksstrukturen" in text_of(post.payload)
    assert env.api.calls_to("views.open") == []


def test_book_with_an_unknown_or_unrelated_person(env: SlackEnv) -> None:
    env.slack.command("ULARS", "book @nogen")
    post = env.api.wait_for_response()
    assert "Jeg kan ikke finde “@nogen”" in text_of(post.payload)
    env.slack.command("ULARS", "book <@UMETTE|mette>")
    post = env.api.wait_for_response(lambda r: "Mette Holm" in text_of(r.payload))
    assert (
        "Du kan kun booke samtalen med din personaleleder eller med dine egne medarbejdere"
        in text_of(post.payload)
    )


def test_a_leader_without_a_manager_and_someone_with_nothing_to_book(env: SlackEnv) -> None:
    env.slack.command("UOLE", "book")
    assert "Jeg kender ikke din personaleleder" in text_of(env.api.wait_for_response().payload)
    env.slack.command("UFATIMA", "book")  # English, not in a network, no employees
    post = env.api.wait_for_response(lambda r: "network" in text_of(r.payload))
    assert "You don't lead or take part in a network" in text_of(post.payload)


def test_a_third_person_cannot_act_on_a_booking(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "book")
        api.wait_for("views.open")
        slack.submit_view("UANNE", {"date1": "2027-03-04", "time1": "10:00", "place_kind": "teams"})
        invite = wait_dm(api, "ULARS", "Invitation til samtale")
        action_id, value = button(invite, actions.BOOKING_ACCEPT)
        # Fatima presses the same button (e.g. from a forwarded payload).
        slack.click("UFATIMA", action_id, value, message=invite)
        refusal = api.wait_for_response(lambda r: "Only the network leader" in text_of(r.payload))
        assert refusal.payload.get("response_type") == "ephemeral"
        # Anne cannot accept her own proposal either.
        slack.click("UANNE", action_id, value, message=invite)
        api.wait_for_response(lambda r: "Det er dit eget forslag" in text_of(r.payload))
        settle(api)
        assert not [m for m in api.messages_in("UFATIMA")]
        assert "Samtalen er booket" not in "".join(text_of(m) for m in api.messages_in("ULARS"))


def test_form_errors_are_shown_next_to_the_fields(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        slack.command("UANNE", "book")
        api.wait_for("views.open")
        response = slack.submit_view(
            "UANNE",
            {
                "date1": "2027-02-26",
                "time1": "10:00",
                "date2": "2027-03-29",
                "time2": "10:00",
                "date3": "2027-03-04",
                "time3": "07:30",
                "place_kind": "room",
            },
        )
        assert response.json == {
            "response_action": "errors",
            "errors": {
                "date1": "Tidspunktet er allerede passeret. Vælg et tidspunkt frem i tiden.",
                "date2": "Det er en helligdag eller en lukkedag. Vælg en anden dag.",  # 2. påskedag
                "time3": "Samtalen skal ligge mellem 08:00 og 16:00.",
                "place_text": "Skriv lokalet eller stedet, så den anden ved, hvor I mødes.",
            },
        }
        settle(api)
        assert api.messages_in("ULARS") == []


def test_bad_and_stale_signatures_get_401(env: SlackEnv) -> None:
    with env.slack.signing(secret="not-the-secret"):
        assert env.slack.command("ULARS", "hjælp").status == 401
    with env.slack.signing(timestamp=int(real_time()) - 10 * 60):
        assert env.slack.command("ULARS", "hjælp").status == 401
    assert env.slack.command("ULARS", "hjælp").status == 200


def test_slack_errors_are_retried_and_failures_answered(env: SlackEnv) -> None:
    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True):
        api.fail_next("views.open", status=500)
        slack.command("UANNE", "book")
        api.wait_for("views.open", lambda c: c.ok)
        api.fail_next("chat.postMessage", status=429, retry_after=1)
        api.fail_next("conversations.open", status=500, count=2)
        slack.submit_view("UANNE", {"date1": "2027-03-04", "time1": "10:00", "place_kind": "teams"})
        wait_dm(api, "ULARS", "Invitation til samtale", timeout=10)
        wait_dm(api, "UANNE", "Dit forslag er sendt", timeout=10)
        settle(api)
        invites = [m for m in api.messages_in("ULARS") if "Invitation til samtale" in text_of(m)]
        assert len(invites) == 1


def test_an_unexpected_failure_gets_a_polite_answer_and_a_clean_log(
    env: SlackEnv, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    api, slack = env.api, env.slack
    with freeze_time(MONDAY, tick=True), caplog.at_level(logging.DEBUG):
        # A failure while answering a command: the apology is the answer.
        monkeypatch.setattr(reminders_flows, "theme_form", broken)
        answer = slack.command("UFATIMA", "tema")
        assert answer.status == 200 and answer.json["response_type"] == "ephemeral"
        assert answer.json["text"].startswith("Sorry, something went wrong")
        monkeypatch.undo()

        # `book` answers at once and opens its form after: a failure there comes as a DM.
        monkeypatch.setattr(BookingFlow, "booking_form", broken)
        assert slack.command("UFATIMA", "book").status == 200
        assert "Sorry, something went wrong" in text_of(wait_dm(api, "UFATIMA", "Sorry"))
        monkeypatch.undo()

        # A failure in work done after the answer (a button): the apology comes as a DM.
        slack.command("UANNE", "book")
        api.wait_for("views.open")
        slack.submit_view("UANNE", {"date1": "2027-03-04", "time1": "10:00", "place_kind": "teams"})
        invite = wait_dm(api, "ULARS", "Invitation til samtale")
        monkeypatch.setattr(BookingFlow, "accept", broken)
        assert slack.click("ULARS", *button(invite, actions.BOOKING_ACCEPT)).status == 200
        apology = wait_dm(api, "ULARS", "Beklager, noget gik galt")
        assert "Sekretariat for Netværksstrukturen" in text_of(apology)
    assert caplog.text.count("RuntimeError") >= 3
    assert TOKEN not in caplog.text and SIGNING_SECRET not in caplog.text
    assert "database on fire" not in caplog.text.split("Traceback")[0]
