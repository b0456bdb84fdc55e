"""Every message the bot sends, rendered without Slack: the neutral model holds no platform syntax.

A populated organisation whose people and networks carry hostile names goes through every
outbox builder (the planner's rules over a year, and the rows only actions create) and every
person's App Home. Each message is rendered to plain text — no Slack markup may be left — and to
Slack, where the hostile text must arrive escaped: never a link, a mention or a broadcast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import Session

from bot.core import plain_text, ui
from bot.core.due import BuildContext
from bot.core.i18n import Translator
from bot.home.sections import HomeContext, build_home
from bot.privacy.domain import RetentionPolicy
from bot.reminders.digest import DIGEST_KIND, FAILURE_REPORT_KIND
from platforms.slack.blocks import render_message, render_parts
from schedules.outbox import DbCursors
from schedules.planner import PlanResult, collect, make_window, policy_of
from storage.checklist_models import ChecklistRound, TalentNomination
from storage.db import Database
from storage.models import Conversation, ConversationStatus, Department, Person
from storage.scheduling_models import OutboxMessage, OutboxStatus, ThemeProposal
from storage.showcase_models import (
    ChannelPost,
    MeetingInvitation,
    NetworkResult,
    PostKind,
    PostStatus,
    Recognition,
    ResultStatus,
)
from tests.schedule_support import Org, agree, book, build_org, cph, hold, make_deps, puls_talk

CPH = ZoneInfo("Europe/Copenhagen")
# What a hostile user could type as a name, a network, a note: Slack bold, a broadcast, a link.
EVIL = "*x* <!channel> <https://evil|klik>"
EVIL_NETWORK = "Klima_net_ ~y~ `z` <@U0LARS0001> &amp;"

# Slack markup that must not survive the plain-text renderer.
SLACK_MARKUP = (
    re.compile(r"(^|[\s(])\*[^*\s][^*\n]*\*"),  # *bold*
    re.compile(r"(^|[\s(])_[^_\s][^_\n]*_(?!\w)"),  # _italic_
    re.compile(r"(^|\s)~[^~\s][^~\n]*~"),  # ~strike~
    re.compile(r"<[^<>\s]+\|[^<>]+>"),  # <url|label>
    re.compile(r"<[@#!][^>]*>"),  # <@U…>, <#C…>, <!here>
    re.compile(r"&(lt|gt|amp);"),  # escaped entities
    re.compile(r"\*\*|~~|\]\("),  # the catalogue's own markup, unparsed
)


def _markup_left(text: str) -> list[str]:
    clean = text.replace(EVIL, "").replace(EVIL_NETWORK, "")
    return [m.group(0) for pattern in SLACK_MARKUP for m in pattern.finditer(clean)]


@pytest.fixture
def org(db: Database) -> Org:
    org = build_org(db, cph(2027, 1, 4, 7))
    with db.session() as s:
        for person in (org.anne, org.fatima):
            row = s.get(Person, person.id)
            assert row is not None
            row.name = f"{row.name.split()[0]} {EVIL}"
        network = s.get(type(org.network), org.network.id)
        assert network is not None
        network.name, network.theme = EVIL_NETWORK, EVIL
        department = s.get(Department, org.anne.department_id)
        assert department is not None
        department.meeting_weekday, department.meeting_time = 1, time(10)
        s.commit()
    return org


def _populate(db: Database, org: Org) -> dict[str, list[dict[str, Any]]]:
    """What actions leave behind, and the payloads of the rows only they create."""
    conversation = book(db, org.fatima, org.lars, cph(2027, 3, 10, 13), at=cph(2027, 1, 5, 8))
    held = hold(db, org.soren, org.lars, cph(2027, 1, 4, 10))
    agree(db, held, date(2027, 6, 1), at=cph(2027, 1, 4, 11))
    talk = puls_talk(db, org.soren, org.lars, date(2027, 4, 20), time(10), cph(2027, 1, 4, 8))
    with freeze_time(cph(2027, 1, 6, 9)), db.session() as s:
        assert org.anne.department_id is not None and conversation.id and talk.id
        result = NetworkResult(
            network_id=org.network.id or 0,
            posted_by_id=org.anne.id or 0,
            status=ResultStatus.PUBLISHED,
            title=EVIL,
            achieved=EVIL,
            meaning=EVIL,
            link="https://example.dk/a|b>c",
            published_at=cph(2027, 1, 6, 9),
        )
        other = Department(name=f"Kultur {EVIL}", channel="C0KULTUR01")
        s.add_all([result, other])
        s.flush()
        digest = ChannelPost(
            kind=PostKind.RESULT,
            ref_id=result.id or 0,
            department_id=org.anne.department_id,
            channel="C0BYMILJO1",
            status=PostStatus.DIGEST,
        )
        failed = ChannelPost(
            kind=PostKind.RESULT,
            ref_id=result.id or 0,
            department_id=other.id or 0,
            channel="C0KULTUR01",
            status=PostStatus.FAILED,
            error="not_in_channel",
        )
        nomination = TalentNomination(
            nominated_by_id=org.lars.id or 0, employee_id=org.anne.id or 0, note=EVIL
        )
        proposal = ThemeProposal(proposed_by_id=org.lars.id or 0, text=EVIL)
        round_ = ChecklistRound(person_id=org.lars.id or 0)
        bounced = OutboxMessage(
            dedupe_key="bounced",
            kind="booking_nudge",
            subject="bounced",
            recipient_id=org.anne.id,
            payload={},
            status=OutboxStatus.FAILED,
            last_error="user_not_found",
            due_on=cph(2027, 1, 6),
            next_attempt_at=cph(2027, 1, 6, 9),
        )
        s.add_all([digest, failed, nomination, proposal, round_, bounced])
        s.add(Recognition(result_id=result.id or 0, person_id=org.ida.id or 0))
        s.add(
            MeetingInvitation(
                department_id=org.anne.department_id,
                meeting_date=date(2027, 1, 5),
                person_id=org.anne.id or 0,
                invited_by_id=org.lars.id or 0,
            )
        )
        s.flush()
        nudge = OutboxMessage(
            dedupe_key="nudge",
            kind="booking_nudge",
            subject="nudge",
            recipient_id=org.lars.id,
            payload={"employee_id": org.anne.id, "manager_id": org.lars.id, "n": 1},
            due_on=cph(2027, 1, 6),
            next_attempt_at=cph(2027, 1, 6, 9),
        )
        s.add(nudge)
        gone = Conversation(  # deleted in Outlook (bot/booking/outlook_rules.py)
            uid="cancelled-in-outlook",
            employee_id=org.anne.id or 0,
            manager_id=org.lars.id or 0,
            proposed_by_id=org.anne.id or 0,
            status=ConversationStatus.CANCELLED,
            starts_at=cph(2027, 3, 11, 10),
        )
        s.add(gone)
        s.commit()
        return {
            "outlook_moved": [{"conversation_id": conversation.id}],
            "outlook_cancelled": [{"conversation_id": gone.id}],
            "result_digest": [{"department_id": digest.department_id, "post_ids": [digest.id]}],
            "recognition_nudge": [{"result_id": result.id}],
            "showcase_undelivered": [
                {"kind": PostKind.RESULT, "ref_id": result.id, "post_ids": [failed.id]}
            ],
            "talent_nomination": [{"nomination_id": nomination.id}],
            "theme_proposal": [{"proposal_id": proposal.id}],
            "checklist_reminder": [{"round_id": round_.id}],
            "checklist_interest": [{"month": "2027-02"}],
            "meeting_follow_up": [
                {"department_id": org.anne.department_id, "meeting": "2027-01-05"}
            ],
            DIGEST_KIND: [{"items": [nudge.id]}],
            FAILURE_REPORT_KIND: [{"items": [bounced.id]}],
        }


def _planned(db: Database, org: Org, days: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """The (kind, payload) of everything the planner's rules find due, day by day."""
    deps = make_deps(db)
    with db.session() as session:
        cursors = DbCursors(session, read_only=True)
        window = make_window(session, deps, cph(2027, 1, 4, 8), cursors)
        for offset in range(days):
            if offset:
                start = datetime.combine(window.today + timedelta(days=1), time(0, 1), CPH)
                window = make_window(session, deps, start, cursors, since_day=window.today)
            for due in collect(session, deps.registry, window, PlanResult()):
                yield due.kind, dict(due.payload)
        session.rollback()


