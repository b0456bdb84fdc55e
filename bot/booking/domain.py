"""The conversation (samtalen): propose times, answer, reschedule, cancel, record the agreement.

The seed: the network leader invites their personnel leader to a conversation to find "en god
balance mellem arbejdet i netværk og i basisorganisationen". Either of the two may start it
here; only those two may act on it.

Every change raises `Conversation.revision` with a guarded UPDATE, so a double click, a Slack
retry or two people answering at once changes the conversation once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from bot.core import audit
from bot.core.clock import now
from bot.core.refusal import Refusal
from bot.organisation.people import (
    Standing,
    active_person,
    employees_in_networks,
    networks_of,
)
from storage.models import Agreement, Conversation, ConversationStatus, Network, Person

OPEN_STATUSES = (ConversationStatus.PROPOSED, ConversationStatus.BOOKED)
MAX_PROPOSALS = 3
PLACE_KINDS = ("room", "teams", "phone", "other")
AGREEMENT_REVIEW_MONTHS = 6


@dataclass(frozen=True)
class Pairing:
    """A possible conversation: this employee, this personnel leader, about this network."""

    employee: Person
    manager: Person
    network: Network
    status: str | None  # the pair's latest open or held conversation, if any

    @property
    def value(self) -> str:
        return f"{self.employee.id}:{self.manager.id}:{self.network.id}"

    @property
    def settled(self) -> bool:
        return self.status in (ConversationStatus.BOOKED, ConversationStatus.HELD)


@dataclass(frozen=True)
class Proposal:
    times: tuple[datetime, ...]
    duration_minutes: int
    place_kind: str
    place_text: str | None
    note: str | None


@dataclass(frozen=True)
class AgreementInput:
    hours: float
    hours_period: str
    reprioritised: str | None
    secretariat_time: str | None
    competence: str | None
    showcase: str | None
    review_date: date


@dataclass(frozen=True)
class Outcome:
    conversation: Conversation
    changed: bool  # False when the request repeated one already carried out


# --- who can book with whom ----------------------------------------------------------------


def latest_conversation(session: Session, employee_id: int, manager_id: int) -> Conversation | None:
    return session.exec(
        select(Conversation)
        .where(Conversation.employee_id == employee_id, Conversation.manager_id == manager_id)
        .order_by(col(Conversation.created_at).desc(), col(Conversation.id).desc())
    ).first()


# Built once (the booking form asks on every `/netvaerk book`); oldest first, so the latest wins.
_LATEST_STATUSES = (
    select(Conversation.employee_id, Conversation.manager_id, Conversation.status)
    .where(
        col(Conversation.employee_id).in_(bindparam("employees", expanding=True)),
        col(Conversation.manager_id).in_(bindparam("managers", expanding=True)),
    )
    .order_by(col(Conversation.created_at), col(Conversation.id))
)


def latest_statuses(session: Session, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The status of the latest conversation of each (employee, manager) pair, in one query."""
    if not pairs:
        return {}
    employees, managers = sorted({e for e, _ in pairs}), sorted({m for _, m in pairs})
    rows = session.exec(
        _LATEST_STATUSES,
        params={"employees": employees, "managers": managers},
    ).all()
    return {(e, m): status for e, m, status in rows}  # the latest wins


def pairings_for(
    session: Session,
    actor: Person,
    other: Person | None = None,
    standing: Standing | None = None,
) -> list[Pairing]:
    """Everyone `actor` may book the conversation with, those still without one first.

    `standing` is the actor's, when the caller has already read it (one query fewer each)."""
    assert actor.id is not None
    if standing is None or standing.person.id != actor.id:
        manager, own_networks = (
            active_person(session, actor.manager_id),
            networks_of(session, actor.id),
        )
    else:
        manager, own_networks = standing.manager, list(standing.networks)
    pairs: list[tuple[Person, Person, Network]] = []
    if manager is not None:
        pairs += [(actor, manager, network) for network in own_networks]
    pairs += [
        (employee, actor, network) for employee, network in employees_in_networks(session, actor.id)
    ]
    if not pairs:
        if own_networks:
            raise Refusal("booking.refusal.no_manager")
        raise Refusal("booking.refusal.nothing_to_book")
    if other is not None:
        pairs = [p for p in pairs if other.id in (p[0].id, p[1].id)]
        if not pairs:
            raise Refusal("booking.refusal.not_related", name=other.name)
    statuses = latest_statuses(session, [(e.id or 0, m.id or 0) for e, m, _ in pairs])
    result = [
        Pairing(employee, mgr, network, statuses.get((employee.id or 0, mgr.id or 0)))
        for employee, mgr, network in pairs
    ]
    return sorted(
        result, key=lambda p: (p.settled, p.employee.name.lower(), p.network.name.lower())
    )


