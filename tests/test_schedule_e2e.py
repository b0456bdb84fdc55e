"""End to end against the Slack Web API emulator: every reminder reaches Slack (in Danish and in
English), valid Block Kit, with the button that resolves it; and those buttons and the
`/netvaerk puls`, `tema` and `pause` commands work through the real Bolt app over HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.core import actions
from bot.core.deps import Deps
from bot.core.i18n import catalogue
from bot.reminders.themes import propose
from emulator import SlackPlatform, SlackWebAPI
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery
from schedules.planner import plan
from storage.db import Database
from storage.models import Agreement, Conversation, ConversationStatus, Person, PulsTalk
from storage.scheduling_models import Snooze, ThemeProposal
from tests.e2e.conftest import serve_app, stop_server
from tests.schedule_support import (  # noqa: F401 (a fixture)
    CPH,
    TOKEN,
    Org,
    agree,
    book,
    build_org,
    cph,
    hold,
    make_deps,
    only_scheduler_rules,
    outbox,
    puls_talk,
)
from tests.slack_ids import slack_id

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")

SECRET = "test-signing-secret"


def _people(org: Org) -> list[Person]:
    return [org.mette, org.lars, org.anne, org.soren, org.fatima, org.ida]


@pytest.fixture
def api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        yield started


def _tick(deps: Deps, transport: SlackChat, moment: datetime) -> None:
    with freeze_time(moment) as frozen:
        plan(deps)
        Delivery(deps, transport, sleep=lambda s: frozen.tick(s)).run()


def _set_language(db: Database, language: str) -> None:
    with db.session() as s:
        for person in s.exec(select(Person)).all():
            person.language = language
            s.add(person)
        s.commit()


def _heading_patterns(language: str) -> list[re.Pattern[str]]:
    """Every heading the scheduler's catalogue can produce in `language`, as patterns."""
    texts = [
        text
        for key, text in catalogue(language).items()
        if key.startswith("scheduler.") and key.endswith(".heading")
    ]
    return [re.compile("^" + re.sub(r"\\\{\w+\\\}", ".+", re.escape(text)) + "$") for text in texts]


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_reminder_reaches_slack_in_the_persons_language(
    db: Database, api: SlackWebAPI, language: str
) -> None:
    org = build_org(db, cph(2027, 1, 4, 7))
    _set_language(db, language)
    for person in _people(org):
        api.add_user(slack_id(person), person.email, person.name)
    # Anne has no conversation (prompt, nudges, escalation); Fatima's is booked (reflection,
    # follow-up); Søren's agreement is up for review; Anne has a PULS talk.
    book(db, org.fatima, org.lars, cph(2027, 1, 12, 10), at=cph(2027, 1, 4, 8))
    held = hold(db, org.soren, org.lars, cph(2026, 7, 1, 10))
    agree(db, held, date(2027, 1, 20), cph(2026, 7, 1, 11))
    puls_talk(db, org.anne, org.lars, date(2027, 1, 29), time(10), cph(2027, 1, 4, 8))
    deps = make_deps(db, api.api_url)
    transport = SlackChat(make_delivery_client(deps.settings))
    day = date(2027, 1, 4)
    while day <= date(2027, 2, 1):
        if day.weekday() < 5:
            _tick(deps, transport, datetime.combine(day, time(9, 30), tzinfo=CPH).astimezone(UTC))
        day += timedelta(days=1)
    for moment in (cph(2027, 4, 5, 9, 30), cph(2027, 4, 12, 9, 30)):
        _tick(deps, transport, moment)
    with freeze_time(cph(2027, 4, 12, 10)), db.session() as s:
        propose(s, org.lars, "Ensomhed blandt ældre")
    _tick(deps, transport, cph(2027, 4, 12, 10, 1))

    reached = {row.kind for row in outbox(db) if row.status in ("sent", "digested")}
    assert reached >= {
        "booking_prompt",
        "booking_nudge",
        "escalation",
        "reflection",
        "follow_up",
        "agreement_review",
        "puls_manager",
        "puls_employee",
        "reference_intro",
        "reference_sparring",
        "theme_invite",
        "theme_proposal",
    }
    assert not outbox(db, status="failed")
    posts = api.calls_to("chat.postMessage")
    assert posts and all(call.response.get("ok") for call in posts)
    assert api.warnings == []
    patterns = _heading_patterns(language)
    for _channel, message in api.message_log():
        heading = next(b["text"]["text"] for b in message["blocks"] if b["type"] == "header")
        assert any(p.match(heading) for p in patterns), (language, heading)
    # Every nudge to a person carries at least one button.
    for row in outbox(db, status="sent"):
        found = api.find_message(row.sent_ts or "")
        assert found is not None
        if row.kind not in ("escalation", "theme_proposal", "delivery_failures"):
            assert any(b["type"] == "actions" for b in found[1]["blocks"]), row.kind


