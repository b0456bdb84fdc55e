"""A small organisation built straight into the tables, for tests that are not about importing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.db import Database
from storage.models import Department, Network, NetworkMember, Person
from tests.slack_ids import link_slack


@dataclass
class Org:
    lars: Person  # personnel leader of Anne and Søren (By og Miljø)
    anne: Person  # leads "Klimatilpasning"
    soren: Person  # participates in "Klimatilpasning"
    mette: Person  # top manager, reference leader
    fatima: Person  # English-speaking employee, no network, manager Lars
    ida: Person  # secretariat, not in a network
    nomgr: Person  # leads a network but has no manager in the data
    network: Network
    other_network: Network


_SLACK_IDS: dict[str, str] = {}


def _person(email: str, name: str, slack_id: str | None, **kw: object) -> Person:
    if slack_id is not None:
        _SLACK_IDS[email] = slack_id
    return Person(email=email, name=name, **kw)  # type: ignore[arg-type]


def build_org(db: Database) -> Org:
    with db.session() as s:
        dept = Department(name="By og Miljø", channel="C0BYMILJO")
        s.add(dept)
        s.flush()
        mette = _person("mette.holm@example.dk", "Mette Holm", "UMETTE", language="da")
        s.add(mette)
        s.flush()
        lars = _person(
            "lars.nielsen@example.dk",
            "Lars Nielsen",
            "ULARS",
            language="da",
            manager_id=mette.id,
            department_id=dept.id,
        )
        s.add(lars)
        s.flush()
        anne = _person(
            "anne.jensen@example.dk",
            "Anne Jensen",
            "UANNE",
            language="da",
            manager_id=lars.id,
            department_id=dept.id,
        )
        soren = _person(
            "soren.kjaer@example.dk",
            "Søren Kjær",
            "USOREN",
            language=None,
            manager_id=lars.id,
            department_id=dept.id,
        )
        fatima = _person(
            "fatima.ali@example.dk",
            "Fatima Ali",
            "UFATIMA",
            language="en",
            manager_id=lars.id,
            department_id=dept.id,
        )
        ida = _person(
            "ida.frost@example.dk",
            "Ida Frost",
            "UIDA",
            language="da",
            manager_id=mette.id,
            is_secretariat=True,
        )
        nomgr = _person("ole.uden@example.dk", "Ole Uden", "UOLE", language="da")
        s.add_all([anne, soren, fatima, ida, nomgr])
        s.flush()
        network = Network(
            name="Klimatilpasning",
            theme="Hvordan gør vi byen klar til skybrud?",
            leader_id=anne.id,  # type: ignore[arg-type]
            reference_leader_id=mette.id,
            start_date=date(2027, 1, 4),
        )
        other = Network(
            name="Digital inklusion",
            theme="Flere borgere skal kunne klare sig selv digitalt",
            leader_id=nomgr.id,  # type: ignore[arg-type]
            reference_leader_id=mette.id,
        )
        s.add_all([network, other])
        s.flush()
        s.add(NetworkMember(network_id=network.id, person_id=soren.id))  # type: ignore[arg-type]
        for p in (lars, anne, soren, mette, fatima, ida, nomgr):
            link_slack(s, p, _SLACK_IDS.get(p.email))
        s.commit()
        for p in (lars, anne, soren, mette, fatima, ida, nomgr, network, other):
            s.refresh(p)
        return Org(lars, anne, soren, mette, fatima, ida, nomgr, network, other)
