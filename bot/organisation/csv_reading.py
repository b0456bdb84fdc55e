"""Reading one organisation CSV file (DESIGN.md §4, contract): encoding, separator, header, kind.

HR and the secretariat export these files from Excel, so the reader accepts what Excel writes:
UTF-8 with or without a byte order mark, and commas or semicolons (Danish Excel uses semicolons
because the comma is the decimal mark). Nothing here knows the database; problems are returned
with the file's name as given and the physical line number, so the operator can open the file at
that line.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, partial
from pathlib import Path


class FileKind(StrEnum):
    DEPARTMENTS = "departments"
    PEOPLE = "people"
    NETWORKS = "networks"
    PULS = "puls"


# The order files are applied in, whatever the order on the command line: each kind refers only
# to kinds before it (people name departments, networks name people, PULS talks name people).
KIND_ORDER: tuple[FileKind, ...] = (
    FileKind.DEPARTMENTS,
    FileKind.PEOPLE,
    FileKind.NETWORKS,
    FileKind.PULS,
)


@dataclass(frozen=True)
class KindColumns:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.required + self.optional)


COLUMNS: Mapping[FileKind, KindColumns] = {
    FileKind.PEOPLE: KindColumns(
        ("email", "name", "department", "manager_email"), ("language", "roles")
    ),
    FileKind.DEPARTMENTS: KindColumns(
        ("department", "channel"),
        ("teams_channel", "meeting_weekday", "meeting_time", "meeting_interval_weeks"),
    ),
    FileKind.NETWORKS: KindColumns(
        ("network", "theme", "leader_email", "reference_leader_email", "participant_emails"),
        ("start_date", "end_date"),
    ),
    FileKind.PULS: KindColumns(("email", "manager_email", "date"), ("time",)),
}


@dataclass(frozen=True)
class Problem:
    """One reason a file is rejected. `code` names a catalogue entry `import.reason.<code>`."""

    file: str
    line: int
    code: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int  # physical line where the record starts; the header is line 1
    values: Mapping[str, str]  # column name -> value with surrounding whitespace trimmed

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass(frozen=True)
class CsvFile:
    name: str  # as given on the command line
    kind: FileKind
    delimiter: str
    columns: tuple[str, ...]
    rows: tuple[CsvRow, ...]  # empty when the rows were handed on as they were read
    row_count: int = 0

    def has(self, column: str) -> bool:
        return column in self.columns

    @cached_property
    def column_set(self) -> frozenset[str]:
        """The columns present, shared by every record of the file (one set, not one a row)."""
        return frozenset(self.columns)


@dataclass(frozen=True)
class ReadResult:
    """The file (None when its header cannot be understood) and every problem found reading it."""

    file: CsvFile | None
    problems: tuple[Problem, ...]


RowSink = Callable[["CsvFile", CsvRow], None]


def read_org_file(path: str | os.PathLike[str], on_row: RowSink | None = None) -> ReadResult:
    """The file and its problems. With `on_row`, each row is handed on as it is read and not
    kept: a 100,000-person file then never holds all its rows at once (bench/import_large.py)."""
    name = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return _fail(name, 1, "file_not_found")
    except OSError as error:
        return _fail(name, 1, "file_unreadable", error=error.strerror or str(error))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # Excel's plain "CSV" is Windows-1252; point at the line so the operator sees which.
        return _fail(name, raw[: error.start].count(b"\n") + 1, "not_utf8")
    return parse_org_text(name, text, on_row)


def parse_org_text(name: str, text: str, on_row: RowSink | None = None) -> ReadResult:
    """Parse already-decoded text (a leading BOM is tolerated here too)."""
    text = text.removeprefix("\ufeff")
    header_line = text.splitlines()[0] if text else ""
    if not header_line.strip():
        return _fail(name, 1, "no_header")
    delimiter = sniff_delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [column.strip().lower() for column in next(reader)]

    kind, problems = _header_problems(name, header)
    if kind is None or any(p.code != "unknown_column" for p in problems):
        return ReadResult(None, tuple(problems))

    file = CsvFile(name, kind, delimiter, tuple(header), ())
    rows: list[CsvRow] = []
    keep = rows.append if on_row is None else partial(on_row, file)
    count = 0
    known = COLUMNS[kind].known
    wanted = [(position, column) for position, column in enumerate(header) if column in known]
    last_line = reader.line_num
    for record in reader:
        start, last_line = last_line + 1, reader.line_num
        if not "".join(record).strip():
            continue  # blank lines and Excel's trailing ";;;;" rows carry nothing
        if len(record) != len(header):
            problems.append(
                Problem(name, start, "field_count", {"found": len(record), "expected": len(header)})
            )
            continue
        values = {column: record[position].strip() for position, column in wanted}
        keep(CsvRow(start, values))
        count += 1
    read = CsvFile(name, kind, delimiter, tuple(header), tuple(rows), count)
    return ReadResult(read, tuple(problems))


def sniff_delimiter(header_line: str) -> str:
    """Semicolon when the header has more semicolons than commas, else comma.

    csv.Sniffer guesses from data rows too and is fooled by commas inside themes and names; the
    header alone is unambiguous because column names contain neither.
    """
    return ";" if header_line.count(";") > header_line.count(",") else ","


def detect_kind(header: list[str]) -> FileKind | None:
    """The kind whose columns the header shares most with; None when no kind clearly wins.

    Picking the best match (rather than demanding an exact one) lets a file with one misspelt
    column be reported as "unknown column x" instead of "unknown kind of file".
    """
    present = set(header)
    scores = sorted(
        ((len(present & COLUMNS[kind].known), kind) for kind in KIND_ORDER),
        key=lambda pair: pair[0],
        reverse=True,
    )
    (best, kind), (runner_up, _) = scores[0], scores[1]
    if best < 2 or best == runner_up:
        return None
    return kind


def _header_problems(name: str, header: list[str]) -> tuple[FileKind | None, list[Problem]]:
    kind = detect_kind(header)
    if kind is None:
        return None, [Problem(name, 1, "unknown_kind", {"header": ", ".join(header)})]
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if not column:
            problems.append(Problem(name, 1, "empty_column", {"position": position}))
        elif column in seen:
            problems.append(Problem(name, 1, "duplicate_column", {"column": column}))
        elif column not in COLUMNS[kind].known:
            problems.append(Problem(name, 1, "unknown_column", {"column": column, "kind": kind}))
        seen.add(column)
    for column in COLUMNS[kind].required:
        if column not in seen:
            problems.append(Problem(name, 1, "missing_column", {"column": column, "kind": kind}))
    return kind, problems


def _fail(name: str, line: int, code: str, **values: object) -> ReadResult:
    return ReadResult(None, (Problem(name, line, code, values),))