# --- the buttons and commands, through the real Bolt app ---------------------------------


@dataclass
class Env:
    api: SlackWebAPI
    slack: SlackPlatform
    db: Database
    org: Org
    deps: Deps
    transport: SlackChat


@pytest.fixture
def env(db: Database, api: SlackWebAPI) -> Iterator[Env]:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    for person in _people(org):
        api.add_user(slack_id(person), person.email, person.name)
    deps = make_deps(db, api.api_url)
    # Served and stopped by one thread (tests/e2e/conftest.py): closing waitress's socket from
    # another thread while its loop selects on it raised "Bad file descriptor" in that thread.
    running = serve_app(deps)
    try:
        yield Env(
            api,
            SlackPlatform(f"{running.url}/slack/events", SECRET, api),
            db,
            org,
            deps,
            SlackChat(make_delivery_client(deps.settings)),
        )
    finally:
        stop_server(running)


def _response_text(env: Env, containing: str) -> str:
    post = env.api.wait_for_response(lambda r: containing in str(r.payload))
    return str(post.payload.get("text", ""))


def _find_button(message: dict[str, Any], action: str) -> str:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["action_id"].split("#")[0] == action:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action} button")


def test_udsaet_en_uge_and_samtalen_er_holdt_from_a_booking_nudge(env: Env) -> None:
    _tick(env.deps, env.transport, cph(2027, 3, 3, 9, 30))  # first run: nudges due today
    lars = slack_id(env.org.lars)
    nudges = env.api.messages_in(lars)
    assert len(nudges) == 2  # Anne's and Fatima's
    with freeze_time(cph(2027, 3, 3, 10)):
        anne = next(m for m in nudges if "Anne Jensen" in m["text"])
        subject = _find_button(anne, actions.NUDGE_SNOOZE)
        env.slack.click(lars, actions.NUDGE_SNOOZE, subject, message=anne["ts"])
        assert "Udsat" in _response_text(env, "Udsat")
        fatima = next(m for m in nudges if "Fatima Ali" in m["text"])
        env.slack.click(lars, actions.NUDGE_HELD, str(env.org.fatima.id), message=fatima["ts"])
        answer = env.api.wait_for_response(lambda r: "registreret som holdt" in str(r.payload))
        assert actions.AGREEMENT_OPEN in str(answer.payload["blocks"])
    with env.db.session() as s:
        [snooze] = s.exec(select(Snooze)).all()
        assert (snooze.person_id, snooze.scope) == (env.org.lars.id, subject)
        assert snooze.until == cph(2027, 3, 10, 10)
        held = s.exec(
            select(Conversation).where(Conversation.employee_id == env.org.fatima.id)
        ).one()
        assert held.status == ConversationStatus.HELD and held.manager_id == env.org.lars.id
    # Next week: Fatima's series is over; Anne's second nudge waits for the snooze to end.
    _tick(env.deps, env.transport, cph(2027, 3, 10, 9, 30))
    assert len(env.api.messages_in(lars)) == 2
    _tick(env.deps, env.transport, cph(2027, 3, 10, 10, 30))
    assert len(env.api.messages_in(lars)) == 3


def test_aftalen_gaelder_stadig_moves_the_review_six_months(env: Env) -> None:
    conversation = hold(env.db, env.org.anne, env.org.lars, cph(2026, 9, 1, 10))
    agreement = agree(env.db, conversation, date(2027, 3, 3), cph(2026, 9, 1, 11))
    _tick(env.deps, env.transport, cph(2027, 3, 3, 9, 30))
    lars = slack_id(env.org.lars)
    review = next(m for m in env.api.messages_in(lars) if "aftalen" in m["text"])
    with freeze_time(cph(2027, 3, 3, 10)):
        env.slack.click(lars, actions.AGREEMENT_KEEP, str(agreement.id), message=review["ts"])
        assert "fredag d. 3. september 2027" in _response_text(env, "gælder stadig")
    with env.db.session() as s:
        kept = s.get(Agreement, agreement.id)
        assert kept is not None and kept.review_date == date(2027, 9, 3)


