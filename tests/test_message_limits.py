"""No message the bot builds may exceed a platform limit (issue 15): a digest of large nudges
is built to Slack's 50 blocks and the rest waits, instead of Slack refusing the whole digest
with `invalid_blocks` and the nudges being lost; list-shaped messages fit with any amount of
data, checked by the emulator's own Block Kit validation."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import pytest
from freezegun import freeze_time
from sqlmodel import Session

from bot.core import actions, ui
from bot.core.deps import Deps
from bot.core.due import BuildContext, Due
from bot.core.i18n import Translator
from bot.reminders import digest
from bot.reminders.policy import reminder_policy
from bot.showcase.messages import DigestItem, result_digest
from emulator import SlackWebAPI
from emulator.blockkit import validate_message
from platforms.slack.blocks import MESSAGE_BLOCKS_MAX, fits, render_message
from platforms.slack.chat import SlackChat, make_delivery_client
from schedules.delivery import Delivery
from schedules.outbox import insert_dues
from storage.db import Database
from storage.models import Network, Person
from storage.scheduling_models import OutboxMessage, OutboxStatus
from storage.showcase_models import NetworkResult
from tests.schedule_support import (  # noqa: F401
    TOKEN,
    Org,
    build_org,
    cph,
    hold,
    make_deps,
    only_scheduler_rules,
    outbox,
)
from tests.slack_ids import slack_id

MONDAY = cph(2027, 3, 1, 10)
BIG_KIND = "test_big_nudge"
BLOCKS_PER_NUDGE = 20


def _big_nudge(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message:
    """A nudge as large as the largest real ones (a PULS reminder with many networks)."""
    n = payload["n"]
    parts: list[ui.Part] = [ui.Heading(f"Påmindelse {n}")]
    parts += [ui.Text(f"Linje {i} af påmindelse {n}") for i in range(BLOCKS_PER_NUDGE - 2)]
    parts.append(ui.Buttons((ui.Button("Udsæt en uge", actions.NUDGE_SNOOZE, f"big:{n}"),)))
    return ui.Message(text=f"Påmindelse {n}", parts=tuple(parts))


@pytest.fixture
def api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        yield started


@pytest.fixture
def org(db: Database, api: SlackWebAPI) -> Org:
    built = build_org(db, cph(2027, 2, 1, 10), references=False)
    for leader in (built.anne, built.fatima):
        hold(db, leader, built.lars, cph(2027, 2, 1, 11))
    for person in (built.mette, built.lars, built.anne, built.soren, built.fatima, built.ida):
        api.add_user(slack_id(person), person.email, person.name)
    return built


def _queue(db: Database, deps: Deps, person: Person, count: int) -> None:
    dues = [
        Due(
            key=f"big:{person.id}:{n}",
            kind=BIG_KIND,
            subject=f"big:{n}",
            due_on=date(2027, 3, 1),
            recipient_id=person.id,
            payload={"n": n},
        )
        for n in range(count)
    ]
    with freeze_time(MONDAY), db.session() as s:
        insert_dues(s, dues, cph(2027, 3, 1, 8), deps.calendar, "Europe/Copenhagen")
        s.commit()


@pytest.mark.usefixtures("only_scheduler_rules")
def test_a_digest_of_large_nudges_fits_slack_and_loses_none(
    db: Database, api: SlackWebAPI, org: Org
) -> None:
    deps = make_deps(db, api.api_url)
    builders = MappingProxyType({**deps.registry.builders, BIG_KIND: _big_nudge})
    deps.registry = dataclasses.replace(deps.registry, builders=builders)
    transport = SlackChat(make_delivery_client(deps.settings))
    _queue(db, deps, org.lars, 6)
    for day in range(12):  # two weeks of working days and weekends
        with freeze_time(MONDAY + timedelta(days=day)) as frozen:
            Delivery(deps, transport, sleep=lambda s: frozen.tick(s)).run()
    posts = api.calls_to("chat.postMessage")
    assert posts and all(call.ok for call in posts), [c.error for c in posts if not c.ok]
    assert api.warnings == []
    received = api.messages_in(slack_id(org.lars))
    assert all(len(m.get("blocks", [])) <= MESSAGE_BLOCKS_MAX for m in received)
    # The week's last slot became a digest of as many as fit; the rest came the next week.
    digests = [m for m in received if m["text"].startswith("Du har")]
    assert digests and digests[0]["text"] == "Du har 2 påmindelser fra Netværksbot."
    shown = Counter(
        b["text"]["text"]
        for m in received
        for b in m.get("blocks", [])
        if b["type"] in ("header", "section") and "Påmindelse" in b["text"]["text"]
    )
    seen = {int(text.strip("*").split()[-1]) for text in shown}
    assert seen == set(range(6))  # every nudge reached Lars, once
    assert sum(shown.values()) == 6
    statuses = Counter(row.status for row in outbox(db))
    assert statuses[OutboxStatus.FAILED] == 0
    assert statuses[OutboxStatus.PENDING] == 0


def _digest_items(count: int) -> list[DigestItem]:
    network = Network(id=1, name="N" * 200, theme="T" * 500)
    poster = Person(id=1, email="p@example.dk", name="Navn " * 40, department_id=None)
    return [
        DigestItem(
            NetworkResult(
                id=i,
                network_id=1,
                posted_by_id=1,
                title="Titel " * 40,
                achieved="A" * 3000,
                meaning="B" * 3000,
                link="https://example.dk/" + "x" * 400,
            ),
            network,
            poster,
            tuple(f"Person {j}" for j in range(60)),
        )
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_weekly_result_digest_fits_with_any_number_of_results(language: str) -> None:
    t = Translator(language)
    items = _digest_items(40)
    before = result_digest(t, items, 7)
    assert not fits(before)  # as it was built before issue 15: 162 blocks
    message, shown = ui.fit_items(lambda n: result_digest(t, items, 7, n), len(items), fits)
    assert 1 <= shown < len(items)
    assert validate_message(render_message(message)) == []
    assert t("showcase.digest.more", count=len(items) - shown) in str(render_message(message))


def test_the_failure_report_fits_with_thousands_of_failures(db: Database) -> None:
    with db.session() as session:
        rows = [
            OutboxMessage(
                dedupe_key=f"f:{i}",
                kind="theme_invite",
                subject="x",
                channel=f"C{i:09d}",
                due_on=MONDAY,
                next_attempt_at=MONDAY,
                status=OutboxStatus.FAILED,
                last_error="channel_not_found",
            )
            for i in range(3000)
        ]
        session.add_all(rows)
        session.commit()
        ids = [row.id for row in rows]
        message = digest.failures(_context(session), {"items": ids})
    assert message is not None
    assert validate_message(render_message(message)) == []
    assert "3000" in message.text


def _context(session: Session) -> BuildContext:
    from bot.core.working_calendar import WorkingCalendar

    return BuildContext(
        session=session,
        now=MONDAY,
        recipient=None,
        language="da",
        tz="Europe/Copenhagen",
        calendar=WorkingCalendar(),
        policy=reminder_policy(),
        default_tz="Europe/Copenhagen",
        default_language="da",
        builders={},
        fits=fits,
    )
