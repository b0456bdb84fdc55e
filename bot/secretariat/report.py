"""The secretariat's overview as CSV, and the audit trail as CSV.

CSV the way Danish Excel opens it without an import dialog: UTF-8 with a BOM, semicolons
(the same format `netvaerk import` reads). One row per person per network: who, which role,
their department and personnel leader, and where the conversation and agreement stand. XLSX is
not written: it would need a new dependency for what Excel already opens.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TextIO

from sqlmodel import Session, col, select

from bot.booking.domain import latest_conversation
from bot.core.i18n import Translator
from bot.home.sections import conversation_status
from storage.models import Agreement, AuditEntry, Department, Network, NetworkMember, Person

Progress = Callable[[int, int], None]  # (done, total)

COLUMNS = (
    "network",
    "theme",
    "start_date",
    "end_date",
    "role",
    "name",
    "email",
    "department",
    "personnel_leader",
    "conversation",
    "conversation_date",
    "agreement_hours",
    "agreement_period",
    "review_date",
)


def overview_rows(
    session: Session, t: Translator, progress: Progress | None = None
) -> Iterator[list[str]]:
    networks = session.exec(select(Network).order_by(col(Network.name))).all()
    departments = {d.id: d.name for d in session.exec(select(Department)).all()}
    total = len(networks)
    for done, network in enumerate(networks, start=1):
        people: list[tuple[str, Person | None]] = [
            ("leader", session.get(Person, network.leader_id))
        ]
        members = session.exec(
            select(Person)
            .join(NetworkMember, col(NetworkMember.person_id) == col(Person.id))
            .where(NetworkMember.network_id == network.id)
            .order_by(col(Person.name))
        ).all()
        people += [("participant", p) for p in members]
        if network.reference_leader_id:
            people.append(("reference_leader", session.get(Person, network.reference_leader_id)))
        for role, person in people:
            if person is None:
                continue
            yield _row(session, t, network, role, person, departments)
        if progress is not None:
            progress(done, total)


def _row(
    session: Session,
    t: Translator,
    network: Network,
    role: str,
    person: Person,
    departments: dict[int | None, str],
) -> list[str]:
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    conversation = None
    agreement = None
    if role != "reference_leader" and manager is not None:
        conversation = latest_conversation(session, person.id or 0, manager.id or 0)
        if conversation is not None:
            agreement = session.exec(
                select(Agreement).where(Agreement.conversation_id == conversation.id)
            ).first()
    when = None
    if conversation is not None:
        when = conversation.held_at or conversation.starts_at
    return [
        network.name,
        network.theme,
        network.start_date.isoformat() if network.start_date else "",
        network.end_date.isoformat() if network.end_date else "",
        t(f"report.role.{role}"),
        person.name,
        person.email,
        departments.get(person.department_id, ""),
        manager.name if manager else "",
        "" if role == "reference_leader" else t(f"home.status.{conversation_status(conversation)}"),
        when.date().isoformat() if when else "",
        f"{agreement.hours:g}" if agreement else "",
        agreement.hours_period if agreement else "",
        agreement.review_date.isoformat() if agreement else "",
    ]


def write_overview(
    session: Session, out: TextIO, t: Translator, progress: Progress | None = None
) -> int:
    """Write the overview CSV to `out` (opened with newline=""); returns the number of rows."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([t(f"report.column.{c}") for c in COLUMNS])
    count = 0
    for row in overview_rows(session, t, progress):
        writer.writerow(row)
        count += 1
    return count


AUDIT_COLUMNS = ("at", "actor", "action", "entity", "entity_id", "details")


def write_audit(session: Session, out: TextIO, since: datetime | None = None) -> int:
    """The audit trail (who, what, when) as CSV, oldest first; returns the number of rows."""
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(AUDIT_COLUMNS)
    query = select(AuditEntry).order_by(col(AuditEntry.at), col(AuditEntry.id))
    if since is not None:
        query = query.where(col(AuditEntry.at) >= since)
    count = 0
    for entry in session.exec(query):
        writer.writerow(
            [
                entry.at.isoformat(),
                entry.actor,
                entry.action,
                entry.entity,
                "" if entry.entity_id is None else str(entry.entity_id),
                json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
            ]
        )
        count += 1
    return count