def _build_all(
    session: Session, db: Database, org: Org, kind: str, payload: dict[str, Any], at: datetime
) -> list[ui.Message]:
    """The message for every possible recipient (each in their own language), and the channel."""
    deps = make_deps(db)
    built = []
    recipients: list[Person | None] = [session.get(Person, p.id) for p in _people(org)]
    for person in [*recipients, None]:
        ctx = BuildContext(
            session=session,
            now=at,
            recipient=person,
            language=(person.language if person else None) or "da",
            tz="Europe/Copenhagen",
            calendar=deps.calendar,
            policy=policy_of(deps),
            default_tz="Europe/Copenhagen",
            default_language="da",
            builders=deps.registry.builders,
            outbox_id=1,
            mention=lambda p: ui.mention(p.id or 0, p.name, "U0OTHER001"),
        )
        message = ctx.build(kind, payload)
        if message is not None:
            built.append(message)
    return built


def _people(org: Org) -> list[Person]:
    return [org.mette, org.lars, org.anne, org.soren, org.fatima, org.ida]


def _mrkdwn(value: Any) -> Iterator[str]:
    """Every text Slack reads as mrkdwn (plain_text objects are shown as written)."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            yield value["text"]
        for item in value.values():
            yield from _mrkdwn(item)
    elif isinstance(value, list):
        for item in value:
            yield from _mrkdwn(item)


def _assert_harmless(message: ui.Message, where: str) -> None:
    shown = plain_text.render_message(message)
    assert _markup_left(shown) == [], f"{where}: Slack markup in {shown!r}"
    rendered = render_message(message)
    slack = "\n".join([rendered["text"], *_mrkdwn(rendered.get("blocks", []))])
    for hostile in ("<!channel>", "<https://evil", "<@U0LARS0001>", "*x*", "~y~", "`z`"):
        assert hostile not in slack, f"{where}: {hostile} reached Slack as markup"


def test_every_outbox_message_renders_as_plain_text_and_escaped_for_slack(
    db: Database, org: Org
) -> None:
    direct = _populate(db, org)
    payloads: dict[str, list[dict[str, Any]]] = {}
    for kind, payload in _planned(db, org, days=200):
        payloads.setdefault(kind, [])
        if payload not in payloads[kind] and len(payloads[kind]) < 3:
            payloads[kind].append(payload)
    for kind, extra in direct.items():
        payloads.setdefault(kind, []).extend(extra)
    built: dict[str, int] = {}
    hostile_seen = mentioned = 0
    with db.session() as session:
        for kind, found in sorted(payloads.items()):
            for payload in found:
                for at in (cph(2027, 1, 7, 9), cph(2027, 2, 1, 9), cph(2027, 4, 12, 9)):
                    with freeze_time(at):
                        for message in _build_all(session, db, org, kind, payload, at):
                            _assert_harmless(message, kind)
                            built[kind] = built.get(kind, 0) + 1
                            hostile_seen += EVIL in plain_text.render_message(message)
                            mentioned += "<@U0OTHER001>" in str(render_message(message))
    kinds = set(make_deps(db).registry.builders)
    assert set(built) == kinds, f"never built: {sorted(kinds - set(built))}"
    assert hostile_seen > 10  # the hostile names really went through, shown as written
    assert mentioned > 0  # the reference leaders' mentions, written by the Slack renderer


def test_every_home_renders_as_plain_text_and_escaped_for_slack(db: Database, org: Org) -> None:
    _populate(db, org)
    sections = make_deps(db).registry.home
    at = datetime(2027, 3, 1, 9, tzinfo=UTC)
    retention = RetentionPolicy(outbox_days=400, people_left_months=12, checklist_answers_months=24)
    hostile_seen = 0
    with freeze_time(at), db.session() as session:
        for person in [*(session.get(Person, p.id) for p in _people(org)), None]:
            language = (person.language if person else None) or "da"
            ctx = HomeContext(Translator(language), "Europe/Copenhagen", at, retention, sections)
            parts = tuple(build_home(session, person, ctx))
            assert len(parts) > 3
            _assert_harmless(ui.Message("home", parts), f"home of {person and person.email}")
            shown = "\n".join(plain_text.render_part(p) for p in parts)
            hostile_seen += EVIL in shown or EVIL_NETWORK in shown
            slack = "\n".join(_mrkdwn(render_parts(parts)))
            assert "&lt;!channel&gt;" in slack or EVIL not in shown
    assert hostile_seen >= 3
