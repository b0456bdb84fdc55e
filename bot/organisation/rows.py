"""Turning CSV rows into typed records, one row at a time (no database, no other rows).

Each parser appends a `Problem` for every bad field and still returns a record whenever the row's
key (email, department, network, employee + date) could be read. Keeping such a record lets the
later cross-checks know the row exists, so one typo does not cascade into "unknown manager"
complaints on every row that points at it. A record with a problem is never written: any problem
rejects the whole import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from urllib.parse import unquote

from bot.core.i18n import normalise_language
from bot.organisation.csv_reading import CsvFile, CsvRow, Problem

# Column lengths from storage/models.py; PostgreSQL enforces them, SQLite would not.
MAX_NAME = 200
MAX_THEME = 1000
MAX_EMAIL = 320

# Deliberately loose: the mail system, not us, decides which addresses exist. This only catches
# what is clearly not an address (a name in the email column, a missing @, a stray separator).
_EMAIL = re.compile(r"^[^@\s,;|<>\"]+@[^@\s,;|<>\".]+(\.[^@\s,;|<>\".]+)+$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
# A Teams channel's conversation id, as Teams shows it under "Get link to channel".
_TEAMS_CHANNEL = re.compile(r"^19:[A-Za-z0-9_\-]{6,}@thread\.(tacv2|skype)$")
# Slack channel names: letters, digits, hyphens and underscores, at most 80 characters.
_CHANNEL_NAME = re.compile(r"^#[\w-]{1,80}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Danish style, day first: 16-03-2027 and 16.03.2027.
_DANISH_DATE = re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_LIST_SEPARATORS = re.compile(r"[;|]")
_ROLE_SEPARATORS = re.compile(r"[;|,\s]+")

WEEKDAYS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("mandag", "monday"),
            ("tirsdag", "tuesday"),
            ("onsdag", "wednesday"),
            ("torsdag", "thursday"),
            ("fredag", "friday"),
            ("lørdag", "loerdag", "lordag", "saturday"),
            ("søndag", "soendag", "sondag", "sunday"),
        )
    )
    for name in names
}
ROLES = frozenset({"secretariat"})
MAX_INTERVAL_WEEKS = 52


def name_key(name: str) -> str:
    """How department and network names are matched: case and spacing do not make a new one."""
    return " ".join(name.split()).casefold()


def clean_text(value: str) -> str:
    return " ".join(value.split())


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    file: str
    line: int
    name: str
    channel: str | None
    teams_channel: str | None
    meeting_weekday: int | None
    meeting_time: time | None
    meeting_interval_weeks: int | None
    columns: frozenset[str]  # optional columns absent from the file leave stored values alone

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True, slots=True)
class PersonRecord:
    file: str
    line: int
    email: str
    name: str
    department: str | None
    manager_email: str | None
    language: str | None
    is_secretariat: bool
    columns: frozenset[str]


@dataclass(frozen=True, slots=True)
class NetworkRecord:
    file: str
    line: int
    name: str
    theme: str
    leader_email: str | None
    reference_leader_email: str | None
    participant_emails: tuple[str, ...]
    start_date: date | None
    end_date: date | None
    columns: frozenset[str]

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass(frozen=True, slots=True)
class PulsRecord:
    file: str
    line: int
    email: str
    manager_email: str | None
    talk_date: date
    talk_time: time | None
    columns: frozenset[str]


class _RowReader:
    """Field parsers bound to one row, collecting that row's problems."""

    def __init__(self, file: CsvFile, row: CsvRow, problems: list[Problem]) -> None:
        self.file, self.row, self.problems = file, row, problems
        self.values = row.values

    def problem(self, code: str, **values: object) -> None:
        self.problems.append(Problem(self.file.name, self.row.line, code, values))

    def text(self, column: str, max_length: int, *, required: bool = True) -> str | None:
        value = clean_text(self.values.get(column, ""))
        if not value:
            if required:
                self.problem("missing_name" if column == "name" else "missing_value", column=column)
            return None
        if len(value) > max_length:
            self.problem("too_long", column=column, max=max_length)
            return None
        return value

    def email(self, column: str, *, required: bool) -> str | None:
        return self._email_value(column, self.values.get(column, ""), required=required)

    def _email_value(self, column: str, raw: str, *, required: bool) -> str | None:
        value = raw.strip()
        if not value:
            if required:
                self.problem("missing_email", column=column)
            return None
        lowered = _valid_email(value)
        if lowered is None:
            self.problem("bad_email", column=column, value=value)
        return lowered

    def email_list(self, column: str) -> tuple[str, ...]:
        emails: list[str] = []
        for part in _LIST_SEPARATORS.split(self.row.get(column)):
            if part.strip():
                email = self._email_value(column, part, required=False)
                if email is not None and email not in emails:
                    emails.append(email)
        return tuple(emails)

    def date(self, column: str, *, required: bool) -> date | None:
        value = self.row.get(column)
        if not value:
            if required:
                self.problem("missing_value", column=column)
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problem("bad_date", column=column, value=value)
        return parsed

    def time(self, column: str) -> time | None:
        value = self.row.get(column)
        if not value:
            return None
        parsed = parse_time(value)
        if parsed is None:
            self.problem("bad_time", column=column, value=value)
        return parsed


