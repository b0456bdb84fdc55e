"""Importing the organisation files (DESIGN.md §4, contract): all or nothing, and idempotent.

The steps, and why they are in this order:

1. Read every file and check every row on its own (csv_reading, org_rows). Nothing is skipped on
   the first problem: the operator gets every bad row at once, as `file:line: reason`.
2. Check references against the files and the database (managers, network people, cycles) in a
   short read-only session.
3. Look up Slack IDs for people who have none, with no database connection open: Slack can be slow,
   and a failure there must not leave half an import behind.
4. In ONE transaction: check the references again (the database may have moved since step 2),
   then write departments, people, networks and PULS talks in that order, so every reference
   resolves whatever order the files were given in. Nothing is written unless everything is valid.

Re-importing an unchanged file changes nothing: a row is only touched (updated_at, audit entry)
when a stored value actually differs. People missing from a people file are counted, not deleted:
deletion is a separate privacy feature.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from bot.core import audit, clock, identity
from bot.core.i18n import DEFAULT_LANGUAGE, normalise_language, t
from bot.organisation.csv_reading import (
    KIND_ORDER,
    CsvFile,
    CsvRow,
    FileKind,
    Problem,
    read_org_file,
)
from bot.organisation.directory import Directory, DirectoryEntry, DirectoryError, NullDirectory
from bot.organisation.rows import (
    DepartmentRecord,
    NetworkRecord,
    PersonRecord,
    PulsRecord,
    name_key,
    read_department,
    read_network,
    read_person,
    read_puls,
)
from storage.db import Database
from storage.models import Department, Network, NetworkMember, Person, PlatformIdentity, PulsTalk

log = logging.getLogger(__name__)

ACTOR = "import"

ImportProblem = Problem


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """What the import did (or why it did nothing), in the operator's language."""

    language: str
    files: list[tuple[str, FileKind, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[FileKind, KindCounts] = field(default_factory=dict)
    not_found_in_slack: list[str] = field(default_factory=list)
    # People left without a Slack ID because nobody asked Slack (no token) or Slack failed.
    not_looked_up: list[str] = field(default_factory=list)
    lookup_skipped: bool = False
    lookup_error: str | None = None
    departments_without_channel: list[str] = field(default_factory=list)
    people_not_in_file: int | None = None  # None when no people file was imported

    @property
    def accepted(self) -> bool:
        return not self.problems

    def count(self, kind: FileKind) -> KindCounts:
        return self.counts.setdefault(kind, KindCounts())

    def error_lines(self) -> list[str]:
        return [format_problem(problem, self.language) for problem in self.problems]

    def summary_lines(self) -> list[str]:
        _ = self._t
        if not self.accepted:
            return [_("import.report.rejected", count=len(self.problems))]
        lines = [_("import.report.done")]
        for name, kind, rows in self.files:
            lines.append(
                _("import.report.file", file=name, kind=_(f"import.kind.{kind}"), rows=rows)
            )
        for kind in KIND_ORDER:
            if kind in self.counts:
                c = self.counts[kind]
                lines.append(
                    _(
                        "import.report.counts",
                        what=_(f"import.counted.{kind}"),
                        created=c.created,
                        updated=c.updated,
                        unchanged=c.unchanged,
                    )
                )
        if self.people_not_in_file:
            lines.append(_("import.report.not_in_file", count=self.people_not_in_file))
        if self.departments_without_channel:
            names = ", ".join(self.departments_without_channel)
            lines.append(
                _(
                    "import.report.without_channel",
                    count=len(self.departments_without_channel),
                    names=names,
                )
            )
        if self.not_found_in_slack:
            emails = ", ".join(self.not_found_in_slack)
            lines.append(
                _("import.report.not_in_slack", count=len(self.not_found_in_slack), emails=emails)
            )
        if self.lookup_skipped and self.not_looked_up:
            lines.append(_("import.report.lookup_skipped", count=len(self.not_looked_up)))
        elif self.lookup_error is not None:
            lines.append(
                _(
                    "import.report.lookup_failed",
                    error=self.lookup_error,
                    count=len(self.not_looked_up),
                )
            )
        return lines

    def _t(self, key: str, /, **values: object) -> str:
        return t(self.language, key, **values)


def format_problem(problem: Problem, language: str) -> str:
    """`file:line: reason`, the form editors and terminals jump to."""
    values = {
        name: t(language, f"import.kind.{value}") if isinstance(value, FileKind) else value
        for name, value in problem.values.items()
    }
    return (
        f"{problem.file}:{problem.line}: {t(language, f'import.reason.{problem.code}', **values)}"
    )


# --- the parsed batch -------------------------------------------------------------------------


@dataclass
class _Batch:
    """Every record of one import call, grouped by kind, in file-then-line order."""

    departments: list[DepartmentRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    networks: list[NetworkRecord] = field(default_factory=list)
    puls: list[PulsRecord] = field(default_factory=list)
    has_people_file: bool = False


def _read_batch(paths: Sequence[str | os.PathLike[str]], report: ImportReport) -> _Batch:
    files: list[CsvFile] = []
    for path in paths:
        result = read_org_file(path)
        report.problems.extend(result.problems)
        if result.file is not None:
            files.append(result.file)
            report.files.append((result.file.name, result.file.kind, len(result.file.rows)))
    batch = _Batch()
    for kind in KIND_ORDER:
        for file in (f for f in files if f.kind is kind):
            for row in file.rows:
                _add_record(batch, file, row, report.problems)
    batch.has_people_file = any(f.kind is FileKind.PEOPLE for f in files)
    return batch


def _add_record(batch: _Batch, file: CsvFile, row: CsvRow, problems: list[Problem]) -> None:
    if file.kind is FileKind.DEPARTMENTS:
        if department := read_department(file, row, problems):
            batch.departments.append(department)
    elif file.kind is FileKind.PEOPLE:
        if person := read_person(file, row, problems):
            batch.people.append(person)
    elif file.kind is FileKind.NETWORKS:
        if network := read_network(file, row, problems):
            batch.networks.append(network)
    elif puls := read_puls(file, row, problems):
        batch.puls.append(puls)


# --- the database as it is --------------------------------------------------------------------


@dataclass
class _State:
    departments: dict[str, Department]  # by name_key
    people: dict[str, Person]  # by lower-case email
    people_by_id: dict[int, Person]
    networks: dict[str, Network]  # by name_key
    found: set[int]  # people with an id on the directory's platform

    @classmethod
    def load(cls, session: Session, platform: str) -> _State:
        people = list(session.exec(select(Person)).all())
        return cls(
            departments={name_key(d.name): d for d in session.exec(select(Department)).all()},
            people={p.email.lower(): p for p in people},
            people_by_id={_id(p): p for p in people},
            networks={name_key(n.name): n for n in session.exec(select(Network)).all()},
            found=set(
                session.exec(
                    select(PlatformIdentity.person_id).where(PlatformIdentity.platform == platform)
                ).all()
            ),
        )

    def manager_email(self, person: Person) -> str | None:
        manager = self.people_by_id.get(person.manager_id) if person.manager_id else None
        return manager.email.lower() if manager else None


# --- checks across rows, files and the database -----------------------------------------------


R = TypeVar("R", DepartmentRecord, PersonRecord, NetworkRecord, PulsRecord)


def _first_of_each(
    records: Iterable[R], key: Callable[[R], Hashable], code: str, problems: list[Problem]
) -> list[R]:
    """The first record per key; every later one is a duplicate and reported where it stands."""
    first: dict[Hashable, R] = {}
    for record in records:
        k = key(record)
        if k in first:
            earlier = first[k]
            where = (
                str(earlier.line)
                if earlier.file == record.file
                else f"{earlier.file}:{earlier.line}"
            )
            values = _duplicate_values(record)
            problems.append(Problem(record.file, record.line, code, {**values, "first": where}))
        else:
            first[k] = record
    return list(first.values())


def _duplicate_values(record: Any) -> dict[str, object]:
    if isinstance(record, PersonRecord):
        return {"email": record.email}
    if isinstance(record, PulsRecord):
        return {"email": record.email, "date": record.talk_date.isoformat()}
    return {"name": record.name}


def _check(batch: _Batch, state: _State) -> list[Problem]:
    problems: list[Problem] = []
    _first_of_each(batch.departments, lambda r: r.key, "duplicate_department", problems)
    people = _first_of_each(batch.people, lambda r: r.email, "duplicate_email", problems)
    _first_of_each(batch.networks, lambda r: r.key, "duplicate_network", problems)
    _first_of_each(batch.puls, lambda r: (r.email, r.talk_date), "duplicate_puls", problems)

    known = set(state.people) | {p.email for p in people}

    def unknown(record: Any, email: str | None, code: str) -> None:
        if email is not None and email not in known:
            problems.append(Problem(record.file, record.line, code, {"email": email}))

    for person in batch.people:
        unknown(person, person.manager_email, "unknown_manager")
    problems.extend(_manager_cycles(people, state, known))
    for network in batch.networks:
        unknown(network, network.leader_email, "unknown_leader")
        unknown(network, network.reference_leader_email, "unknown_reference_leader")
        for email in network.participant_emails:
            unknown(network, email, "unknown_participant")
        if network.leader_email in network.participant_emails:
            problems.append(
                Problem(
                    network.file,
                    network.line,
                    "leader_is_participant",
                    {"email": network.leader_email},
                )
            )
    for talk in batch.puls:
        unknown(talk, talk.email, "unknown_person")
        unknown(talk, talk.manager_email, "unknown_manager")
    return problems


def _manager_cycles(people: list[PersonRecord], state: _State, known: set[str]) -> list[Problem]:
    """Rows whose person would be their own manager, directly or around a longer ring.

    The chain combines the database with the file (the file wins), so a ring closed by one row in
    the file and one already stored is caught too. Every row on the ring is reported.
    """
    manager_of = {email: state.manager_email(person) for email, person in state.people.items()}
    for person in people:
        manager_of[person.email] = person.manager_email if person.manager_email in known else None
    problems: list[Problem] = []
    for person in people:
        chain = _ring_through(person.email, manager_of)
        if chain is None:
            continue
        if len(chain) == 2:
            problems.append(
                Problem(person.file, person.line, "manager_self", {"email": person.email})
            )
        else:
            problems.append(
                Problem(person.file, person.line, "manager_cycle", {"chain": " → ".join(chain)})
            )
    return problems


def _ring_through(start: str, manager_of: Mapping[str, str | None]) -> list[str] | None:
    chain, seen, current = [start], {start}, manager_of.get(start)
    while current is not None:
        if current == start:
            return [*chain, start]
        if current in seen:
            return None  # leads into a ring that does not pass through `start`
        chain.append(current)
        seen.add(current)
        current = manager_of.get(current)
    return None


# --- Slack lookups, outside any transaction -----------------------------------------------------


@dataclass
class _Lookups:
    found: dict[str, DirectoryEntry] = field(default_factory=dict)


def _emails_to_look_up(batch: _Batch, state: _State) -> list[str]:
    emails: list[str] = []
    for person in batch.people:
        stored = state.people.get(person.email)
        missing = stored is None or _id(stored) not in state.found
        if missing and person.email not in emails:
            emails.append(person.email)
    return emails


def _look_up(emails: list[str], directory: Directory, report: ImportReport) -> _Lookups:
    """Ask the directory for each email; stop at the first failure and keep the rest without ID.

    A failure that is not "not found" (Slack down, a bad token) would repeat for everyone, so we
    stop asking; the people are imported without a Slack ID and the next import looks them up.
    """
    lookups = _Lookups()
    if isinstance(directory, NullDirectory):
        report.lookup_skipped = True
        report.not_looked_up = list(emails)
        return lookups
    for position, email in enumerate(emails):
        try:
            entry = directory.lookup(email)
        except DirectoryError as error:
            log.warning(
                "directory lookup failed, %d people left without an ID: %s",
                len(emails) - position,
                error,
            )
            report.lookup_error = str(error)
            report.not_looked_up = emails[position:]
            return lookups
        if entry is None:
            report.not_found_in_slack.append(email)
        else:
            lookups.found[email] = entry
    return lookups


# --- writing, inside the one transaction --------------------------------------------------------


class _Writer:
    """Applies a checked batch to the session, touching only what differs, and audits it."""

    def __init__(
        self,
        session: Session,
        state: _State,
        report: ImportReport,
        now: datetime,
        platform: str,
    ) -> None:
        self.session, self.state, self.report, self.now = session, state, report, now
        self.platform = platform  # whose ids the directory gave

    def audit(self, action: str, entity: str, entity_id: int, **details: Any) -> None:
        audit.record(self.session, ACTOR, action, entity, entity_id, **details)

    def departments(self, records: list[DepartmentRecord]) -> None:
        counts = self.report.count(FileKind.DEPARTMENTS)
        for record in records:
            values: dict[str, Any] = {"name": record.name, "channel": record.channel}
            for column in ("meeting_weekday", "meeting_time", "meeting_interval_weeks"):
                if column in record.columns:
                    values[column] = getattr(record, column)
            department = self.state.departments.get(record.key)
            if department is None:
                self._create_department(values)
                counts.created += 1
            elif changed := _assign(department, values):
                department.updated_at = self.now
                self.session.add(department)
                self.session.flush()
                self.audit("department.updated", "department", _id(department), fields=changed)
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _create_department(self, values: dict[str, Any]) -> Department:
        department = Department(**values, created_at=self.now, updated_at=self.now)
        self.session.add(department)
        self.session.flush()
        self.state.departments[name_key(department.name)] = department
        fields = sorted(k for k, v in values.items() if v is not None)
        self.audit("department.created", "department", _id(department), fields=fields)
        if department.channel is None:
            self.report.departments_without_channel.append(department.name)
        return department

    def implicit_departments(self, people: list[PersonRecord]) -> None:
        """A department named only in people.csv exists, without a channel until one is given."""
        for person in people:
            if person.department and name_key(person.department) not in self.state.departments:
                self._create_department({"name": person.department})
                self.report.count(FileKind.DEPARTMENTS).created += 1

    def people(self, records: list[PersonRecord], lookups: _Lookups) -> None:
        created = {r.email for r in records if r.email not in self.state.people}
        changes = {r.email: self._set_person(r) for r in records}
        self.session.flush()  # new people get IDs before anyone can point at them as manager
        self.state.people_by_id = {_id(p): p for p in self.state.people.values()}
        for record in records:
            person = self.state.people[record.email]
            changes[record.email] += self._set_manager(person, record.manager_email)
            changes[record.email] += self._set_identity(person, lookups.found.get(record.email))
        counts = self.report.count(FileKind.PEOPLE)
        for record in records:
            person = self.state.people[record.email]
            if record.email in created:
                counts.created += 1
                self.audit("person.created", "person", _id(person))
            elif changed := sorted(set(changes[record.email])):
                person.updated_at = self.now
                self.session.add(person)
                counts.updated += 1
                self.audit("person.updated", "person", _id(person), fields=changed)
            else:
                counts.unchanged += 1
        self.session.flush()

    def _set_person(self, record: PersonRecord) -> list[str]:
        """Create the person, or set what the file gives; absent optional columns keep theirs."""
        values: dict[str, Any] = {"name": record.name, "department_id": self._department_id(record)}
        if "language" in record.columns:
            values["language"] = record.language
        if "roles" in record.columns:
            values["is_secretariat"] = record.is_secretariat
        person = self.state.people.get(record.email)
        if person is not None:
            return _assign(person, values)
        person = Person(
            email=record.email,
            manager_since=self.now,
            created_at=self.now,
            updated_at=self.now,
            **values,
        )
        self.session.add(person)
        self.state.people[record.email] = person
        return []

    def _set_manager(self, person: Person, manager_email: str | None) -> list[str]:
        manager = self.state.people[manager_email] if manager_email else None
        manager_id = _id(manager) if manager else None
        if person.manager_id == manager_id:
            return []
        person.manager_id = manager_id
        # A new manager means a new conversation about time for network work (DESIGN.md §1).
        person.manager_since = self.now
        return ["manager_id", "manager_since"]

    def _set_identity(self, person: Person, entry: DirectoryEntry | None) -> list[str]:
        """The person's id on the platform (its own table) and the time zone they chose there."""
        if entry is None:
            return []
        changed = []
        if identity.link(self.session, _id(person), self.platform, entry.user_id):
            changed.append(f"{self.platform}_id")  # the audit names what changed, as a field
        if entry.timezone:
            changed += _assign(person, {"timezone": entry.timezone})
        return changed

    def _department_id(self, record: PersonRecord) -> int | None:
        if not record.department:
            return None
        return _id(self.state.departments[name_key(record.department)])

    def networks(self, records: list[NetworkRecord]) -> None:
        counts = self.report.count(FileKind.NETWORKS)
        for record in records:
            leader = self.state.people[record.leader_email or ""]
            reference = (
                self.state.people[record.reference_leader_email]
                if record.reference_leader_email
                else None
            )
            values: dict[str, Any] = {
                "name": record.name,
                "theme": record.theme,
                "leader_id": _id(leader),
                "reference_leader_id": _id(reference) if reference else None,
            }
            for column in ("start_date", "end_date"):
                if column in record.columns:
                    values[column] = getattr(record, column)
            network = self.state.networks.get(record.key)
            members = {_id(self.state.people[email]) for email in record.participant_emails}
            if network is None:
                network = Network(
                    **values, leader_since=self.now, created_at=self.now, updated_at=self.now
                )
                self.session.add(network)
                self.session.flush()
                self.state.networks[record.key] = network
                self._sync_members(network, members)
                counts.created += 1
                self.audit("network.created", "network", _id(network), participants=len(members))
                continue
            old_leader = network.leader_id
            changed = _assign(network, values)
            if network.leader_id != old_leader:
                network.leader_since = self.now
                changed.append("leader_since")
            added, removed = self._sync_members(network, members)
            if added or removed:
                changed.append("participants")
            if changed:
                network.updated_at = self.now
                self.session.add(network)
                counts.updated += 1
                self.audit(
                    "network.updated",
                    "network",
                    _id(network),
                    fields=sorted(changed),
                    participants_added=added,
                    participants_removed=removed,
                )
            else:
                counts.unchanged += 1

    def _sync_members(self, network: Network, wanted: set[int]) -> tuple[int, int]:
        """The file is the truth for a network's participants: add the new, remove the gone."""
        current = {
            m.person_id: m
            for m in self.session.exec(
                select(NetworkMember).where(NetworkMember.network_id == _id(network))
            ).all()
        }
        for person_id in sorted(wanted - current.keys()):
            self.session.add(
                NetworkMember(network_id=_id(network), person_id=person_id, joined_at=self.now)
            )
        for person_id in sorted(current.keys() - wanted):
            self.session.delete(current[person_id])
        self.session.flush()
        return len(wanted - current.keys()), len(current.keys() - wanted)

    def puls(self, records: list[PulsRecord]) -> None:
        counts = self.report.count(FileKind.PULS)
        employee_ids = {_id(self.state.people[r.email]) for r in records}
        stored = {
            (talk.employee_id, talk.talk_date): talk
            for talk in self.session.exec(
                select(PulsTalk).where(col(PulsTalk.employee_id).in_(employee_ids))
            ).all()
        }
        for record in records:
            employee_id = _id(self.state.people[record.email])
            values: dict[str, Any] = {
                "manager_id": _id(self.state.people[record.manager_email or ""])
            }
            if "time" in record.columns:
                values["talk_time"] = record.talk_time
            talk = stored.get((employee_id, record.talk_date))
            if talk is None:
                talk = PulsTalk(
                    employee_id=employee_id,
                    talk_date=record.talk_date,
                    created_at=self.now,
                    **values,
                )
                self.session.add(talk)
                self.session.flush()
                stored[(employee_id, record.talk_date)] = talk
                counts.created += 1
                self.audit("puls_talk.created", "puls_talk", _id(talk))
            elif changed := _assign(talk, values):
                self.session.add(talk)
                self.session.flush()
                counts.updated += 1
                self.audit("puls_talk.updated", "puls_talk", _id(talk), fields=changed)
            else:
                counts.unchanged += 1


def _assign(row: Any, values: Mapping[str, Any]) -> list[str]:
    """Set each value that differs; the names of those fields (audit details, never values)."""
    changed = []
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def _id(row: Any) -> int:
    row_id = row.id
    assert row_id is not None, "flushed rows have IDs"
    return int(row_id)


def _in_file_order(
    problems: list[Problem], paths: Sequence[str | os.PathLike[str]]
) -> list[Problem]:
    """Files as given on the command line, then by line; a line's own order is kept (stable)."""
    order = {os.fspath(path): position for position, path in enumerate(paths)}
    return sorted(problems, key=lambda p: (order.get(p.file, len(order)), p.line))


# --- the service ----------------------------------------------------------------------------------


def import_files(
    db: Database,
    paths: Sequence[str | os.PathLike[str]],
    directory: Directory,
    language: str | None = DEFAULT_LANGUAGE,
) -> ImportReport:
    """Import the given organisation files together; the report says what happened or why not."""
    report = ImportReport(language=normalise_language(language) or DEFAULT_LANGUAGE)
    batch = _read_batch(paths, report)
    to_look_up: list[str] = []
    # With a file unreadable, reference checks would only echo its absence on every other row.
    if len(report.files) == len(paths):
        with db.session() as session:
            state = _State.load(session, directory.platform)
            report.problems.extend(_check(batch, state))
            to_look_up = _emails_to_look_up(batch, state)
    if report.problems:
        report.problems = _in_file_order(report.problems, paths)
        return report

    lookups = _look_up(to_look_up, directory, report)

    with db.session() as session:
        state = _State.load(session, directory.platform)
        problems = _check(batch, state)  # again: someone may have changed the database meanwhile
        if problems:
            report.problems = _in_file_order(problems, paths)
            return report
        writer = _Writer(session, state, report, clock.now(), directory.platform)
        if batch.departments:
            writer.departments(batch.departments)
        writer.implicit_departments(batch.people)
        if batch.people:
            writer.people(batch.people, lookups)
        if batch.networks:
            writer.networks(batch.networks)
        if batch.puls:
            writer.puls(batch.puls)
        if batch.has_people_file:
            in_file = {p.email for p in batch.people}
            report.people_not_in_file = sum(
                1
                for email, person in state.people.items()
                if person.active and email not in in_file
            )
        session.commit()
    for _name, kind, _rows in report.files:
        report.count(kind)
    log.info(
        "import done: %s",
        ", ".join(
            f"{kind}: +{c.created} ~{c.updated} ={c.unchanged}" for kind, c in report.counts.items()
        ),
    )
    return report
