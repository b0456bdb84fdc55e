"""Importing the organisation files (DESIGN.md §4, contract): all or nothing, and idempotent.

The steps, and why they are in this order:

1. Read every file and check every row on its own (csv_reading, org_rows). Nothing is skipped on
   the first problem: the operator gets every bad row at once, as `file:line: reason`.
2. In ONE transaction, read what is stored (in bulk, import_writer) and check references against
   the files and the database (managers, network people, cycles); then write departments, people,
   networks and PULS talks in that order, so every reference resolves whatever order the files
   were given in. Nothing is written unless everything is valid.
3. Only when Slack has to be asked for IDs, the transaction ends before asking: Slack can be slow,
   and a failure there must not leave half an import behind. Then a new transaction checks the
   references again (the database may have moved meanwhile) and writes.

Re-importing an unchanged file changes nothing: a row is only touched (updated_at, audit entry)
when a stored value actually differs. People missing from a people file are counted, not deleted:
deletion is a separate privacy feature.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection

from bot.core import clock
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
from bot.organisation.import_writer import KindCounts, State, Writer
from bot.organisation.rows import (
    DepartmentRecord,
    NetworkRecord,
    PersonRecord,
    PulsRecord,
    read_department,
    read_network,
    read_person,
    read_puls,
)
from storage.db import Database

log = logging.getLogger(__name__)

ImportProblem = Problem


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
    """Every file's records, each row turned into its record as it is read (rows are not kept).

    Records are grouped by kind, files in the order given within a kind; the kinds are applied
    in KIND_ORDER whatever the order of the files."""
    batch = _Batch()
    for path in paths:
        result = read_org_file(path, partial(_add_record, batch, problems=report.problems))
        report.problems.extend(result.problems)
        if result.file is not None:
            report.files.append((result.file.name, result.file.kind, result.file.row_count))
            batch.has_people_file |= result.file.kind is FileKind.PEOPLE
    return batch


def _add_record(batch: _Batch, file: CsvFile, row: CsvRow, *, problems: list[Problem]) -> None:
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


def _check(batch: _Batch, state: State) -> list[Problem]:
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


def _manager_cycles(people: list[PersonRecord], state: State, known: set[str]) -> list[Problem]:
    """Rows whose person would be their own manager, directly or around a longer ring.

    The chain combines the database with the file (the file wins), so a ring closed by one row in
    the file and one already stored is caught too. Every row on the ring is reported.
    """
    manager_of = {email: state.manager_email(person) for email, person in state.people.items()}
    for person in people:
        manager_of[person.email] = person.manager_email if person.manager_email in known else None
    problems: list[Problem] = []
    safe: set[str] = set()  # people whose chain ends at the top: no need to walk it again
    for person in people:
        chain = _ring_through(person.email, manager_of, safe)
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


def _ring_through(
    start: str, manager_of: Mapping[str, str | None], safe: set[str]
) -> list[str] | None:
    chain, seen, current = [start], {start}, manager_of.get(start)
    while current is not None and current not in safe:
        if current == start:
            return [*chain, start]
        if current in seen:
            return None  # leads into a ring that does not pass through `start`
        chain.append(current)
        seen.add(current)
        current = manager_of.get(current)
    safe.update(chain)  # reaches the top (or someone known to): no ring on this chain
    return None


# --- Slack lookups, outside any transaction -----------------------------------------------------


@dataclass
class _Lookups:
    found: dict[str, DirectoryEntry] = field(default_factory=dict)


def _emails_to_look_up(batch: _Batch, state: State) -> list[str]:
    emails: dict[str, None] = {}  # ordered, and a set: a list's `in` made this quadratic
    for person in batch.people:
        stored = state.people.get(person.email)
        if stored is None or stored.id not in state.found:
            emails[person.email] = None
    return list(emails)


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
    # With a file unreadable, reference checks would only echo its absence on every other row.
    if len(report.files) != len(paths):
        report.problems = _in_file_order(report.problems, paths)
        return report
    with db.engine.begin() as connection:  # one transaction: all or nothing
        state = State.load(connection, directory.platform)
        if not _checked(batch, state, report, paths):
            connection.rollback()
            return report
        to_look_up = _emails_to_look_up(batch, state)
        if not to_look_up or isinstance(directory, NullDirectory):
            # Nobody to ask Slack about: write in this same transaction, on what was checked.
            lookups = _look_up(to_look_up, directory, report)
            _write(connection, state, batch, lookups, report, directory.platform)
            return _done(report)
    # Slack is asked with no transaction open: it can be slow, and its failure must not leave
    # half an import behind. Then everything is checked again, as the database may have moved.
    lookups = _look_up(to_look_up, directory, report)
    with db.engine.begin() as connection:
        state = State.load(connection, directory.platform)
        if not _checked(batch, state, report, paths):
            connection.rollback()
            return report
        _write(connection, state, batch, lookups, report, directory.platform)
    return _done(report)


def _checked(
    batch: _Batch, state: State, report: ImportReport, paths: Sequence[str | os.PathLike[str]]
) -> bool:
    """True when the batch holds against the database; otherwise the report has every reason,
    together with any found reading the rows."""
    report.problems.extend(_check(batch, state))
    report.problems = _in_file_order(report.problems, paths)
    return not report.problems


def _write(
    connection: Connection,
    state: State,
    batch: _Batch,
    lookups: _Lookups,
    report: ImportReport,
    platform: str,
) -> None:
    writer = Writer(connection, state, report.count, clock.now(), platform)
    if batch.departments:
        writer.departments(batch.departments)
    writer.implicit_departments(batch.people)
    if batch.people:
        writer.people(batch.people, lookups.found)
    if batch.networks:
        writer.networks(batch.networks)
    if batch.puls:
        writer.puls(batch.puls)
    writer.flush()
    report.departments_without_channel.extend(writer.departments_without_channel)
    if batch.has_people_file:
        in_file = {p.email for p in batch.people}
        report.people_not_in_file = sum(
            1 for email, person in state.people.items() if person.active and email not in in_file
        )


def _done(report: ImportReport) -> ImportReport:
    for _name, kind, _rows in report.files:
        report.count(kind)
    log.info(
        "import done: %s",
        ", ".join(
            f"{kind}: +{c.created} ~{c.updated} ={c.unchanged}" for kind, c in report.counts.items()
        ),
    )
    return report