@lru_cache(maxsize=65_536)
def _valid_email(value: str) -> str | None:
    """The address in lower case, or None when it is clearly not one. Remembered: the same
    addresses come back as managers, participants and PULS rows (bench/import_large.py)."""
    if len(value) > MAX_EMAIL or not _EMAIL.match(value):
        return None
    return value.lower()


@lru_cache(maxsize=64)
def _language(value: str) -> str | None:
    return normalise_language(value)


def parse_date(value: str) -> date | None:
    """YYYY-MM-DD, or day first as Danes write it: DD-MM-YYYY and DD.MM.YYYY."""
    if match := _ISO_DATE.match(value):
        year, month, day = match.groups()
    elif match := _DANISH_DATE.match(value):
        day, month, year = match.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_time(value: str) -> time | None:
    match = _TIME.match(value)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_weekday(value: str) -> int | None:
    return WEEKDAYS.get(value.strip().casefold())


def parse_channel(value: str) -> str | None:
    """A channel ID as is; a #name in lower case, as Slack stores channel names."""
    if _CHANNEL_ID.match(value):
        return value
    name = value.lower()
    return name if _CHANNEL_NAME.match(name) else None


def parse_interval(value: str) -> int | None:
    if not value.isdigit():
        return None
    weeks = int(value)
    return weeks if 1 <= weeks <= MAX_INTERVAL_WEEKS else None


def read_department(file: CsvFile, row: CsvRow, problems: list[Problem]) -> DepartmentRecord | None:
    reader = _RowReader(file, row, problems)
    name = reader.text("department", MAX_NAME)
    channel = None
    if raw_channel := row.get("channel"):
        channel = parse_channel(raw_channel)
        if channel is None:
            reader.problem("bad_channel", value=raw_channel)
    teams_channel = None
    if raw_teams := row.get("teams_channel"):
        decoded = unquote(raw_teams)  # as copied from the channel's link: 19%3a…%40thread.tacv2
        if _TEAMS_CHANNEL.match(decoded):
            teams_channel = decoded
        else:
            reader.problem("bad_teams_channel", value=raw_teams)
    weekday = None
    if raw_weekday := row.get("meeting_weekday"):
        weekday = parse_weekday(raw_weekday)
        if weekday is None:
            reader.problem("bad_weekday", value=raw_weekday)
    interval = None
    if raw_interval := row.get("meeting_interval_weeks"):
        interval = parse_interval(raw_interval)
        if interval is None:
            reader.problem("bad_interval", value=raw_interval, max=MAX_INTERVAL_WEEKS)
    meeting_time = reader.time("meeting_time")
    if name is None:
        return None
    return DepartmentRecord(
        file.name,
        row.line,
        name,
        channel,
        teams_channel,
        weekday,
        meeting_time,
        interval,
        file.column_set,
    )


def read_person(file: CsvFile, row: CsvRow, problems: list[Problem]) -> PersonRecord | None:
    reader = _RowReader(file, row, problems)
    email = reader.email("email", required=True)
    name = reader.text("name", MAX_NAME)
    department = reader.text("department", MAX_NAME, required=False)
    manager_email = reader.email("manager_email", required=False)
    language = None
    if raw_language := row.get("language"):
        language = _language(raw_language)
        if language is None:
            reader.problem("bad_language", value=raw_language)
    raw_roles = row.get("roles")
    roles = (
        {p.strip().lower() for p in _ROLE_SEPARATORS.split(raw_roles) if p} if raw_roles else set()
    )
    for role in sorted(roles - ROLES):
        reader.problem("bad_role", value=role)
    if email is None:
        return None
    return PersonRecord(
        file.name,
        row.line,
        email,
        name or "",
        department,
        manager_email,
        language,
        "secretariat" in roles,
        file.column_set,
    )


def read_network(file: CsvFile, row: CsvRow, problems: list[Problem]) -> NetworkRecord | None:
    reader = _RowReader(file, row, problems)
    name = reader.text("network", MAX_NAME)
    theme = reader.text("theme", MAX_THEME)
    leader = reader.email("leader_email", required=True)
    reference_leader = reader.email("reference_leader_email", required=False)
    participants = reader.email_list("participant_emails")
    start = reader.date("start_date", required=False)
    end = reader.date("end_date", required=False)
    if start is not None and end is not None and end < start:
        reader.problem("end_before_start", start=start.isoformat(), end=end.isoformat())
    if name is None:
        return None
    return NetworkRecord(
        file.name,
        row.line,
        name,
        theme or "",
        leader,
        reference_leader,
        participants,
        start,
        end,
        file.column_set,
    )


def read_puls(file: CsvFile, row: CsvRow, problems: list[Problem]) -> PulsRecord | None:
    reader = _RowReader(file, row, problems)
    email = reader.email("email", required=True)
    manager_email = reader.email("manager_email", required=True)
    talk_date = reader.date("date", required=True)
    talk_time = reader.time("time")
    if email is None or talk_date is None:
        return None
    return PulsRecord(
        file.name, row.line, email, manager_email, talk_date, talk_time, file.column_set
    )
