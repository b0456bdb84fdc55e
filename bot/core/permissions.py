"""The one permission check: may this person do this action to (or about) that person?

Roles are derived from the data, never stored twice: the secretariat flag on the person, a
personnel leader is someone with active employees, a network leader leads a network, a
reference leader is reference for one, a participant joins one. The relation says how the target
stands to the actor: the actor themself, one of their own employees, someone in another
department (anyone else in the data), or a stranger (not in the bot's data, or gone).

`decide(action, roles, relation)` is the rule as a pure function — the permission matrix test
walks every combination of it. `can(session, actor, action, target)` derives the roles and the
relation from the tables and asks `decide`. A refusal is told with the catalogue text
`permission.refusal.<action>`, in the person's language.

Booking keeps its own party check (bot/booking/domain.py): whether someone is one of the two
in a conversation is a fact about that conversation, not a permission.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlmodel import Session, col, func, select

from bot.core.refusal import Refusal
from storage.models import Network, NetworkMember, Person


class Role(StrEnum):
    SECRETARIAT = "secretariat"
    MANAGER = "manager"  # personnel leader (personaleleder)
    LEADER = "leader"  # network leader (netværksleder)
    REFERENCE_LEADER = "reference_leader"
    PARTICIPANT = "participant"
    EMPLOYEE = "employee"  # in the data, none of the above
    UNKNOWN = "unknown"  # not in the bot's data at all


class Relation(StrEnum):
    SELF = "self"
    OWN_EMPLOYEE = "own_employee"
    OTHER_DEPARTMENT = "other_department"
    STRANGER = "stranger"


class Action(StrEnum):
    HOME_VIEW = "home_view"  # see one's own App Home
    DATA_EXPORT = "data_export"  # "/netvaerk mine data": what is stored about a person
    STATUS_VIEW = "status_view"  # a person's conversation status and agreement
    ORG_OVERVIEW = "org_overview"  # the organisation at a glance
    NETWORK_CREATE = "network_create"
    NETWORK_EDIT = "network_edit"  # theme, leaders, dates and members
    NETWORK_CLOSE = "network_close"
    SECRETARIAT_GRANT = "secretariat_grant"  # make someone secretariat (or not)
    DELIVERIES_VIEW = "deliveries_view"  # failed deliveries with their reason
    DELIVERIES_RETRY = "deliveries_retry"
    PERSON_ERASE = "person_erase"  # remove a person's personal data everywhere
    REPORT = "report"  # the overview as CSV
    AUDIT_EXPORT = "audit_export"


Rule = Callable[[frozenset[Role], Relation], bool]


def _self_only(roles: frozenset[Role], relation: Relation) -> bool:
    return Role.UNKNOWN not in roles and relation is Relation.SELF


def _self_line_or_secretariat(roles: frozenset[Role], relation: Relation) -> bool:
    """Oneself, one's own employees (the personnel leader's tasks 2, 4, 5), or the secretariat
    (which supports everyone and follows up on escalations)."""
    if Role.UNKNOWN in roles:
        return False
    if Role.SECRETARIAT in roles:
        return relation is not Relation.STRANGER
    return relation in (Relation.SELF, Relation.OWN_EMPLOYEE)


def _secretariat(roles: frozenset[Role], _relation: Relation) -> bool:
    return Role.SECRETARIAT in roles


def _secretariat_known_target(roles: frozenset[Role], relation: Relation) -> bool:
    return Role.SECRETARIAT in roles and relation is not Relation.STRANGER


RULES: dict[Action, Rule] = {
    Action.HOME_VIEW: _self_only,
    Action.DATA_EXPORT: _self_only,
    Action.STATUS_VIEW: _self_line_or_secretariat,
    Action.ORG_OVERVIEW: _secretariat,
    Action.NETWORK_CREATE: _secretariat,
    Action.NETWORK_EDIT: _secretariat,
    Action.NETWORK_CLOSE: _secretariat,
    Action.SECRETARIAT_GRANT: _secretariat_known_target,
    Action.DELIVERIES_VIEW: _secretariat,
    Action.DELIVERIES_RETRY: _secretariat,
    Action.PERSON_ERASE: _secretariat,  # also people who already left
    Action.REPORT: _secretariat,
    Action.AUDIT_EXPORT: _secretariat,
}


def decide(action: Action, roles: frozenset[Role], relation: Relation) -> bool:
    return RULES[action](roles, relation)


def refusal_key(action: Action) -> str:
    return f"permission.refusal.{action.value}"


class PermissionDenied(Refusal):
    """The person may not do this; answered like any refusal, with the action's own text."""

    def __init__(self, action: Action) -> None:
        super().__init__(refusal_key(action))
        self.action = action


# --- deriving roles and relations from the data ---------------------------------------------


def roles_of(session: Session, person: Person | None) -> frozenset[Role]:
    if person is None or person.id is None or not person.active:
        return frozenset({Role.UNKNOWN})
    pid = person.id
    roles: set[Role] = set()
    if person.is_secretariat:
        roles.add(Role.SECRETARIAT)
    if _exists(session, select(Person.id).where(Person.manager_id == pid, col(Person.active))):
        roles.add(Role.MANAGER)
    if _exists(session, select(Network.id).where(Network.leader_id == pid)):
        roles.add(Role.LEADER)
    if _exists(session, select(Network.id).where(Network.reference_leader_id == pid)):
        roles.add(Role.REFERENCE_LEADER)
    if _exists(session, select(NetworkMember.id).where(NetworkMember.person_id == pid)):
        roles.add(Role.PARTICIPANT)
    return frozenset(roles or {Role.EMPLOYEE})


def _exists(session: Session, query: object) -> bool:
    return bool(session.exec(select(func.count()).select_from(query.subquery())).one())  # type: ignore[attr-defined]


def relation_of(actor: Person | None, target: Person | None) -> Relation:
    """How `target` stands to `actor`. Someone else in the data who is not one's own employee
    counts as "other department": no action depends on sharing a department with them."""
    if actor is None or target is None or not target.active:
        return Relation.STRANGER
    if actor.id == target.id:
        return Relation.SELF
    if target.manager_id is not None and target.manager_id == actor.id:
        return Relation.OWN_EMPLOYEE
    return Relation.OTHER_DEPARTMENT


def can(
    session: Session, actor: Person | None, action: Action, target: Person | None = None
) -> bool:
    """May `actor` do `action` to `target` (default: to themself, for actions about oneself)?"""
    subject = actor if target is None else target
    return decide(action, roles_of(session, actor), relation_of(actor, subject))


def require(
    session: Session, actor: Person | None, action: Action, target: Person | None = None
) -> Person:
    """The actor, when allowed; else `PermissionDenied` (told in the actor's language)."""
    if actor is None or not can(session, actor, action, target):
        raise PermissionDenied(action)
    return actor