def test_puls_command_registers_a_talk_and_the_reminder_comes(env: Env) -> None:
    lars, anne = slack_id(env.org.lars), slack_id(env.org.anne)
    with freeze_time(cph(2027, 3, 1, 10)):
        env.slack.command(lars, f"puls <@{anne}|anne> 16-03-2027 10:00")
        assert "tirsdag d. 16. marts 2027 kl. 10:00" in _response_text(env, "registreret")
        env.slack.command(slack_id(env.org.mette), f"puls <@{anne}> 2027-03-20")
        assert "ikke din medarbejder" in _response_text(env, "ikke din medarbejder")
        env.slack.command(lars, "puls <@U0NOBODY01> 2027-03-20")
        _response_text(env, "kan ikke finde")
        env.slack.command(lars, f"puls <@{anne}> 31-02-2027")
        _response_text(env, "kan ikke læse datoen")
    with env.db.session() as s:
        [talk] = s.exec(select(PulsTalk)).all()
        assert (talk.talk_date, talk.talk_time) == (date(2027, 3, 16), time(10))
    _tick(env.deps, env.transport, cph(2027, 3, 2, 9, 30))  # 10 working days before: today
    reminder = env.api.messages_in(lars)[-1]
    assert reminder["text"].startswith("Du har PULS-samtale med Anne Jensen")
    assert "Klimatilpasning" in str(reminder["blocks"])
    with freeze_time(cph(2027, 3, 2, 10)):
        env.slack.click(
            lars,
            actions.NUDGE_DISMISS,
            _find_button(reminder, actions.NUDGE_DISMISS),
            message=reminder["ts"],
        )
        _response_text(env, "Noteret")
    _tick(env.deps, env.transport, cph(2027, 3, 15, 9, 30))  # 1 day before: dismissed
    assert not [m for m in env.api.messages_in(lars)[1:] if "PULS" in m["text"]]


def test_tema_command_and_the_invitations_form_reach_the_secretariat(env: Env) -> None:
    lars = slack_id(env.org.lars)
    with freeze_time(cph(2027, 4, 12, 9)):
        env.slack.command(lars, "tema Klimasikring af skolerne")
        _response_text(env, "Tak for dit forslag")
    _tick(env.deps, env.transport, cph(2027, 4, 12, 9, 30))  # the invitation, too
    invitation = next(
        m for m in env.api.messages_in(lars) if m["text"].startswith("Foreslå et netværkstema")
    )
    with freeze_time(cph(2027, 4, 12, 10)):
        env.slack.click(lars, actions.THEME_OPEN, message=invitation["ts"])
        env.api.wait_for("views.open")
        env.slack.submit_view(lars, {"theme": "Fællesskaber for unge"})
        env.api.wait_for("chat.postMessage", lambda c: "Tak for dit forslag" in str(c.params))
    with env.db.session() as s:
        assert len(s.exec(select(ThemeProposal)).all()) == 2
    _tick(env.deps, env.transport, cph(2027, 4, 12, 10, 30))
    ida = env.api.messages_in(slack_id(env.org.ida))
    texts = str([m["blocks"] for m in ida])
    assert "Klimasikring af skolerne" in texts and "Fællesskaber for unge" in texts


def test_pause_command(env: Env) -> None:
    lars = slack_id(env.org.lars)
    with freeze_time(cph(2027, 3, 1, 10)):
        env.slack.command(lars, "pause 2027-03-02 2027-03-12")
        text = _response_text(env, "Pause fra")
        assert "tirsdag d. 2. marts 2027" in text and "fredag d. 12. marts 2027" in text
        env.slack.command(lars, "pause 12-13-2027")
        _response_text(env, "kan ikke læse datoen")
    _tick(env.deps, env.transport, cph(2027, 3, 3, 9, 30))
    assert env.api.messages_in(lars) == []  # the nudges wait for the pause to end
    with freeze_time(cph(2027, 3, 3, 10)):
        env.slack.command(lars, "pause slut")
        _response_text(env, "Din pause er slut")
    _tick(env.deps, env.transport, cph(2027, 3, 3, 10, 30))
    assert len(env.api.messages_in(lars)) == 2
