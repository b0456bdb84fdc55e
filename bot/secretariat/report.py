"""The secretariat's overview as CSV, and the audit trail as CSV.

CSV the way Danish Excel opens it without an import dialog: UTF-8 with a BOM, semicolons
(the same format `netvaerk import` reads). One row per person per network: who, which role,
their department and personnel leader, and where the conversation and agreement stand. XLSX is
not written: it would need a new dependency for what Excel already opens.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from sqlmodel import Session, col, select

from bot.booking.domain import latest_conversation
from bot.core import audit, ui
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


@dataclass(frozen=True)
class CsvFile:
    """One of the CSV files the secretariat gets in a DM: its name, its texts, how it is
    written and what the audit trail records about it."""

    filename: str
    title_key: str
    text_key: str
    audit_action: str
    audit_entity: str
    write: Callable[[Session, TextIO, Translator], int]


OVERVIEW_FILE = CsvFile(
    filename="netvaerk-overblik.csv",
    title_key="secretariat.report.title",
    text_key="secretariat.report.text",
    audit_action="report.generated",
    audit_entity="report",
    write=lambda session, out, t: write_overview(session, out, t),
)
AUDIT_FILE = CsvFile(
    filename="netvaerk-audit.csv",
    title_key="secretariat.report.audit_title",
    text_key="secretariat.report.audit_text",
    audit_action="audit.exported",
    audit_entity="audit",
    write=lambda session, out, _t: write_audit(session, out),
)


def csv_message(
    session: Session, file: CsvFile, t: Translator, actor: str
) -> tuple[ui.Message, ui.Attachment]:
    """The file as a message with its attachment; the export is in the audit trail (the audit
    file includes its own entry)."""
    out = io.StringIO(newline="")
    audit.record(session, actor, file.audit_action, file.audit_entity, None)
    count = file.write(session, out, t)
    session.commit()
    attachment = ui.Attachment(
        filename=file.filename, title=t(file.title_key), content=out.getvalue().encode("utf-8")
    )
    return ui.Message(t(file.text_key, count=count)), attachment
