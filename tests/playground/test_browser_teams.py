"""The playground's Teams view in a real browser (headless Chromium): the same running bot, its
Adaptive Cards drawn as Teams draws them, switchable with the Slack view.

The screenshot of a card in the Teams view is the one in the README (docs/playground-teams.png).
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import Page, expect

from tests.playground.conftest import ARTIFACTS, WAIT_MS, be, shot, write

pytestmark = pytest.mark.browser


def test_the_teams_view_shows_the_bots_cards_and_switches_back(page: Page) -> None:
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Klimaklar by", timeout=WAIT_MS)  # Slack's view first
    page.get_by_role("button", name="Vis i Teams").click()
    expect(page.locator("body")).to_have_class("teams", timeout=WAIT_MS)
    # Installing the app for the person: the bot learned who she is and greets her in a card.
    card = messages.locator(".adaptive-card").first
    expect(card).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("button", name="Hjem", exact=True)).to_be_hidden()

    write(page, "hjælp")
    expect(messages.locator(".from-person")).to_contain_text("hjælp", timeout=WAIT_MS)
    help_card = messages.locator(".adaptive-card", has_text="hjælper dig")
    expect(help_card).to_be_visible(timeout=WAIT_MS)
    expect(help_card.locator("strong", has_text="Netværksbot")).to_be_visible()  # **bold**
    shot(page, "teams-help")
    shutil.copy(ARTIFACTS / "playground-teams-help.png", ARTIFACTS / "playground-teams.png")

    page.get_by_role("button", name="Vis i Slack").click()
    expect(page.locator("body")).not_to_have_class("teams", timeout=WAIT_MS)
    expect(messages).to_contain_text("Klimaklar by", timeout=WAIT_MS)
    expect(messages.locator(".adaptive-card")).to_have_count(0)


def test_booking_in_teams_a_dialog_with_its_errors_then_accepted_in_place(page: Page) -> None:
    messages = page.locator("#messages")
    page.get_by_role("button", name="Vis i Teams").click()
    expect(page.locator("body")).to_have_class("teams", timeout=WAIT_MS)

    # A command is a plain message; its card's button opens the booking dialog (task/fetch).
    write(page, "book")
    messages.get_by_role("button", name="Book samtalen").last.click()
    dialog = page.get_by_role("dialog", name="Book samtalen")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    date1 = dialog.get_by_label("Dato, forslag 1")
    free = date1.input_value()  # the Outlook calendar's first free time for both
    assert free
    date1.fill("2027-03-06")  # a Saturday
    dialog.get_by_role("button", name="Send forslag").click()
    # The dialog comes back with the error next to the field and what was typed (task/submit).
    expect(dialog.get_by_role("alert")).to_contain_text("weekenddag", timeout=WAIT_MS)
    expect(dialog.get_by_label("Dato, forslag 1")).to_have_value("2027-03-06")
    shot(page, "teams-dialog-error")
    dialog.get_by_label("Dato, forslag 1").fill(free)
    dialog.get_by_role("button", name="Send forslag").click()
    expect(dialog).to_be_hidden(timeout=WAIT_MS)
    expect(messages).to_contain_text("Dit forslag er sendt til Jens Mortensen", timeout=WAIT_MS)

    # The personnel leader gets the invitation in Teams and accepts with Action.Execute.
    be(page, "Jens Mortensen")
    invitation = messages.locator(".adaptive-card", has_text="Invitation til samtale").last
    expect(invitation).to_be_visible(timeout=WAIT_MS)
    shot(page, "teams-invitation")
    invitation.locator("button").first.click()
    expect(messages).to_contain_text("Samtalen er booket", timeout=WAIT_MS)
