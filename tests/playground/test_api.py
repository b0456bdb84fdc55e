"""The playground's JSON API and page, over HTTP: the real app behind it, the emulator as Slack."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from typing import Any

from bot.core.i18n import t
from bot.core.working_calendar import WorkingCalendar
from playground.server import STATIC_DIR
from playground.session import DEMO_DIR, DEMO_FILES, read_demo_org, shift_demo_files
from tests.e2e.helpers import text_of
from tests.playground.conftest import Served

SOFIE, JENS = "USOFIELUND", "UJENSMORTENSEN"


def _wait_for(served: Served, user: str, words: str, timeout: float = 8.0) -> dict[str, Any]:
    """The newest message in `user`'s DM containing `words` (listeners run after the ack)."""
    deadline = time.monotonic() + timeout
    while True:
        dm = served.state(user)["conversations"][0]
        for message in reversed(dm["messages"]):
            if words in text_of(message):
                return dict(message)
        if time.monotonic() > deadline:
            seen = [text_of(m)[:60] for m in dm["messages"]]
            raise AssertionError(f"no message with {words!r} for {user}; saw {seen}")
        time.sleep(0.05)


def _texts(served: Served, user: str) -> list[str]:
    return [text_of(m) for m in served.state(user)["conversations"][0]["messages"]]


def _book(served: Served, date1: str = "2027-03-08", time1: str = "10:00") -> dict[str, Any]:
    status, answer = served.post("/api/command", {"user": SOFIE, "text": "/netvaerk book"})
    assert status == 200, answer
    view = _modal(served, SOFIE)
    status, answer = served.post(
        "/api/submit",
        {"user": SOFIE, "view_id": view["id"], "values": {"date1": date1, "time1": time1}},
    )
    assert status == 200, answer
    return dict(answer)


def _modal(served: Served, user: str, timeout: float = 8.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        modal = served.state(user)["modal"]
        if modal is not None:
            return dict(modal)
        assert time.monotonic() < deadline, "no modal opened"
        time.sleep(0.05)


def test_the_page_is_served_in_danish_and_english_with_nothing_from_the_network(
    served: Served,
) -> None:
    status, body, headers = served.get("/")
    page = body.decode()
    assert status == 200 and '<html lang="da">' in page
    assert "Netværksbot – legeplads" in page and "{{" not in page
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    _, english, _ = served.get("/?lang=en")
    assert '<html lang="en">' in english.decode() and "You are" in english.decode()
    for path in STATIC_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"https?://", text), path.name
        assert "@import" not in text and "cdn" not in text.lower(), path.name
        status, _, _ = served.get(f"/static/{path.name}")
        assert status == 200 or path.name == "index.html"


def test_only_local_pages_may_call_it(served: Served) -> None:
    status, _, _ = served.get("/", headers={"Host": "evil.example"})
    assert status == 403
    status, _, _ = served.get("/static/../api.py")
    assert status == 404
    status, answer = served.post("/api/reset", {}, content_type="text/plain")
    assert status == 415
    status, answer = served.post("/api/command", {"user": "UNOBODY", "text": "/netvaerk"})
    assert status == 400 and answer["error"] == t("da", "playground.error.unknown_person")


def test_state_shows_the_demo_organisation_and_the_first_messages(served: Served) -> None:
    state = served.state("")
    assert state["user"] == SOFIE  # a newcomer starts as the first network leader
    assert len(state["people"]) == 12
    assert state["clock"]["label"] == "mandag d. 1. marts 2027 kl. 09:00"
    assert [c["kind"] for c in state["conversations"]] == ["dm"] + ["channel"] * 4
    jens = next(p for p in state["people"] if p["id"] == JENS)
    assert jens["description"] == "personaleleder"
    sofie = next(p for p in state["people"] if p["id"] == SOFIE)
    assert sofie["description"] == "netværksleder, Klimaklar by"
    # The network starts today: the reference leader introduction arrived at 09:00.
    assert any("Klimaklar by" in text for text in _texts(served, SOFIE))


