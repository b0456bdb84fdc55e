"""Looking up people and their relations (who manages whom, who is in which network)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.core import identity
from storage.models import Network, NetworkMember, Person, PlatformIdentity


@dataclass(frozen=True)
class Standing:
    """Who someone is in the organisation: the person, their active manager, the networks they
    lead or join (by name). Every command starts by asking this, so it is read in one query
    rather than four (bench/ack.py)."""

    person: Person
    manager: Person | None
    networks: tuple[Network, ...]


def _leads_or_joins(person: Any) -> ColumnElement[bool]:
    """Join condition: the network is led or joined by `person` (a Person entity or alias)."""
    return or_(
        col(Network.leader_id) == person.id,
        col(Network.id).in_(
            select(NetworkMember.network_id)
            .where(col(NetworkMember.person_id) == person.id)
            .correlate(person)
        ),
    )


_Manager = aliased(Person, name="manager")
# Built once: the statement and its compiled form are reused for every request.
_STANDING = (
    select(Person, _Manager, Network)
    .outerjoin(
        _Manager, and_(col(_Manager.id) == Person.manager_id, col(_Manager.active).is_(True))
    )
    .outerjoin(Network, _leads_or_joins(Person))
    .join(PlatformIdentity, col(PlatformIdentity.person_id) == Person.id)
    .where(
        col(PlatformIdentity.platform) == bindparam("platform"),
        col(PlatformIdentity.user_id) == bindparam("user_id"),
        col(Person.active).is_(True),
    )
)
_EMPLOYEES_IN_NETWORKS = (
    select(Person, Network)
    .join(Network, _leads_or_joins(Person))
    .where(col(Person.manager_id) == bindparam("manager_id"), col(Person.active).is_(True))
    .order_by(col(Person.id))
)


def standing_of(session: Session, platform: str, user_id: str) -> Standing | None:
    """The active person with this id on `platform`, with their manager and networks; None if
    unknown."""
    rows = session.exec(_STANDING, params={"platform": platform, "user_id": user_id}).all()
    if not rows:
        return None
    person, manager, _ = rows[0]
    networks = {n.id: n for _, _, n in rows if n is not None}
    return Standing(person, manager, tuple(sorted(networks.values(), key=_by_name)))


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
    return sorted(found.values(), key=_by_name)


def employees_in_networks(session: Session, manager_id: int) -> list[tuple[Person, Network]]:
    """(employee, network) for each active employee of the manager who leads or joins a network:
    employees in the order of their IDs, each one's networks by name. One query, whatever the
    number of employees."""
    rows = session.exec(_EMPLOYEES_IN_NETWORKS, params={"manager_id": manager_id}).all()
    pairs = {(e.id, n.id): (e, n) for e, n in rows}
    return sorted(pairs.values(), key=lambda pair: (pair[0].id or 0, _by_name(pair[1])))


def _by_name(network: Network) -> str:
    return network.name.lower()


def timezone_of(person: Person, default: str) -> str:
    return person.timezone or default


def person_by_platform_id(session: Session, platform: str, user_id: str) -> Person | None:
    """The person with this user id on `platform` (active or not)."""
    return identity.person_for(session, platform, user_id, active_only=False)
