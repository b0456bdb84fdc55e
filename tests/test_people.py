"""The organisation's read model: who someone is, their manager and networks, in one query."""

from __future__ import annotations

from sqlalchemy import event

from bot.organisation.people import employees_in_networks, standing_of
from storage.db import Database
from storage.models import Network, NetworkMember, Person
from tests.factories import build_org


def _record_statements(db: Database) -> list[str]:
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", seen)
    return statements


def test_standing_is_the_person_their_manager_and_networks_in_one_query(db: Database) -> None:
    org = build_org(db)
    with db.session() as s:
        # Søren also leads a network of his own: led and joined both count, by name.
        s.add(Network(name="Affald", theme="Mindre affald", leader_id=org.soren.id or 0))
        s.commit()
    statements = _record_statements(db)
    with db.session() as s:
        standing = standing_of(s, "slack", "USOREN")
    assert len([q for q in statements if q.lstrip().upper().startswith("SELECT")]) == 1
    assert standing is not None
    assert standing.person.email == "soren.kjaer@example.dk"
    assert standing.manager is not None and standing.manager.name == "Lars Nielsen"
    assert [n.name for n in standing.networks] == ["Affald", "Klimatilpasning"]


def test_standing_leaves_out_an_inactive_manager_and_knows_no_inactive_person(
    db: Database,
) -> None:
    org = build_org(db)
    with db.session() as s:
        lars = s.get(Person, org.lars.id)
        assert lars is not None
        lars.active = False
        s.add(lars)
        s.commit()
        anne = standing_of(s, "slack", "UANNE")
        assert anne is not None and anne.manager is None
        assert [n.name for n in anne.networks] == ["Klimatilpasning"]
        assert standing_of(s, "slack", "ULARS") is None
        assert standing_of(s, "slack", "UNOBODY") is None
        fatima = standing_of(s, "slack", "UFATIMA")  # in no network
        assert fatima is not None and fatima.networks == ()


def test_employees_in_networks_pairs_each_employee_with_each_network_once(db: Database) -> None:
    org = build_org(db)
    with db.session() as s:
        # Anne leads Klimatilpasning and is also listed as its member: still one pair.
        s.add(NetworkMember(network_id=org.network.id or 0, person_id=org.anne.id or 0))
        s.add(Network(name="Affald", theme="Mindre affald", leader_id=org.soren.id or 0))
        s.commit()
        pairs = employees_in_networks(s, org.lars.id or 0)
        assert [(e.name, n.name) for e, n in pairs] == [
            ("Anne Jensen", "Klimatilpasning"),
            ("Søren Kjær", "Affald"),
            ("Søren Kjær", "Klimatilpasning"),
        ]  # Fatima, Lars's employee in no network, is not there