def test_book_accept_and_the_reflection_arrives_two_working_days_before(served: Served) -> None:
    answer = _book(served, date1="2027-03-06")  # a Saturday: the app's own validation
    assert answer["ok"] is False
    assert answer["errors"] == {"date1": "Det er en weekenddag. Vælg en hverdag."}
    view = _modal(served, SOFIE)
    status, answer = served.post(
        "/api/submit",
        {"user": SOFIE, "view_id": view["id"], "values": {"date1": "2027-03-08", "time1": None}},
    )
    # The Slack client refuses an empty required field before anything reaches the app.
    assert answer == {"ok": False, "errors": {"time1": "Udfyld dette felt."}}
    status, answer = served.post(
        "/api/submit",
        {
            "user": SOFIE,
            "view_id": view["id"],
            "values": {"date1": "2027-03-08", "time1": "10:00"},
        },
    )
    assert answer == {"ok": True, "problems": []}
    invite = _wait_for(served, JENS, "Invitation til samtale")
    accept = next(
        e
        for b in invite["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if "mandag d. 8. marts 2027 kl. 10:00" in e["text"]["text"]
    )
    status, answer = served.post(
        "/api/click",
        {
            "user": JENS,
            "action_id": accept["action_id"],
            "value": accept["value"],
            "message_ts": invite["ts"],
        },
    )
    assert status == 200, answer
    _wait_for(served, JENS, "Samtalen er booket")
    _wait_for(served, SOFIE, "Samtalen er booket")

    served.post("/api/clock", {"step": "date", "date": "2027-03-03"})
    assert not any("Forbered dig til samtalen" in text for text in _texts(served, JENS))
    status, answer = served.post("/api/clock", {"step": "day"})
    assert status == 200 and answer["ticks"] >= 1
    state = served.state(JENS)
    assert state["clock"]["label"].startswith("torsdag d. 4. marts 2027 kl. 09:0")
    reflection = _wait_for(served, JENS, "Forbered dig til samtalen")
    _wait_for(served, SOFIE, "Forbered dig til samtalen")
    arrived = served.playground.session.zone
    from datetime import datetime

    day = datetime.fromtimestamp(float(reflection["ts"]), arrived).date()
    assert day == date(2027, 3, 4)  # two working days before Monday 8 March


def test_clock_moves_forward_only_and_runs_the_puls_reminder(served: Served) -> None:
    status, answer = served.post("/api/clock", {"step": "date", "date": "2027-02-01"})
    assert status == 400 and "fremad" in answer["error"]
    status, answer = served.post("/api/clock", {"step": "sideways"})
    assert status == 400
    served.post("/api/clock", {"step": "hour"})
    assert served.state(JENS)["clock"]["label"].startswith("mandag d. 1. marts 2027 kl. 10:0")
    # Kasper's PULS talk is on 16 March; Jens is reminded 10 working days before (2 March).
    served.post("/api/clock", {"step": "date", "date": "2027-03-02"})
    _wait_for(served, JENS, "PULS-samtale med Kasper Holm")


def test_reset_starts_again_and_the_language_switch_reaches_the_bot(served: Served) -> None:
    served.post("/api/command", {"user": SOFIE, "text": "/netvaerk hjælp"})
    served.post("/api/clock", {"step": "day"})
    status, _ = served.post("/api/language", {"language": "en"})
    assert status == 200
    _, texts, _ = served.get("/api/texts?lang=en")
    assert b'"title": "Netv\\u00e6rksbot \\u2013 playground"' in texts or b"playground" in texts
    served.post("/api/command", {"user": SOFIE, "text": "/netvaerk help"})
    deadline = time.monotonic() + 5
    while True:
        dm = served.state(SOFIE)["conversations"][0]["messages"]
        if any("helps you" in text_of(m) for m in dm):
            break
        assert time.monotonic() < deadline, [text_of(m)[:60] for m in dm]
        time.sleep(0.05)
    status, _ = served.post("/api/reset", {})
    assert status == 200
    state = served.state(SOFIE)
    assert state["clock"]["label"] == "Monday 1 March 2027 at 09:00"
    assert not any(m["ephemeral"] for m in state["conversations"][0]["messages"])


def test_the_demo_files_import_cleanly_and_move_to_the_playgrounds_first_day(
    tmp_path: Path,
) -> None:
    calendar = WorkingCalendar()
    paths = shift_demo_files(tmp_path, date(2026, 12, 17), calendar.is_working_day)
    assert [p.name for p in paths] == list(DEMO_FILES)
    puls = (tmp_path / "puls.csv").read_text().splitlines()[1:]
    days = [date.fromisoformat(line.split(",")[2]) for line in puls]
    # 16 March is 15 days after day 0: 1 January 2027 is a holiday, so it moves on to the 4th.
    assert days[0] == date(2027, 1, 4)
    assert all(calendar.is_working_day(d) for d in days)
    org = read_demo_org(DEMO_DIR)
    assert len({p.slack_id for p in org.people}) == len(org.people) == 12
    assert len(org.channels) == 4 and len(org.networks) == 3


def test_the_booking_form_offers_free_times_from_the_seeded_calendar(served: Served) -> None:
    status, _ = served.post("/api/command", {"user": SOFIE, "text": "/netvaerk book"})
    assert status == 200
    blocks = str(_modal(served, SOFIE)["blocks"])
    assert "ledige i jeres begges Outlook-kalendere" in blocks
    assert "kl. 12:00" not in blocks  # lunch is busy for everyone in the seeded calendars
    lunch = _book(served, date1="2027-03-08", time1="12:00")
    assert lunch["errors"] == {"time1": t("da", "booking.outlook.busy")}
