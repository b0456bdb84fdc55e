"""The organisation import's database side: what is stored, read in bulk, and the set-based
writes that bring it to what the files say.

Set-based because the largest municipality has about 45,000 employees: one query per table
reads what is stored (plain rows, no ORM objects), the difference is worked out in memory, and
rows are inserted and updated with Core `executemany` in batches (bench/import_large.py: the
row-by-row version took 550 s and 970 MB for 100,000 people). What it writes is unchanged: a row
is only touched (updated_at, an audit entry) when a stored value differs, created rows and their
audit entries come in file order, and everything happens in the caller's one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from itertools import chain, islice
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Connection,
    Insert,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    update,
)
from sqlmodel import Session

from bot.core import identity
from bot.organisation.csv_reading import FileKind
from bot.organisation.directory import DirectoryEntry
from bot.organisation.rows import (
    DepartmentRecord,
    NetworkRecord,
    PersonRecord,
    PulsRecord,
    name_key,
)
from storage.models import (
    AuditEntry,
    Department,
    Network,
    NetworkMember,
    Person,
    PlatformIdentity,
    PulsTalk,
)

ACTOR = "import"
BATCH = 2_000  # rows per executemany: large enough to be fast, small enough to stay lean

T = TypeVar("T")


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


PEOPLE, DEPARTMENTS, NETWORKS = _table(Person), _table(Department), _table(Network)
MEMBERS, TALKS, AUDIT = _table(NetworkMember), _table(PulsTalk), _table(AuditEntry)
IDENTITIES = _table(PlatformIdentity)


# --- what is stored -------------------------------------------------------------------------------


@dataclass(slots=True)
class StoredDepartment:
    id: int
    name: str
    channel: str | None
    teams_channel: str | None
    meeting_weekday: int | None
    meeting_time: time | None
    meeting_interval_weeks: int | None


@dataclass(slots=True)
class StoredPerson:
    id: int
    email: str
    name: str
    department_id: int | None
    manager_id: int | None
    language: str | None
    is_secretariat: bool
    timezone: str | None
    active: bool


@dataclass(slots=True)
class StoredNetwork:
    id: int
    name: str
    theme: str
    leader_id: int
    reference_leader_id: int | None
    start_date: date | None
    end_date: date | None


S = TypeVar("S", StoredDepartment, StoredPerson, StoredNetwork)


def _read(connection: Connection, table: Table, kind: type[S]) -> Iterator[S]:
    columns = [table.c[f.name] for f in fields(kind)]
    for row in connection.execute(select(*columns)):
        yield kind(*row)


@dataclass
class State:
    """The organisation as stored: departments and networks by name key, people by email."""

    departments: dict[str, StoredDepartment]
    people: dict[str, StoredPerson]  # by lower-case email
    people_by_id: dict[int, StoredPerson]
    networks: dict[str, StoredNetwork]
    found: set[int]  # people with an id on the directory's platform

    @classmethod
    def load(cls, connection: Connection, platform: str) -> State:
        people = {p.email.lower(): p for p in _read(connection, PEOPLE, StoredPerson)}
        identities = select(IDENTITIES.c.person_id).where(IDENTITIES.c.platform == platform)
        return cls(
            departments={
                name_key(d.name): d for d in _read(connection, DEPARTMENTS, StoredDepartment)
            },
            people=people,
            people_by_id={p.id: p for p in people.values()},
            networks={name_key(n.name): n for n in _read(connection, NETWORKS, StoredNetwork)},
            found=set(connection.execute(identities).scalars()),
        )

    def manager_email(self, person: StoredPerson) -> str | None:
        manager = self.people_by_id.get(person.manager_id) if person.manager_id else None
        return manager.email.lower() if manager else None


@dataclass
class KindCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# --- writing -----------------------------------------------------------------------------------


def _batches(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _diff(stored: Any, values: Mapping[str, Any]) -> list[str]:
    """Set each value that differs on the stored row; the names of those fields."""
    changed = []
    for name, value in values.items():
        if getattr(stored, name) != value:
            setattr(stored, name, value)
            changed.append(name)
    return changed


class Writer:
    """Applies a checked batch through one connection (the caller's transaction)."""

    def __init__(
        self,
        connection: Connection,
        state: State,
        count: Callable[[FileKind], KindCounts],
        now: datetime,
        platform: str,
    ) -> None:
        self.connection, self.state, self.count, self.now = connection, state, count, now
        self.platform = platform  # whose ids the directory gave
        # The import's one timestamp as SQL, rendered once by the column type's own literal
        # processor: bound per row, converting it was a fifth of a large import's CPU.
        stamp = literal(now, AUDIT.c.at.type)
        self._now_sql = literal_column(
            str(stamp.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})),
            AUDIT.c.at.type,
        )
        self._department_ids: dict[str, int | None] = {}
        self._audits: list[dict[str, Any]] = []
        self.departments_without_channel: list[str] = []

    # --- audit: written in batches, in the order the changes were made -------------------------

    def audit(self, action: str, entity: str, entity_id: int, **details: Any) -> None:
        self._audits.append(
            {
                "actor": ACTOR,
                "action": action,
                "entity": entity,
                "entity_id": entity_id,
                "details": details,
            }
        )
        if len(self._audits) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._audits:
            self._insert(AUDIT, self._audits, "at")
            self._audits = []

    def _update(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """UPDATE … WHERE id = :row_id for each row, grouped by the columns each row sets."""
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            by_columns.setdefault(tuple(sorted(k for k in row if k != "row_id")), []).append(row)
        for columns, group in by_columns.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({c: bindparam(c) for c in columns})
            )
            for batch in _batches(group):
                self.connection.execute(statement, batch)

    def _stamped(self, table: Table, *stamped: str) -> Insert:
        """INSERT with the import's timestamp in the `stamped` columns."""
        return insert(table).values({c: self._now_sql for c in stamped})

    def _allocate_ids(self, table: Table, count: int) -> list[int]:
        """IDs for rows about to be inserted, so that rows can point at each other (a manager, a
        network) and be audited without asking the database back for every row's ID."""
        if count == 0:
            return []
        if self.connection.dialect.name == "postgresql":
            sequence = self.connection.execute(
                text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
            ).scalar_one()
            return list(
                self.connection.execute(
                    text("SELECT nextval(:sequence) FROM generate_series(1, :count)"),
                    {"sequence": sequence, "count": count},
                ).scalars()
            )
        highest = self.connection.execute(select(func.max(table.c.id))).scalar_one() or 0
        return list(range(highest + 1, highest + 1 + count))

    def _insert(self, table: Table, rows: Iterable[dict[str, Any]], *stamped: str) -> None:
        """Insert rows that all have the same keys, the import's timestamp in `stamped`.

        PostgreSQL gets them through COPY: as a batched INSERT, psycopg parsed every batch's
        statement anew and the first 100,000-person import took 115 s (bench/import_large.py).
        """
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return
        rows = chain([first], iterator)
        if self.connection.dialect.name != "postgresql":
            statement = self._stamped(table, *stamped)
            for batch in _batches(rows):
                self.connection.execute(statement, batch)
            return
        columns = list(first)
        as_json = {c for c in columns if isinstance(table.c[c].type, JSON)}
        names = ", ".join([*columns, *stamped])
        tail = (self.now,) * len(stamped)
        driver = self.connection.connection.driver_connection  # in this same transaction
        assert driver is not None
        cursor = driver.cursor()
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = [json.dumps(row[c]) if c in as_json else row[c] for c in columns]
                copy.write_row((*values, *tail))
        cursor.close()

    # --- departments ---------------------------------------------------------------------------

    def departments(self, records: list[DepartmentRecord]) -> None:
        counts = self.count(FileKind.DEPARTMENTS)
        for record in records:
            values: dict[str, Any] = {"name": record.name, "channel": record.channel}
            for column in (
                "teams_channel",
                "meeting_weekday",
                "meeting_time",
                "meeting_interval_weeks",
            ):
                if column in record.columns:
                    values[column] = getattr(record, column)
            stored = self.state.departments.get(record.key)
            if stored is None:
                self._create_department(values)
                counts.created += 1
            elif changed := _diff(stored, values):
                self.connection.execute(
                    update(DEPARTMENTS)
                    .where(DEPARTMENTS.c.id == stored.id)
                    .values({**{c: values[c] for c in changed}, "updated_at": self.now})
                )
                self.audit("department.updated", "department", stored.id, fields=changed)
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _create_department(self, values: dict[str, Any]) -> None:
        row = {
            "name": values["name"],
            "channel": values.get("channel"),
            "teams_channel": values.get("teams_channel"),
            "meeting_weekday": values.get("meeting_weekday"),
            "meeting_time": values.get("meeting_time"),
            "meeting_interval_weeks": values.get("meeting_interval_weeks"),
        }
        department_id = self.connection.execute(
            insert(DEPARTMENTS)
            .values(**row, created_at=self.now, updated_at=self.now)
            .returning(DEPARTMENTS.c.id)
        ).scalar_one()
        self.state.departments[name_key(row["name"])] = StoredDepartment(department_id, **row)
        fields_given = sorted(k for k, v in values.items() if v is not None)
        self.audit("department.created", "department", department_id, fields=fields_given)
        if row["channel"] is None and row["teams_channel"] is None:
            self.departments_without_channel.append(row["name"])

    def implicit_departments(self, people: list[PersonRecord]) -> None:
        """A department named only in people.csv exists, without a channel until one is given."""
        for person in people:
            if person.department and name_key(person.department) not in self.state.departments:
                self._create_department({"name": person.department})
                self.count(FileKind.DEPARTMENTS).created += 1

    # --- people --------------------------------------------------------------------------------

    def people(self, records: list[PersonRecord], found: Mapping[str, DirectoryEntry]) -> None:
        people = self.state.people
        created = [r for r in records if r.email not in people]
        new = {r.email for r in created}
        self._insert_people(created, found)
        changes: dict[str, list[str]] = {}
        updates: list[dict[str, Any]] = []
        for record in records:
            stored = people[record.email]
            if record.email in new:
                continue
            changed = _diff(stored, self._person_values(record))
            manager = people[record.manager_email].id if record.manager_email else None
            if stored.manager_id != manager:
                stored.manager_id = manager
                # A new manager means a new conversation about time for network work (§1).
                changed += ["manager_id", "manager_since"]
            entry = found.get(record.email)
            if entry is not None:
                changed += self._set_identity(stored, entry)
            if changed:
                changes[record.email] = sorted(set(changed))
                row = {
                    c: getattr(stored, c)
                    for c in changes[record.email]
                    if c in PEOPLE.c and c != "manager_since"  # not the identity's field
                }
                if "manager_since" in changes[record.email]:
                    row["manager_since"] = self.now
                updates.append({**row, "updated_at": self.now, "row_id": stored.id})
        self._update(PEOPLE, updates)
        for email in new:  # the directory's ids of new people (only when Slack was asked)
            if (entry := found.get(email)) is not None:
                self._link(people[email].id, entry.user_id)
        counts = self.count(FileKind.PEOPLE)
        for record in records:
            stored = people[record.email]
            if record.email in new:
                counts.created += 1
                self.audit("person.created", "person", stored.id)
            elif record.email in changes:
                counts.updated += 1
                self.audit("person.updated", "person", stored.id, fields=changes[record.email])
            else:
                counts.unchanged += 1

    def _person_values(self, record: PersonRecord) -> dict[str, Any]:
        """What the file gives; absent optional columns keep what is stored."""
        values: dict[str, Any] = {
            "name": record.name,
            "department_id": self._department_id(record.department),
        }
        if "language" in record.columns:
            values["language"] = record.language
        if "roles" in record.columns:
            values["is_secretariat"] = record.is_secretariat
        return values

    def _department_id(self, name: str | None) -> int | None:
        if not name:
            return None
        if name not in self._department_ids:  # 100,000 people name a few hundred departments
            self._department_ids[name] = self.state.departments[name_key(name)].id
        return self._department_ids[name]

    def _insert_people(
        self, created: list[PersonRecord], found: Mapping[str, DirectoryEntry]
    ) -> None:
        """Managers before the people they manage (the checks have ruled out rings), so that each
        row's manager exists when the row arrives, whichever way the database checks."""
        placed = set(self.state.people)
        ordered: list[PersonRecord] = []
        pending = created
        while pending:
            ready = [r for r in pending if r.manager_email is None or r.manager_email in placed]
            assert ready, "manager rings are rejected before writing"
            ordered += ready
            placed.update(r.email for r in ready)
            pending = [r for r in pending if r.email not in placed]
        rows = []
        for record, person_id in zip(
            ordered, self._allocate_ids(PEOPLE, len(ordered)), strict=True
        ):
            values = self._person_values(record)
            entry = found.get(record.email)
            stored = StoredPerson(
                id=person_id,
                email=record.email,
                name=values["name"],
                department_id=values["department_id"],
                manager_id=self._manager_id(record),
                language=values.get("language"),
                is_secretariat=values.get("is_secretariat", False),
                timezone=entry.timezone if entry else None,
                active=True,
            )
            self.state.people[record.email] = stored
            self.state.people_by_id[stored.id] = stored
            rows.append(stored)
        self._insert(
            PEOPLE,
            ({**_columns(p), "left_at": None} for p in rows),
            "manager_since",
            "created_at",
            "updated_at",
        )

    def _set_identity(self, stored: StoredPerson, entry: DirectoryEntry) -> list[str]:
        """The person's id on the platform (its own table) and the time zone they chose there."""
        changed = []
        if self._link(stored.id, entry.user_id):
            changed.append(f"{self.platform}_id")  # the audit names what changed, as a field
        if entry.timezone:
            changed += _diff(stored, {"timezone": entry.timezone})
        return changed

    def _link(self, person_id: int, user_id: str) -> bool:
        """Row by row: only people Slack was just asked about, never the bulk of an import."""
        with Session(bind=self.connection) as session:
            changed = identity.link(session, person_id, self.platform, user_id)
            session.flush()
        return changed

    def _manager_id(self, record: PersonRecord) -> int | None:
        return self.state.people[record.manager_email].id if record.manager_email else None

    # --- networks and their participants -------------------------------------------------------

    def networks(self, records: list[NetworkRecord]) -> None:
        counts = self.count(FileKind.NETWORKS)
        people = self.state.people
        members: dict[int, dict[int, int]] = {}  # network -> person -> membership row
        for row_id, network_id, person_id in self.connection.execute(
            select(MEMBERS.c.id, MEMBERS.c.network_id, MEMBERS.c.person_id)
        ):
            members.setdefault(network_id, {})[person_id] = row_id
        wanted = {r.key: {people[e].id for e in r.participant_emails} for r in records}
        values = {r.key: self._network_values(r) for r in records}

        new = [r for r in records if r.key not in self.state.networks]
        new_keys = {r.key for r in new}
        for record, network_id in zip(new, self._allocate_ids(NETWORKS, len(new)), strict=True):
            v = values[record.key]
            self.state.networks[record.key] = StoredNetwork(
                network_id,
                v["name"],
                v["theme"],
                v["leader_id"],
                v["reference_leader_id"],
                v.get("start_date"),
                v.get("end_date"),
            )
            members[network_id] = {}
        self._insert(
            NETWORKS,
            (_columns(self.state.networks[r.key]) for r in new),
            "leader_since",
            "created_at",
            "updated_at",
        )

        updates: list[dict[str, Any]] = []
        joined: list[dict[str, Any]] = []
        left: list[int] = []
        outcome: dict[str, tuple[list[str], int, int] | None] = {}
        for record in records:
            stored = self.state.networks[record.key]
            current, want = members[stored.id], wanted[record.key]
            added, removed = sorted(want - current.keys()), sorted(current.keys() - want)
            joined += [{"network_id": stored.id, "person_id": p} for p in added]
            left += [current[p] for p in removed]
            if record.key in new_keys:
                outcome[record.key] = None
                continue
            old_leader = stored.leader_id
            changed = _diff(stored, values[record.key])
            row = {c: getattr(stored, c) for c in changed}
            if stored.leader_id != old_leader:
                changed.append("leader_since")
                row["leader_since"] = self.now
            if added or removed:
                changed.append("participants")
            if changed:
                updates.append({**row, "updated_at": self.now, "row_id": stored.id})
            outcome[record.key] = (sorted(changed), len(added), len(removed))
        self._update(NETWORKS, updates)
        self._insert(MEMBERS, joined, "joined_at")
        for removals in _batches(left):
            self.connection.execute(delete(MEMBERS).where(MEMBERS.c.id.in_(removals)))

        for record in records:
            stored = self.state.networks[record.key]
            result = outcome[record.key]
            if result is None:
                counts.created += 1
                self.audit(
                    "network.created", "network", stored.id, participants=len(wanted[record.key])
                )
            elif result[0]:
                counts.updated += 1
                self.audit(
                    "network.updated",
                    "network",
                    stored.id,
                    fields=result[0],
                    participants_added=result[1],
                    participants_removed=result[2],
                )
            else:
                counts.unchanged += 1

    def _network_values(self, record: NetworkRecord) -> dict[str, Any]:
        people = self.state.people
        reference = record.reference_leader_email
        values: dict[str, Any] = {
            "name": record.name,
            "theme": record.theme,
            "leader_id": people[record.leader_email or ""].id,
            "reference_leader_id": people[reference].id if reference else None,
        }
        for column in ("start_date", "end_date"):
            if column in record.columns:
                values[column] = getattr(record, column)
        return values

    # --- PULS talks ----------------------------------------------------------------------------

    def puls(self, records: list[PulsRecord]) -> None:
        counts = self.count(FileKind.PULS)
        people = self.state.people
        stored: dict[tuple[int, date], list[Any]] = {
            (employee_id, talk_date): [row_id, manager_id, talk_time]
            for row_id, employee_id, talk_date, manager_id, talk_time in self.connection.execute(
                select(
                    TALKS.c.id,
                    TALKS.c.employee_id,
                    TALKS.c.talk_date,
                    TALKS.c.manager_id,
                    TALKS.c.talk_time,
                )
            )
        }
        new: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        outcome: list[tuple[tuple[int, date], list[str] | None]] = []
        for record in records:
            key = (people[record.email].id, record.talk_date)
            manager_id = people[record.manager_email or ""].id
            talk = stored.get(key)
            if talk is None:
                new.append(
                    {
                        "employee_id": key[0],
                        "talk_date": key[1],
                        "manager_id": manager_id,
                        "talk_time": record.talk_time if "time" in record.columns else None,
                    }
                )
                outcome.append((key, None))
                continue
            changed: list[str] = []
            row: dict[str, Any] = {}
            if talk[1] != manager_id:
                changed.append("manager_id")
                row["manager_id"] = manager_id
            if "time" in record.columns and talk[2] != record.talk_time:
                changed.append("talk_time")
                row["talk_time"] = record.talk_time
            if changed:
                updates.append({**row, "row_id": talk[0]})
            outcome.append((key, changed))
        ids: dict[tuple[int, date], int] = {}
        for row, talk_id in zip(new, self._allocate_ids(TALKS, len(new)), strict=True):
            row["id"] = ids[(row["employee_id"], row["talk_date"])] = talk_id
        self._insert(TALKS, new, "created_at")
        self._update(TALKS, updates)
        for key, fields_changed in outcome:
            if fields_changed is None:
                counts.created += 1
                self.audit("puls_talk.created", "puls_talk", ids[key])
            elif fields_changed:
                counts.updated += 1
                self.audit("puls_talk.updated", "puls_talk", stored[key][0], fields=fields_changed)
            else:
                counts.unchanged += 1


def _columns(stored: Any) -> dict[str, Any]:
    """A stored row's fields as column values (the stored classes name their columns)."""
    return {f.name: getattr(stored, f.name) for f in fields(stored)}
