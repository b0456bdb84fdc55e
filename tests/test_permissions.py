"""The permission matrix: every action × role × relation → allowed or refused, the refusal
told in the person's language; and the roles and relations derived from the data."""

from __future__ import annotations

import itertools

import pytest

from bot.core.i18n import catalogue, t
from bot.core.permissions import (
    Action,
    Relation,
    Role,
    can,
    decide,
    refusal_key,
    relation_of,
    roles_of,
)
from storage.db import Database
from storage.models import Person
from tests.factories import build_org

A, R, L = Action, Relation, Role
SECRETARIAT_ONLY = {
    A.ORG_OVERVIEW,
    A.NETWORK_CREATE,
    A.NETWORK_EDIT,
    A.NETWORK_CLOSE,
    A.DELIVERIES_VIEW,
    A.DELIVERIES_RETRY,
    A.PERSON_ERASE,
    A.REPORT,
    A.AUDIT_EXPORT,
}


def expected(action: Action, role: Role, relation: Relation) -> bool:
    """The rule, written out independently of bot/core/permissions.py."""
    if role is L.UNKNOWN:
        return False
    if action in (A.HOME_VIEW, A.DATA_EXPORT):
        return relation is R.SELF
    if action is A.STATUS_VIEW:
        if role is L.SECRETARIAT:
            return relation is not R.STRANGER
        return relation in (R.SELF, R.OWN_EMPLOYEE)
    if action is A.SECRETARIAT_GRANT:
        return role is L.SECRETARIAT and relation is not R.STRANGER
    assert action in SECRETARIAT_ONLY
    return role is L.SECRETARIAT


MATRIX = list(itertools.product(Action, Role, Relation))


def test_the_matrix_covers_every_action_role_and_relation() -> None:
    assert len(MATRIX) == len(Action) * len(Role) * len(Relation) == 13 * 7 * 4


@pytest.mark.parametrize(("action", "role", "relation"), MATRIX)
def test_permission_matrix(action: Action, role: Role, relation: Relation) -> None:
    allowed = decide(action, frozenset({role}), relation)
    assert allowed is expected(action, role, relation)
    if not allowed:
        key = refusal_key(action)
        assert key in catalogue("da") and key in catalogue("en")
        assert t("da", key) != t("en", key)  # told in the person's own language


def test_a_second_role_never_takes_a_permission_away() -> None:
    for action, role, relation in MATRIX:
        if decide(action, frozenset({role}), relation):
            for other in Role:
                if other is not Role.UNKNOWN:
                    assert decide(action, frozenset({role, other}), relation)


def test_roles_and_relations_come_from_the_data(db: Database) -> None:
    org = build_org(db)
    with db.session() as s:
        assert roles_of(s, org.ida) == {Role.SECRETARIAT}
        assert roles_of(s, org.lars) == {Role.MANAGER}
        assert roles_of(s, org.anne) == {Role.LEADER}
        assert roles_of(s, org.soren) == {Role.PARTICIPANT}
        assert roles_of(s, org.mette) == {Role.MANAGER, Role.REFERENCE_LEADER}
        assert roles_of(s, org.fatima) == {Role.EMPLOYEE}
        assert roles_of(s, None) == {Role.UNKNOWN}
        assert relation_of(org.lars, org.lars) is Relation.SELF
        assert relation_of(org.lars, org.anne) is Relation.OWN_EMPLOYEE
        assert relation_of(org.anne, org.lars) is Relation.OTHER_DEPARTMENT
        assert relation_of(org.lars, org.ida) is Relation.OTHER_DEPARTMENT
        assert relation_of(None, org.ida) is Relation.STRANGER
        gone = Person(id=999, email="x@example.dk", name="X", active=False)
        assert relation_of(org.ida, gone) is Relation.STRANGER


def test_can_on_real_people(db: Database) -> None:
    org = build_org(db)
    with db.session() as s:
        assert can(s, org.ida, Action.NETWORK_CREATE)
        assert not can(s, org.lars, Action.NETWORK_CREATE)
        assert can(s, org.lars, Action.STATUS_VIEW, org.anne)
        assert not can(s, org.lars, Action.STATUS_VIEW, org.ida)
        assert not can(s, org.anne, Action.DATA_EXPORT, org.soren)
        assert can(s, org.anne, Action.DATA_EXPORT)
        assert not can(s, None, Action.HOME_VIEW)
