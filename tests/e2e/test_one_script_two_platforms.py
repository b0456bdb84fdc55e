"""One booking script, played on Slack and on Teams: the same core must give the same outcome.

The script says what people do in the bot's own words — the network leader books with these
times, the personnel leader presses the second time — and a driver per platform turns it into
what that platform sends: a signed `/netvaerk book` and a modal on Slack; a `book` message, the
card's button, a dialog and an `Action.Execute` invoke on Teams. Both run the real app over real
HTTP against the platform's emulator, and the outcome is read from the database and from what
each person was sent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import select

from emulator.microsoft.platform import card_inputs
from storage.models import Conversation, ConversationStatus
from tests.e2e.conftest import SlackEnv
from tests.e2e.helpers import buttons, settle, text_of, wait_dm
from tests.platforms.teams.conftest import TeamsEnv, card_text, teams_env  # noqa: F401 (fixture)
from tests.slack_ids import slack_id

MONDAY = "2027-03-01 08:00:00"  # 09:00 in Copenhagen
PROPOSAL = {
    "date1": "2027-03-04",
    "time1": "10:00",
    "date2": "2027-03-05",
    "time2": "13:30",
    "place_kind": "room",
    "place_text": "Mødelokale 2",
}
SECOND_TIME = "fredag d. 5. marts 2027 kl. 13:30"


class Driver(Protocol):
    def book(self, who: str, inputs: dict[str, str]) -> None: ...
    def told(self, who: str, containing: str) -> str: ...
    def press(self, who: str, message_containing: str, label: str) -> None: ...


class SlackDriver:
    def __init__(self, env: SlackEnv) -> None:
        self.env = env

    def _id(self, who: str) -> str:
        return slack_id(getattr(self.env.org, who))

    def book(self, who: str, inputs: dict[str, str]) -> None:
        assert self.env.slack.command(self._id(who), "book").status == 200
        self.env.api.wait_for("views.open")
        submitted = self.env.slack.submit_view(self._id(who), inputs)
        assert submitted.status == 200 and not submitted.problems

    def told(self, who: str, containing: str) -> str:
        return text_of(wait_dm(self.env.api, self._id(who), containing))

    def press(self, who: str, message_containing: str, label: str) -> None:
        message = wait_dm(self.env.api, self._id(who), message_containing)
        action_id, value = next((a, v) for a, v, shown in buttons(message) if shown == label)
        assert self.env.slack.click(self._id(who), action_id, value).status == 200


class TeamsDriver:
    def __init__(self, env: TeamsEnv) -> None:
        self.env = env

    def book(self, who: str, inputs: dict[str, str]) -> None:
        platform, user = self.env.platform, self.env.user(who)
        platform.message(user, "book")
        self.env.wait_message(who, "Tryk på knappen")
        assert platform.click(user, "Book samtalen").status == 200
        dialog: Any = platform.last_dialog
        pair = next(node for node in card_inputs(dialog) if node["id"] == "pair")
        assert platform.submit_dialog(user, {"pair": pair["value"], **inputs}).status == 200
        assert platform.last_dialog is None, "the dialog closes"

    def told(self, who: str, containing: str) -> str:
        return card_text(self.env.wait_message(who, containing))

    def press(self, who: str, message_containing: str, label: str) -> None:
        message = self.env.wait_message(who, message_containing)
        assert self.env.platform.click(self.env.user(who), label, message).status == 200


def _script(driver: Driver) -> None:
    """The network leader books; the personnel leader takes the second time; both are told."""
    driver.book("anne", PROPOSAL)
    assert "Anne Jensen leder eller deltager i netværket" in driver.told(
        "lars", "Invitation til samtale"
    )
    driver.told("anne", "Dit forslag er sendt til Lars Nielsen")
    driver.press("lars", "Invitation til samtale", SECOND_TIME)
    for who in ("anne", "lars"):
        assert SECOND_TIME in driver.told(who, "Samtalen er booket")


@pytest.mark.parametrize("platform", ["slack", "teams"])
def test_the_same_booking_script_on_slack_and_on_teams(
    platform: str, request: pytest.FixtureRequest
) -> None:
    with freeze_time(MONDAY, tick=True):
        if platform == "slack":
            slack_env: SlackEnv = request.getfixturevalue("env")
            db, driver = slack_env.db, SlackDriver(slack_env)
        else:
            teams: TeamsEnv = request.getfixturevalue("teams_env")
            teams.install("anne")
            teams.install("lars")
            db, driver = teams.db, TeamsDriver(teams)
        _script(driver)
        if platform == "slack":
            settle(slack_env.api)
    with db.session() as session:
        (conversation,) = session.exec(select(Conversation)).all()
        assert conversation.status == ConversationStatus.BOOKED
        assert conversation.starts_at is not None
        starts = conversation.starts_at
        booked = starts if starts.tzinfo else starts.replace(tzinfo=ZoneInfo("UTC"))
        copenhagen = datetime(2027, 3, 5, 13, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))
        assert booked == copenhagen
