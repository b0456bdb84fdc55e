"""App Home: what concerns each person, most urgent first, with buttons that act.

Built from the tables as platform-neutral parts (bot/core/ui.py); the Slack adapter renders and
pages them (`render_home`). One person may hold several roles — a personnel leader who also leads a
network sees both — so the page is the sections that apply, in this order:

1. what is waiting on me (answer a proposal, book, record an agreement, revisit it);
2. for the secretariat, what needs attention now (escalations, failed deliveries);
3. my networks, my conversation and agreement, my next PULS talk (leader / participant);
4. my employees in networks, upcoming PULS talks and department meetings (personnel leader);
5. the networks I am reference leader for, and the last sparring;
6. the organisation at a glance (secretariat);
7. the privacy notice and "Mine data".

Features that land later (the checklist, results and recognition) add their parts in the slots
of `HomeSlot`, declared in their `feature.py` and handed in through `HomeContext.sections` —
each hook returns parts for one person, or none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.booking.domain import latest_conversation
from bot.core import actions, permissions, ui
from bot.core.feature import HomeSlot, SectionHook
from bot.core.formatting import format_date, format_datetime
from bot.core.i18n import Translator
from bot.core.permissions import Role
from bot.organisation.people import active_person, employees_in_networks, networks_of
from bot.privacy.domain import RetentionPolicy, notice_parts
from bot.secretariat.messages import secretariat_buttons
from storage.models import (
    Agreement,
    Conversation,
    ConversationStatus,
    Department,
    Network,
    NetworkMember,
    Person,
    PulsTalk,
)
from storage.scheduling_models import OutboxMessage, OutboxStatus, ThemeProposal

PULS_AHEAD_DAYS = 60
FAILED_SHOWN = 10
PROPOSALS_SHOWN = 5
# Aggregates of what people answered are shown only over at least this many people, so no one
# can be singled out (k-anonymity).
K_ANONYMITY = 5


@dataclass(frozen=True)
class HomeContext:
    t: Translator
    tz: str
    now: datetime
    retention: RetentionPolicy
    # The later features' parts, by slot: `Registry.home` (bot/core/feature.py).
    sections: Mapping[HomeSlot, tuple[SectionHook, ...]]

    @property
    def today(self) -> date:
        return self.now.astimezone(ZoneInfo(self.tz)).date()

    def date(self, day: date) -> str:
        return format_date(day, self.t.language)

    def when(self, moment: datetime) -> str:
        return format_datetime(moment, self.t.language, self.tz)


def _run(slot: HomeSlot, session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    return [part for hook in ctx.sections.get(slot, ()) for part in hook(session, person, ctx)]


# --- the page ---------------------------------------------------------------------------------


def build_home(session: Session, person: Person | None, ctx: HomeContext) -> list[ui.Part]:
    t = ctx.t
    if person is None or person.id is None:
        return [
            ui.Heading(t("home.heading.unknown")),
            ui.Text(t("error.not_in_data")),
            ui.Divider(),
            *notice_parts(t, ctx.retention),
        ]
    roles = permissions.roles_of(session, person)
    parts: list[ui.Part] = [
        ui.Heading(t("home.heading.hello", name=person.name.split()[0])),
        ui.Text(t("home.intro")),
    ]
    parts += _waiting(session, person, ctx)
    if Role.SECRETARIAT in roles:
        parts += _secretariat_urgent(session, ctx)
    if roles & {Role.LEADER, Role.PARTICIPANT}:
        parts += _my_networks(session, person, ctx)
    parts += _my_conversation(session, person, ctx)
    if Role.MANAGER in roles:
        parts += _my_employees(session, person, ctx)
    if Role.REFERENCE_LEADER in roles:
        parts += _reference(session, person, ctx)
    if Role.SECRETARIAT in roles:
        parts += _secretariat_overview(session, person, ctx)
    parts.append(ui.Divider())
    parts += notice_parts(t, ctx.retention)
    parts.append(
        ui.Buttons((ui.Button(t("home.button.my_data"), actions.PRIVACY_EXPORT),), id="privacy")
    )
    return parts


# --- 1. waiting on me -------------------------------------------------------------------------


def _open_for(session: Session, employee_id: int, manager_id: int) -> Conversation | None:
    latest = latest_conversation(session, employee_id, manager_id)
    if latest is None or latest.status in (
        ConversationStatus.CANCELLED,
        ConversationStatus.DECLINED,
    ):
        return None
    return latest


def _waiting(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t, pid = ctx.t, person.id or 0
    items: list[ui.Part] = []
    proposals = session.exec(
        select(Conversation).where(
            Conversation.status == ConversationStatus.PROPOSED,
            (Conversation.employee_id == pid) | (Conversation.manager_id == pid),
            Conversation.proposed_by_id != pid,
        )
    ).all()
    for conversation in proposals:
        other = session.get(Person, conversation.proposed_by_id)
        items.append(ui.Text(t("home.waiting.answer", name=other.name if other else "?")))
    manager = active_person(session, person.manager_id)
    own_missing = manager is not None and _open_for(session, pid, manager.id or 0) is None
    if manager is not None and own_missing and networks_of(session, pid):
        items.append(ui.Text(t("home.waiting.book_own", name=manager.name)))
        items.append(ui.Buttons((ui.Button(t("home.button.book"), actions.BOOKING_OPEN),)))
    seen: set[int] = set()
    for employee, _network in employees_in_networks(session, pid):
        if employee.id in seen or _open_for(session, employee.id or 0, pid) is not None:
            continue
        seen.add(employee.id or 0)
        items.append(ui.Text(t("home.waiting.book_employee", name=employee.name)))
        items.append(
            ui.Buttons(
                (
                    ui.Button(
                        t("home.button.book_with", name=employee.name),
                        actions.BOOKING_OPEN,
                        str(employee.id),
                        "primary",
                    ),
                )
            )
        )
    items += _agreements_due(session, pid, ctx)
    items += _run(HomeSlot.WAITING, session, person, ctx)
    head: list[ui.Part] = [ui.Divider(), ui.Heading(t("home.waiting.heading"))]
    return head + (items or [ui.Text(t("home.waiting.nothing"))])


def _agreements_due(session: Session, pid: int, ctx: HomeContext) -> list[ui.Part]:
    t = ctx.t
    items: list[ui.Part] = []
    past = session.exec(
        select(Conversation).where(
            Conversation.status == ConversationStatus.BOOKED,
            (Conversation.employee_id == pid) | (Conversation.manager_id == pid),
            col(Conversation.starts_at) < ctx.now,
        )
    ).all()
    for conversation in past:
        other = session.get(
            Person,
            conversation.manager_id
            if conversation.employee_id == pid
            else conversation.employee_id,
        )
        items.append(ui.Text(t("home.waiting.record", name=other.name if other else "?")))
        items.append(
            ui.Buttons(
                (ui.Button(t("home.button.record"), actions.AGREEMENT_OPEN, str(conversation.id)),)
            )
        )
    reviews = session.exec(
        select(Agreement).where(
            (Agreement.employee_id == pid) | (Agreement.manager_id == pid),
            col(Agreement.review_date) <= ctx.today,
        )
    ).all()
    for agreement in reviews:
        other_id = agreement.manager_id if agreement.employee_id == pid else agreement.employee_id
        other = session.get(Person, other_id)
        items.append(
            ui.Text(
                t(
                    "home.waiting.review",
                    name=other.name if other else "?",
                    date=ctx.date(agreement.review_date),
                )
            )
        )
    return items


# --- 2. the secretariat: now ------------------------------------------------------------------


def _secretariat_urgent(session: Session, ctx: HomeContext) -> list[ui.Part]:
    t = ctx.t
    parts: list[ui.Part] = [ui.Divider(), ui.Heading(t("home.secretariat.urgent_heading"))]
    escalated = escalations(session)
    if escalated:
        lines = [t("home.secretariat.escalation_line", employee=e, manager=m) for e, m in escalated]
        parts.append(ui.Text(t("home.secretariat.escalations", count=len(lines))))
        parts.append(ui.Text(ui.join("\n", lines)))
    failed = failed_deliveries(session)
    if failed:
        parts.append(ui.Text(t("home.secretariat.failed", count=len(failed))))
        for row, who in failed[:FAILED_SHOWN]:
            parts.append(
                ui.Text(
                    t(
                        "home.secretariat.failed_line",
                        who=who,
                        what=row.kind,
                        error=row.last_error or "?",
                        when=ctx.when(row.finished_at or row.created_at),
                    )
                )
            )
            parts.append(
                ui.Buttons(
                    (ui.Button(t("home.button.retry"), actions.DELIVERY_RETRY, str(row.id)),)
                )
            )
        if len(failed) > 1:
            parts.append(
                ui.Buttons((ui.Button(t("home.button.retry_all"), actions.DELIVERY_RETRY, "all"),))
            )
    if not escalated and not failed:
        parts.append(ui.Text(t("home.secretariat.calm")))
    return parts


def escalations(session: Session) -> list[tuple[str, str]]:
    """(employee, manager) from the scheduler's latest escalation that are still without a
    booked or held conversation."""
    latest = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "escalation")
        .order_by(col(OutboxMessage.created_at).desc(), col(OutboxMessage.id).desc())
    ).first()
    if latest is None:
        return []
    found: list[tuple[str, str]] = []
    for employee_id, manager_id in latest.payload.get("pairs", []):
        if _open_for(session, int(employee_id), int(manager_id)) is not None:
            continue
        employee = active_person(session, int(employee_id))
        manager = active_person(session, int(manager_id))
        if employee is not None and manager is not None:
            found.append((employee.name, manager.name))
    return found


def failed_deliveries(session: Session) -> list[tuple[OutboxMessage, str]]:
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(col(OutboxMessage.finished_at).desc(), col(OutboxMessage.id).desc())
    ).all()
    result = []
    for row in rows:
        who = row.channel or "–"
        if row.recipient_id is not None:
            person = session.get(Person, row.recipient_id)
            who = person.name if person else "–"
        result.append((row, who))
    return result


# --- 3. my networks and my conversation -------------------------------------------------------


def _my_networks(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t, pid = ctx.t, person.id or 0
    parts: list[ui.Part] = [ui.Divider(), ui.Heading(t("home.networks.heading"))]
    for network in networks_of(session, pid):
        role = t("home.role.leader") if network.leader_id == pid else t("home.role.participant")
        reference = active_person(session, network.reference_leader_id)
        facts = [
            (t("home.networks.role"), role),
            (t("home.networks.reference"), reference.name if reference else "–"),
        ]
        if network.start_date or network.end_date:
            facts.append((t("home.networks.period"), _period(ctx, network)))
        parts.append(ui.Text(ui.concat(ui.bold(network.name), "\n", network.theme)))
        parts.append(ui.Facts(tuple(facts)))
    parts += _run(HomeSlot.MY_NETWORKS, session, person, ctx)
    return parts


def _period(ctx: HomeContext, network: Network) -> str:
    start = ctx.date(network.start_date) if network.start_date else "…"
    end = ctx.date(network.end_date) if network.end_date else "…"
    return f"{start} – {end}"


def conversation_status(conversation: Conversation | None) -> str:
    """booked / held / missing (a proposal counts as missing until it is answered)."""
    if conversation is None:
        return "missing"
    if conversation.status == ConversationStatus.HELD:
        return "held"
    if conversation.status == ConversationStatus.BOOKED:
        return "booked"
    if conversation.status == ConversationStatus.PROPOSED:
        return "proposed"
    return "missing"


def _status_text(ctx: HomeContext, conversation: Conversation | None) -> str:
    status = conversation_status(conversation)
    if conversation is not None and status == "booked" and conversation.starts_at:
        return ctx.t("home.status.booked_at", when=ctx.when(conversation.starts_at))
    if conversation is not None and status == "held":
        held = conversation.held_at or conversation.starts_at
        if held is not None:
            return ctx.t(
                "home.status.held_at", date=ctx.date(held.astimezone(ZoneInfo(ctx.tz)).date())
            )
    return ctx.t(f"home.status.{status}")


def _my_conversation(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t, pid = ctx.t, person.id or 0
    manager = active_person(session, person.manager_id)
    in_network = bool(networks_of(session, pid))
    puls = next_puls(session, pid, ctx.today)
    if not in_network and puls is None:
        return []
    parts: list[ui.Part] = [ui.Divider(), ui.Heading(t("home.mine.heading"))]
    facts: list[tuple[str, str]] = []
    if in_network and manager is not None:
        conversation = latest_conversation(session, pid, manager.id or 0)
        facts.append(
            (t("home.mine.conversation", name=manager.name), _status_text(ctx, conversation))
        )
        agreement = (
            session.exec(
                select(Agreement).where(Agreement.conversation_id == conversation.id)
            ).first()
            if conversation is not None
            else None
        )
        facts.append((t("home.mine.agreement"), _agreement_text(ctx, agreement)))
    if puls is not None:
        facts.append((t("home.mine.puls"), ctx.date(puls.talk_date)))
    parts.append(ui.Facts(tuple(facts)))
    return parts


def _agreement_text(ctx: HomeContext, agreement: Agreement | None) -> str:
    if agreement is None:
        return ctx.t("home.agreement.none")
    hours = f"{agreement.hours:g}"
    return ctx.t(
        f"home.agreement.summary_{agreement.hours_period}",
        hours=hours,
        review=ctx.date(agreement.review_date),
    )


def next_puls(session: Session, employee_id: int, today: date) -> PulsTalk | None:
    return session.exec(
        select(PulsTalk)
        .where(PulsTalk.employee_id == employee_id, col(PulsTalk.talk_date) >= today)
        .order_by(col(PulsTalk.talk_date))
    ).first()


# --- 4. the personnel leader --------------------------------------------------------------------


def _my_employees(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t, pid = ctx.t, person.id or 0
    parts: list[ui.Part] = [ui.Divider(), ui.Heading(t("home.employees.heading"))]
    pairs = employees_in_networks(session, pid)
    if not pairs:
        parts.append(ui.Text(t("home.employees.none")))
    for employee, network in pairs:
        conversation = latest_conversation(session, employee.id or 0, pid)
        parts.append(
            ui.Text(
                t(
                    "home.employees.line",
                    name=employee.name,
                    network=network.name,
                    status=_status_text(ctx, conversation),
                )
            )
        )
    talks = session.exec(
        select(PulsTalk)
        .where(
            PulsTalk.manager_id == pid,
            col(PulsTalk.talk_date) >= ctx.today,
            col(PulsTalk.talk_date) <= ctx.today + timedelta(days=PULS_AHEAD_DAYS),
        )
        .order_by(col(PulsTalk.talk_date))
    ).all()
    if talks:
        lines = []
        for talk in talks:
            talker = session.get(Person, talk.employee_id)
            lines.append(
                t(
                    "home.employees.puls_line",
                    name=talker.name if talker else "?",
                    date=ctx.date(talk.talk_date),
                )
            )
        parts.append(ui.Text(ui.join("\n", (t("home.employees.puls_heading"), *lines))))
    meetings = _department_meetings(session, pid, ctx)
    if meetings:
        parts.append(ui.Text(ui.join("\n", (t("home.employees.meetings_heading"), *meetings))))
    parts += _run(HomeSlot.MY_EMPLOYEES, session, person, ctx)
    return parts


def _department_meetings(session: Session, manager_id: int, ctx: HomeContext) -> list[ui.Rich]:
    t = ctx.t
    ids = set(
        session.exec(
            select(Person.department_id).where(
                Person.manager_id == manager_id, col(Person.department_id).is_not(None)
            )
        ).all()
    )
    lines = []
    for department in session.exec(
        select(Department).where(col(Department.id).in_(ids)).order_by(col(Department.name))
    ).all():
        if department.meeting_weekday is None:
            continue
        weekday = t(f"format.weekday.{department.meeting_weekday}")
        at = department.meeting_time.strftime("%H:%M") if department.meeting_time else "–"
        interval = department.meeting_interval_weeks or 1
        lines.append(
            t(
                "home.employees.meeting_line",
                department=department.name,
                weekday=weekday,
                time=at,
                weeks=interval,
            )
        )
    return lines


# --- 5. the reference leader --------------------------------------------------------------------


def _reference(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t, pid = ctx.t, person.id or 0
    parts: list[ui.Part] = [ui.Divider(), ui.Heading(t("home.reference.heading"))]
    networks = session.exec(
        select(Network).where(Network.reference_leader_id == pid).order_by(col(Network.name))
    ).all()
    for network in networks:
        leader = session.get(Person, network.leader_id)
        last = last_sparring(session, pid, network.id or 0)
        parts.append(
            ui.Text(
                t(
                    "home.reference.line",
                    network=network.name,
                    leader=leader.name if leader else "?",
                    sparring=ctx.date(last.astimezone(ZoneInfo(ctx.tz)).date())
                    if last
                    else t("home.reference.no_sparring"),
                )
            )
        )
    return parts


def last_sparring(session: Session, reference_id: int, network_id: int) -> datetime | None:
    """When the scheduler last sent the sparring prompt for this network."""
    return session.exec(
        select(OutboxMessage.sent_at)
        .where(
            OutboxMessage.recipient_id == reference_id,
            OutboxMessage.kind == "reference_sparring",
            col(OutboxMessage.subject).startswith(f"sparring:{network_id}:"),
            col(OutboxMessage.sent_at).is_not(None),
        )
        .order_by(col(OutboxMessage.sent_at).desc())
    ).first()


# --- 6. the secretariat: the organisation at a glance -------------------------------------------


@dataclass
class DepartmentCounts:
    booked: int = 0
    held: int = 0
    missing: int = 0


def department_counts(session: Session) -> dict[str, DepartmentCounts]:
    """Per department: employees in networks whose conversation with their current personnel
    leader is booked, held, or missing (a waiting proposal counts as missing)."""
    counts: dict[str, DepartmentCounts] = {}
    names = {d.id: d.name for d in session.exec(select(Department)).all()}
    members = set(session.exec(select(NetworkMember.person_id)).all())
    leaders = set(session.exec(select(Network.leader_id)).all())
    for person in session.exec(
        select(Person).where(col(Person.id).in_(members | leaders), col(Person.active))
    ).all():
        department = names.get(person.department_id, "–") if person.department_id else "–"
        bucket = counts.setdefault(department, DepartmentCounts())
        status = "missing"
        if person.manager_id is not None:
            status = conversation_status(
                latest_conversation(session, person.id or 0, person.manager_id)
            )
        if status == "booked":
            bucket.booked += 1
        elif status == "held":
            bucket.held += 1
        else:
            bucket.missing += 1
    return dict(sorted(counts.items()))


def _secretariat_overview(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    t = ctx.t
    networks = session.exec(select(Network).order_by(col(Network.name))).all()
    running = [n for n in networks if n.end_date is None or n.end_date >= ctx.today]
    parts: list[ui.Part] = [
        ui.Divider(),
        ui.Heading(t("home.secretariat.heading")),
        secretariat_buttons(t, id="secretariat"),
        ui.Facts(
            (
                (t("home.secretariat.networks"), str(len(running))),
                (t("home.secretariat.closed"), str(len(networks) - len(running))),
            )
        ),
    ]
    counts = department_counts(session)
    if counts:
        lines = [
            t(
                "home.secretariat.department_line",
                department=name,
                booked=c.booked,
                held=c.held,
                missing=c.missing,
            )
            for name, c in counts.items()
        ]
        parts.append(ui.Text(ui.join("\n", (t("home.secretariat.departments"), *lines))))
    proposals = session.exec(
        select(ThemeProposal).order_by(col(ThemeProposal.created_at).desc()).limit(PROPOSALS_SHOWN)
    ).all()
    if proposals:
        lines = []
        for proposal in proposals:
            who = session.get(Person, proposal.proposed_by_id)
            lines.append(
                t(
                    "home.secretariat.proposal_line",
                    name=who.name if who else "?",
                    text=_short(proposal.text, 200),
                )
            )
        parts.append(ui.Text(ui.join("\n", (t("home.secretariat.proposals"), *lines))))
    parts += _run(HomeSlot.SECRETARIAT, session, person, ctx)
    parts.append(ui.Heading(t("home.secretariat.network_list")))
    member_counts = Counter(session.exec(select(NetworkMember.network_id)).all())
    for network in networks:
        leader = session.get(Person, network.leader_id)
        closed = network.end_date is not None and network.end_date < ctx.today
        parts.append(
            ui.Text(
                t(
                    "home.secretariat.network_line_closed"
                    if closed
                    else "home.secretariat.network_line",
                    name=network.name,
                    leader=leader.name if leader else "?",
                    members=member_counts.get(network.id or 0, 0),
                )
            )
        )
        buttons = [ui.Button(t("home.button.edit"), actions.NETWORK_EDIT, str(network.id))]
        if not closed:
            buttons.append(
                ui.Button(t("home.button.close"), actions.NETWORK_CLOSE, str(network.id))
            )
        parts.append(ui.Buttons(tuple(buttons)))
    return parts


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