def resolve_pairing(session: Session, actor: Person, value: str | None) -> Pairing:
    """The pairing chosen in the form, checked again: the data may have changed meanwhile."""
    for pairing in pairings_for(session, actor):
        if pairing.value == value:
            return pairing
    raise Refusal("booking.refusal.pairing_gone")


# --- the conversation's life ---------------------------------------------------------------


def _party(conversation: Conversation, actor: Person) -> None:
    if actor.id not in (conversation.employee_id, conversation.manager_id):
        raise Refusal("booking.refusal.not_party")


def other_party_id(conversation: Conversation, person_id: int | None) -> int:
    if person_id == conversation.employee_id:
        return conversation.manager_id
    return conversation.employee_id


def _bump(session: Session, conversation: Conversation, expected: int) -> bool:
    """Raise the revision if it is still `expected`; False when someone else changed it first."""
    result = session.execute(
        update(Conversation)
        .where(col(Conversation.id) == conversation.id, col(Conversation.revision) == expected)
        .values(revision=expected + 1)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        return False
    conversation.revision = expected + 1
    return True


def _save(session: Session, conversation: Conversation, actor: Person, action: str) -> None:
    conversation.updated_at = now()
    session.add(conversation)
    audit.record(session, audit.person_actor(actor.id), action, "conversation", conversation.id)
    session.commit()
    session.refresh(conversation)


def get_conversation(session: Session, conversation_id: int) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise Refusal("booking.refusal.gone")
    return conversation


def propose(session: Session, actor: Person, pairing: Pairing, proposal: Proposal) -> Conversation:
    """Propose times to the other party; an unanswered proposal for the pair is replaced."""
    latest = latest_conversation(session, pairing.employee.id or 0, pairing.manager.id or 0)
    if latest is not None and latest.status == ConversationStatus.BOOKED:
        assert latest.starts_at is not None
        if latest.starts_at > now():
            raise Refusal("booking.refusal.already_booked", when=latest.starts_at)
    if latest is not None and latest.status == ConversationStatus.PROPOSED:
        conversation = latest
        if not _bump(session, conversation, conversation.revision):
            raise Refusal("booking.refusal.outdated")
    else:
        conversation = Conversation(
            uid=f"samtale-{uuid.uuid4()}@netvaerksbot",
            employee_id=pairing.employee.id or 0,
            manager_id=pairing.manager.id or 0,
            proposed_by_id=actor.id or 0,
        )
    conversation.network_id = pairing.network.id
    conversation.status = ConversationStatus.PROPOSED
    conversation.proposed_by_id = actor.id or 0
    conversation.proposals = [t.isoformat() for t in proposal.times]
    conversation.duration_minutes = proposal.duration_minutes
    conversation.place_kind = proposal.place_kind
    conversation.place_text = proposal.place_text
    conversation.note = proposal.note
    _save(session, conversation, actor, "conversation.proposed")
    return conversation


def check_answerable(conversation: Conversation, actor: Person, revision: int) -> None:
    _party(conversation, actor)
    if conversation.status != ConversationStatus.PROPOSED or conversation.revision != revision:
        raise Refusal("booking.refusal.outdated")
    if conversation.proposed_by_id == actor.id:
        raise Refusal("booking.refusal.own_proposal")


def accept(
    session: Session, actor: Person, conversation_id: int, revision: int, index: int
) -> Outcome:
    conversation = get_conversation(session, conversation_id)
    chosen = _proposal_time(conversation, index)
    if (
        conversation.status == ConversationStatus.BOOKED
        and conversation.revision == revision + 1
        and conversation.starts_at == chosen
    ):
        _party(conversation, actor)
        return Outcome(conversation, changed=False)  # the same click again
    check_answerable(conversation, actor, revision)
    if chosen is None:
        raise Refusal("booking.refusal.outdated")
    if chosen <= now():
        raise Refusal("booking.refusal.time_passed")
    if not _bump(session, conversation, revision):
        session.refresh(conversation)
        return accept(session, actor, conversation_id, revision, index)
    conversation.status = ConversationStatus.BOOKED
    conversation.starts_at = chosen
    conversation.booked_at = now()
    conversation.sequence += 1
    _save(session, conversation, actor, "conversation.booked")
    return Outcome(conversation, changed=True)


def _proposal_time(conversation: Conversation, index: int) -> datetime | None:
    if not 0 <= index < len(conversation.proposals):
        return None
    return datetime.fromisoformat(conversation.proposals[index])


def counter_propose(
    session: Session, actor: Person, conversation_id: int, revision: int, proposal: Proposal
) -> Conversation:
    conversation = get_conversation(session, conversation_id)
    check_answerable(conversation, actor, revision)
    if not _bump(session, conversation, revision):
        raise Refusal("booking.refusal.outdated")
    conversation.proposed_by_id = actor.id or 0
    conversation.proposals = [t.isoformat() for t in proposal.times]
    conversation.duration_minutes = proposal.duration_minutes
    conversation.place_kind = proposal.place_kind
    conversation.place_text = proposal.place_text
    conversation.note = proposal.note
    _save(session, conversation, actor, "conversation.counter_proposed")
    return conversation


def decline(session: Session, actor: Person, conversation_id: int, revision: int) -> Outcome:
    conversation = get_conversation(session, conversation_id)
    if conversation.status == ConversationStatus.DECLINED and conversation.revision == revision + 1:
        _party(conversation, actor)
        return Outcome(conversation, changed=False)
    check_answerable(conversation, actor, revision)
    if not _bump(session, conversation, revision):
        raise Refusal("booking.refusal.outdated")
    conversation.status = ConversationStatus.DECLINED
    conversation.closed_at = now()
    _save(session, conversation, actor, "conversation.declined")
    return Outcome(conversation, changed=True)


def _booked(session: Session, actor: Person, conversation_id: int) -> Conversation:
    conversation = get_conversation(session, conversation_id)
    _party(conversation, actor)
    if conversation.status != ConversationStatus.BOOKED:
        raise Refusal(f"booking.refusal.not_booked.{conversation.status}")
    return conversation


def check_reschedulable(session: Session, actor: Person, conversation_id: int) -> Conversation:
    return _booked(session, actor, conversation_id)


def reschedule(
    session: Session, actor: Person, conversation_id: int, starts_at: datetime, duration: int
) -> Outcome:
    conversation = _booked(session, actor, conversation_id)
    if conversation.starts_at == starts_at and conversation.duration_minutes == duration:
        return Outcome(conversation, changed=False)
    if not _bump(session, conversation, conversation.revision):
        raise Refusal("booking.refusal.outdated")
    conversation.starts_at = starts_at
    conversation.duration_minutes = duration
    conversation.sequence += 1
    _save(session, conversation, actor, "conversation.rescheduled")
    return Outcome(conversation, changed=True)


def cancel(session: Session, actor: Person, conversation_id: int) -> Outcome:
    conversation = get_conversation(session, conversation_id)
    _party(conversation, actor)
    if conversation.status == ConversationStatus.CANCELLED:
        return Outcome(conversation, changed=False)
    if conversation.status not in OPEN_STATUSES:
        raise Refusal(f"booking.refusal.not_booked.{conversation.status}")
    if not _bump(session, conversation, conversation.revision):
        raise Refusal("booking.refusal.outdated")
    conversation.status = ConversationStatus.CANCELLED
    conversation.closed_at = now()
    conversation.sequence += 1
    _save(session, conversation, actor, "conversation.cancelled")
    return Outcome(conversation, changed=True)


# --- the agreement -------------------------------------------------------------------------


def agreement_for(session: Session, conversation_id: int) -> Agreement | None:
    return session.exec(
        select(Agreement).where(Agreement.conversation_id == conversation_id)
    ).first()


def check_agreement_allowed(session: Session, actor: Person, conversation_id: int) -> Conversation:
    conversation = get_conversation(session, conversation_id)
    _party(conversation, actor)
    if conversation.status not in (ConversationStatus.BOOKED, ConversationStatus.HELD):
        raise Refusal(f"booking.refusal.not_booked.{conversation.status}")
    return conversation


def default_review_date(today: date) -> date:
    month = today.month - 1 + AGREEMENT_REVIEW_MONTHS
    year, month = today.year + month // 12, month % 12 + 1
    day = min(today.day, 28)
    return date(year, month, day)


def record_agreement(
    session: Session, actor: Person, conversation_id: int, data: AgreementInput
) -> Agreement:
    """Store (or update) the agreement; the conversation counts as held from now on."""
    conversation = check_agreement_allowed(session, actor, conversation_id)
    agreement = agreement_for(session, conversation_id) or Agreement(
        conversation_id=conversation_id,
        employee_id=conversation.employee_id,
        manager_id=conversation.manager_id,
        hours=data.hours,
        review_date=data.review_date,
        recorded_by_id=actor.id or 0,
    )
    created = agreement.id is None
    for field, value in vars(data).items():
        setattr(agreement, field, value)
    agreement.recorded_by_id = actor.id or 0
    agreement.updated_at = now()
    session.add(agreement)
    if conversation.status != ConversationStatus.HELD:
        _bump(session, conversation, conversation.revision)
        conversation.status = ConversationStatus.HELD
        conversation.held_at = now()
        session.add(conversation)
    session.flush()
    audit.record(
        session,
        audit.person_actor(actor.id),
        "agreement.recorded" if created else "agreement.updated",
        "agreement",
        agreement.id,
    )
    session.commit()
    session.refresh(agreement)
    return agreement


def ends_at(conversation: Conversation) -> datetime | None:
    if conversation.starts_at is None:
        return None
    return conversation.starts_at + timedelta(minutes=conversation.duration_minutes)
