"""Helpers for the scheduler's tests: a small organisation, deps, and reading the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from sqlmodel import col, select

from bot.core.chat import Sent
from bot.core.deps import Deps
from bot.core.feature import Registry
from bot.core.policy import load_policy
from bot.core.settings import Settings
from bot.core.working_calendar import WorkingCalendar
from netvaerk.app import build_deps
from storage.db import Database
from storage.models import Conversation, ConversationStatus, Department, Network, Person
from storage.scheduling_models import OutboxMessage
from tests.slack_ids import link_slack, slack_id

CPH = ZoneInfo("Europe/Copenhagen")
TOKEN = "xoxb-test-token"


def cph(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Copenhagen wall-clock time as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=CPH).astimezone(UTC)


@dataclass
class Org:
    mette: Person  # top manager, reference leader
    lars: Person  # personnel leader of Anne, Søren, Fatima
    anne: Person  # leads Klimatilpasning (Danish)
    soren: Person  # participates in Klimatilpasning
    fatima: Person  # leads Digital inklusion (English)
    ida: Person  # the secretariat
    network: Network
    english_network: Network


def _person(session: Any, slack_id: str | None = None, **values: Any) -> Person:
    person = Person(**values)
    session.add(person)
    session.flush()
    return link_slack(session, person, slack_id)


def build_org(db: Database, created: datetime, references: bool = True) -> Org:
    """The organisation as of `created` (memberships start then, unless a network starts later)."""
    with freeze_time(created), db.session() as s:
        dept = Department(name="By og Miljø", channel="C0BYMILJO1")
        s.add(dept)
        s.flush()
        mette = _person(
            s, email="mette@example.dk", name="Mette Holm", slack_id="U0METTE001", language="da"
        )
        lars = _person(
            s,
            email="lars@example.dk",
            name="Lars Nielsen",
            slack_id="U0LARS0001",
            language="da",
            manager_id=mette.id,
            department_id=dept.id,
        )
        anne = _person(
            s,
            email="anne@example.dk",
            name="Anne Jensen",
            slack_id="U0ANNE0001",
            language="da",
            manager_id=lars.id,
            department_id=dept.id,
        )
        soren = _person(
            s,
            email="soren@example.dk",
            name="Søren Kjær",
            slack_id="U0SOREN001",
            language="da",
            manager_id=lars.id,
            department_id=dept.id,
        )
        fatima = _person(
            s,
            email="fatima@example.dk",
            name="Fatima Ali",
            slack_id="U0FATIMA01",
            language="en",
            manager_id=lars.id,
            department_id=dept.id,
        )
        ida = _person(
            s,
            email="ida@example.dk",
            name="Ida Frost",
            slack_id="U0IDA00001",
            language="da",
            manager_id=mette.id,
            is_secretariat=True,
        )
        network = Network(
            name="Klimatilpasning",
            theme="Hvordan gør vi byen klar til skybrud?",
            leader_id=anne.id or 0,
            reference_leader_id=mette.id if references else None,
        )
        english = Network(
            name="Digital inklusion",
            theme="Flere borgere skal kunne klare sig selv digitalt",
            leader_id=fatima.id or 0,
            reference_leader_id=mette.id if references else None,
        )
        s.add_all([network, english])
        s.flush()
        from storage.models import NetworkMember

        s.add(NetworkMember(network_id=network.id or 0, person_id=soren.id or 0))
        s.commit()
        return Org(mette, lars, anne, soren, fatima, ida, network, english)


def make_deps(
    db: Database,
    api_url: str | None = None,
    policy_overrides: str | None = None,
    tmp_path: Path | None = None,
    **settings: Any,
) -> Deps:
    values: dict[str, Any] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": "test-signing-secret",
        "netvaerk_timezone": "Europe/Copenhagen",
        "netvaerk_language": "da",
        "netvaerk_secretariat_channel": None,
    }
    if api_url:
        values["slack_api_url"] = api_url
    values.update(settings)
    deps = build_deps(Settings(**values), db)
    if policy_overrides is not None:
        assert tmp_path is not None
        path = tmp_path / "policy.toml"
        path.write_text(policy_overrides, encoding="utf-8")
        deps.calendar = WorkingCalendar(load_policy(path))
    return deps


def outbox(db: Database, **where: Any) -> list[OutboxMessage]:
    with db.session() as s:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        for name, value in where.items():
            query = query.where(getattr(OutboxMessage, name) == value)
        return list(s.exec(query).all())


def keys(db: Database, **where: Any) -> list[str]:
    return [row.dedupe_key for row in outbox(db, **where)]


def book(
    db: Database, employee: Person, manager: Person, starts_at: datetime, *, at: datetime
) -> Conversation:
    """A conversation booked (as the booking feature would leave it) at `at`."""
    with freeze_time(at), db.session() as s:
        conversation = Conversation(
            uid=f"samtale-test-{employee.id}-{starts_at.timestamp()}",
            employee_id=employee.id or 0,
            manager_id=manager.id or 0,
            status=ConversationStatus.BOOKED,
            proposed_by_id=employee.id or 0,
            proposals=[starts_at.isoformat()],
            starts_at=starts_at,
            booked_at=at,
        )
        s.add(conversation)
        s.commit()
        s.refresh(conversation)
        return conversation


def local(moment: datetime) -> tuple[date, time]:
    value = moment.astimezone(CPH)
    return value.date(), value.time()


# --- delivery without Slack, for the calendar walks -----------------------------------------


@dataclass(frozen=True)
class Delivered:
    at: datetime
    address: str
    outbox_id: int
    text: str


class RecordingTransport:
    """A chat port that records what it is asked to send (the calendar tests are about *when*
    and *to whom*; the Slack side has its own end-to-end tests against the emulator)."""

    platform = "slack"

    def __init__(self) -> None:
        self.delivered: list[Delivered] = []

    def send(self, to: str, message: Any, *, thread: str | None = None) -> Sent:
        from bot.core.clock import now

        outbox_id = int((message.metadata or {})["outbox_id"])
        self.delivered.append(Delivered(now(), to, outbox_id, message.text))
        return Sent(channel=f"D{to}", ts=f"{len(self.delivered)}.000")

    def fits(self, message: Any) -> bool:
        from platforms.slack.blocks import fits

        return fits(message)

    def attach(self, to: str, attachment: Any, *, thread: str | None = None) -> None:
        raise AssertionError("delivery sends no files")

    def update(self, sent: Sent, message: Any) -> None:
        raise AssertionError("delivery updates nothing")

    def join(self, channel: str) -> None:
        raise AssertionError("delivery joins no channels")

    def find(self, to: str, key: str, value: str, since: datetime) -> Sent | None:
        for item in self.delivered:
            if item.address == to and str(item.outbox_id) == value:
                return Sent(channel=f"D{to}", ts="1.000")
        return None


def tick_at(deps: Deps, transport: Any, moment: datetime) -> None:
    """One planner + delivery pass at `moment`, with a clock that moves while delivery waits."""
    from schedules.delivery import Delivery
    from schedules.planner import plan

    with freeze_time(moment) as frozen:
        plan(deps)
        Delivery(deps, transport, sleep=lambda s: frozen.tick(s), concurrency=1).run()


# A day's ticks: one after midnight (the daily pass), then hourly through the sending window.
DAY_TICKS = (time(0, 5), time(8), time(9), time(10), time(14))


def walk(deps: Deps, transport: Any, first: date, last: date) -> None:
    """Tick through the days `first`..`last` (Copenhagen time), as a running bot would."""
    from datetime import timedelta

    day = first
    while day <= last:
        for at in DAY_TICKS:
            tick_at(deps, transport, datetime.combine(day, at, tzinfo=CPH).astimezone(UTC))
        day += timedelta(days=1)


def sent_log(db: Database, transport: RecordingTransport, org: Org) -> list[tuple[str, str, str]]:
    """(local time "YYYY-MM-DD HH:MM:SS", recipient first name, kind) for everything delivered."""
    names = {
        slack_id(p): p.name.split()[0]
        for p in (org.mette, org.lars, org.anne, org.soren, org.fatima, org.ida)
    }
    kinds = {row.id: row.kind for row in outbox(db)}
    return [
        (
            f"{item.at.astimezone(CPH):%Y-%m-%d %H:%M:%S}",
            names.get(item.address, item.address),
            kinds[item.outbox_id],
        )
        for item in transport.delivered
    ]


def hold(db: Database, employee: Person, manager: Person, held_at: datetime) -> Conversation:
    """A conversation that took place (settles the booking nudges for a year)."""
    with freeze_time(held_at), db.session() as s:
        conversation = Conversation(
            uid=f"samtale-held-{employee.id}-{held_at.timestamp()}",
            employee_id=employee.id or 0,
            manager_id=manager.id or 0,
            status=ConversationStatus.HELD,
            proposed_by_id=employee.id or 0,
            proposals=[],
            held_at=held_at,
        )
        s.add(conversation)
        s.commit()
        s.refresh(conversation)
        return conversation


def agree(db: Database, conversation: Conversation, review: date, at: datetime) -> Any:
    from storage.models import Agreement

    with freeze_time(at), db.session() as s:
        agreement = Agreement(
            conversation_id=conversation.id or 0,
            employee_id=conversation.employee_id,
            manager_id=conversation.manager_id,
            hours=4,
            competence="Facilitering",
            review_date=review,
            recorded_by_id=conversation.manager_id,
        )
        s.add(agreement)
        s.commit()
        s.refresh(agreement)
        return agreement


def puls_talk(
    db: Database, employee: Person, manager: Person, day: date, at: time | None, created: datetime
) -> Any:
    from storage.models import PulsTalk

    with freeze_time(created), db.session() as s:
        talk = PulsTalk(
            employee_id=employee.id or 0, manager_id=manager.id or 0, talk_date=day, talk_time=at
        )
        s.add(talk)
        s.commit()
        s.refresh(talk)
        return talk


# The reminders of issue #3. Other features add their own rules to the registry; these tests
# assert exactly what the scheduler's own reminders send, so they run the planner with these.
SCHEDULER_RULES = (
    "booking",
    "escalation",
    "reflection",
    "follow_up",
    "agreement_review",
    "puls",
    "reference_leader",
    "theme_invite",
    "theme_proposal",
)


@pytest.fixture
def only_scheduler_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    only_rules(monkeypatch, SCHEDULER_RULES)


def only_rules(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]) -> None:
    """Deps built from now on (netvaerk.app.build_deps) plan with these rules only."""
    import dataclasses

    import netvaerk.features

    full = netvaerk.features.registry

    def restricted() -> Registry:
        registry = full()
        rules = tuple((name, rule) for name, rule in registry.rules if name in names)
        return dataclasses.replace(registry, rules=rules)

    monkeypatch.setattr(netvaerk.features, "registry", restricted)
