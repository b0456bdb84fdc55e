"""Looking up people and their relations (who manages whom, who is in which network)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.core import identity
from storage.models import Network, NetworkMember, Person


def active_person(session: Session, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    return person if person is not None and person.active else None


def networks_of(session: Session, person_id: int) -> list[Network]:
    """Networks a person leads or participates in, by name."""
    led = select(Network).where(Network.leader_id == person_id)
    joined = select(Network).join(NetworkMember).where(NetworkMember.person_id == person_id)
    found = {n.id: n for n in session.exec(led)} | {n.id: n for n in session.exec(joined)}
    return sorted(found.values(), key=lambda n: n.name.lower())


def employees_in_networks(session: Session, manager_id: int) -> list[tuple[Person, Network]]:
    """(employee, network) for each active employee of the manager who leads or joins a network."""
    employees = session.exec(
        select(Person).where(Person.manager_id == manager_id, col(Person.active).is_(True))
    ).all()
    return [(e, n) for e in employees for n in networks_of(session, e.id or 0)]


def timezone_of(person: Person, default: str) -> str:
    return person.timezone or default


def person_by_platform_id(session: Session, platform: str, user_id: str) -> Person | None:
    """The person with this user id on `platform` (active or not)."""
    return identity.person_for(session, platform, user_id, active_only=False)
