"""The playground in a real browser (headless Chromium via Playwright): the seed's story as a
newcomer plays it — book, accept, move the clock, get the reflection message on the right day.

Runs in CI, never skipped: without Chromium it fails and says how to install it (Debian's
`chromium` package; `.ci/run` installs it). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.playground.conftest import WAIT_MS, be, shot, write

pytestmark = pytest.mark.browser


def test_book_accept_and_the_reflection_arrives_on_the_right_day(page: Page) -> None:
    messages = page.locator("#messages")
    expect(page.locator("#clock-now")).to_have_text("mandag d. 1. marts 2027 kl. 09:00")
    expect(page.get_by_label("Du er")).to_have_value("USOFIELUND")
    expect(messages).to_contain_text("Klimaklar by", timeout=WAIT_MS)

    # 1. As the network leader, book the conversation.
    write(page, "/netvaerk book")
    dialog = page.get_by_role("dialog", name="Book samtalen")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(dialog.get_by_label("Samtale med")).to_contain_text("Jens Mortensen")
    dialog.get_by_label("Dato, forslag 1").fill("2027-03-06")  # a Saturday
    dialog.get_by_label("Tidspunkt, forslag 1").fill("10:00")
    shot(page, "1-book-modal")
    dialog.get_by_role("button", name="Send forslag").click()
    # Slack's inline validation error, from the app's response_action, next to the field.
    error = dialog.locator(".bk-error")
    expect(error).to_have_text("⚠ Det er en weekenddag. Vælg en hverdag.", timeout=WAIT_MS)
    expect(dialog.get_by_label("Dato, forslag 1")).to_have_attribute("aria-invalid", "true")
    shot(page, "2-validation")
    dialog.get_by_label("Dato, forslag 1").fill("2027-03-08")
    dialog.get_by_role("button", name="Send forslag").click()
    expect(dialog).to_be_hidden(timeout=WAIT_MS)
    expect(messages).to_contain_text("Dit forslag er sendt til Jens Mortensen", timeout=WAIT_MS)

    # 2. As the personnel leader, accept one of the times.
    be(page, "Jens Mortensen")
    expect(page.locator("#who-desc")).to_have_text("personaleleder")
    expect(messages).to_contain_text("Invitation til samtale", timeout=WAIT_MS)
    shot(page, "3-invitation")
    messages.get_by_role("button", name="mandag d. 8. marts 2027 kl. 10:00").click()
    expect(messages).to_contain_text("Samtalen er booket", timeout=WAIT_MS)
    # The invitation was updated in place: its buttons are gone.
    expect(messages.get_by_role("button", name="mandag d. 8. marts 2027 kl. 10:00")).to_have_count(
        0, timeout=WAIT_MS
    )
    expect(messages.locator("a.file")).to_have_count(1, timeout=WAIT_MS)  # the .ics invitation
    shot(page, "4-booked")

    # 3. Move the clock: the reflection message arrives two working days before (Thursday).
    page.get_by_label("Til dato").fill("2027-03-03")
    page.get_by_role("button", name="Gå", exact=True).click()
    expect(page.locator("#clock-now")).to_contain_text("onsdag d. 3. marts 2027", timeout=WAIT_MS)
    expect(messages).not_to_contain_text("Forbered dig til samtalen")
    page.get_by_role("button", name="+1 dag").click()
    expect(page.locator("#clock-now")).to_contain_text("torsdag d. 4. marts 2027", timeout=WAIT_MS)
    reflection = messages.locator("article", has_text="Forbered dig til samtalen")
    expect(reflection).to_have_count(1, timeout=WAIT_MS)
    expect(reflection.locator("time")).to_have_attribute(
        "datetime", re.compile(r"^2027-03-04T08:00")
    )
    expect(reflection).to_contain_text("mandag d. 8. marts 2027 kl. 10:00")
    reflection.scroll_into_view_if_needed()
    shot(page, "5-reflection")

    # The network leader got hers too, on the same day.
    be(page, "Sofie Lund")
    expect(messages.locator("article", has_text="Forbered dig til samtalen")).to_have_count(
        1, timeout=WAIT_MS
    )

    # 4. As Sofie, share a result: the form, the preview, then the post in the department
    #    channel; Jens, her personnel leader, recognises it there.
    page.get_by_role("button", name="Beskeder", exact=True).click()
    write(page, "/netvaerk resultat")
    form = page.get_by_role("dialog", name="Del et netværksresultat")
    expect(form).to_be_visible(timeout=WAIT_MS)
    form.get_by_label("Overskrift").fill("Skybrudsplan for Hyldagerparken")
    form.get_by_label("Hvad har I opnået?").fill("Tre skybrudsveje tegnet med beboerne.")
    form.get_by_label("Hvad betyder det for afdelingerne?").fill("Vej og park kan bruge dem.")
    form.get_by_role("button", name="Se forhåndsvisning").click()
    preview = page.get_by_role("dialog", name="Forhåndsvisning")
    expect(preview).to_be_visible(timeout=WAIT_MS)
    expect(preview).to_contain_text("By, Miljø og Teknik")
    shot(page, "7-result-preview")
    preview.get_by_role("button", name="Del resultatet").click()
    expect(preview).to_be_hidden(timeout=WAIT_MS)
    expect(messages).to_contain_text("Dit resultat er delt", timeout=WAIT_MS)
    be(page, "Jens Mortensen")
    page.get_by_role("button", name=re.compile(r"^# by-miljoe-teknik")).click()
    post = messages.locator("article", has_text="Skybrudsplan for Hyldagerparken")
    expect(post).to_have_count(1, timeout=WAIT_MS)
    expect(post).to_contain_text("Sofie Lund, netværksleder")
    post.get_by_role("button", name="👏 Anerkend").click()
    expect(post).to_contain_text("Anerkendt af Jens", timeout=WAIT_MS)
    shot(page, "8-result-post")


def test_keyboard_only_home_tab_and_english(page: Page) -> None:
    # The skip link and the navigation work from the keyboard.
    expect(page.locator("#clock-now")).to_have_text("mandag d. 1. marts 2027 kl. 09:00")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Spring til samtalen")).to_be_focused()
    page.get_by_role("button", name="Hjem", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#conversation-title")).to_have_text("Netværksbot – hjem")
    expect(page.locator("#home")).to_be_visible()
    shot(page, "6-home")
    page.get_by_role("button", name="Beskeder", exact=True).click()
    write(page, "/netvaerk book")
    dialog = page.get_by_role("dialog", name="Book samtalen")
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(dialog.get_by_label("Samtale med")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden(timeout=WAIT_MS)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=WAIT_MS)
    expect(page.get_by_label("You are")).to_have_value("USOFIELUND")
    expect(page.locator("#clock-now")).to_have_text("Monday 1 March 2027 at 09:00")
