"""Every reason the import rejects a file for, at its exact `file:line` (DESIGN.md §4, contract).

Each case starts from a small valid organisation and breaks one thing. The files are written in a
temporary working directory and passed by relative name, so the reported file is the name as the
operator typed it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.organisation.directory import NullDirectory
from bot.organisation.importer import format_problem, import_files
from storage.db import Database
from storage.models import AuditEntry, Department, Person

DEPARTMENTS = "department,channel\nDrift,#drift\n"
PEOPLE = (
    "email,name,department,manager_email,language,roles\n"
    "boss@x.dk,Bo Boss,Drift,,da,\n"
    "a@x.dk,Anna A,Drift,boss@x.dk,,\n"
    "b@x.dk,Bent B,Drift,boss@x.dk,en,\n"
)
NETWORKS_HEADER = (
    "network,theme,leader_email,reference_leader_email,participant_emails,start_date,end_date\n"
)
PULS_HEADER = "email,manager_email,date,time\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(files: dict[str, str | bytes]) -> list[str]:
    for name, content in files.items():
        if isinstance(content, bytes):
            Path(name).write_bytes(content)
        else:
            Path(name).write_text(content, encoding="utf-8")
    return list(files)


def problems_of(db: Database, files: dict[str, str | bytes]) -> list[tuple[str, int, str]]:
    report = import_files(db, write(files), NullDirectory(), "da")
    assert not report.accepted
    with db.session() as session:
        assert session.exec(select(Person)).all() == [], "a rejected import writes nothing"
        assert session.exec(select(Department)).all() == []
        assert session.exec(select(AuditEntry)).all() == []
    return [(p.file, p.line, p.code) for p in report.problems]


CASES: dict[str, tuple[dict[str, str | bytes], list[tuple[str, int, str]]]] = {
    "unknown manager": (
        {"people.csv": PEOPLE + "c@x.dk,Carl C,Drift,ghost@x.dk,,\n"},
        [("people.csv", 5, "unknown_manager")],
    ),
    "duplicate email, other case": (
        {"people.csv": PEOPLE + "A@X.DK,Anna Again,Drift,boss@x.dk,,\n"},
        [("people.csv", 5, "duplicate_email")],
    ),
    "unknown column": (
        {"people.csv": "email,name,department,manager_email,phone\n"},
        [("people.csv", 1, "unknown_column")],
    ),
    "missing column": (
        {"people.csv": "email,name,department\nboss@x.dk,Bo Boss,Drift\n"},
        [("people.csv", 1, "missing_column")],
    ),
    "header of no kind": (
        {"stuff.csv": "foo,bar,baz\n1,2,3\n"},
        [("stuff.csv", 1, "unknown_kind")],
    ),
    "duplicate column": (
        {"people.csv": "email,name,department,manager_email,name\n"},
        [("people.csv", 1, "duplicate_column")],
    ),
    "empty column name": (
        {"people.csv": "email,name,,department,manager_email\n"},
        [("people.csv", 1, "empty_column")],
    ),
    "bad email": (
        {"people.csv": PEOPLE + "Carl Carlsen,Carl C,Drift,boss@x.dk,,\n"},
        [("people.csv", 5, "bad_email")],
    ),
    "bad manager email": (
        {"people.csv": PEOPLE + "c@x.dk,Carl C,Drift,boss(at)x.dk,,\n"},
        [("people.csv", 5, "bad_email")],
    ),
    "missing email": (
        {"people.csv": PEOPLE + ",Carl C,Drift,boss@x.dk,,\n"},
        [("people.csv", 5, "missing_email")],
    ),
    "missing name": (
        {"people.csv": PEOPLE + "c@x.dk,  ,Drift,boss@x.dk,,\n"},
        [("people.csv", 5, "missing_name")],
    ),
    "too long name": (
        {"people.csv": PEOPLE + f"c@x.dk,{'C' * 201},Drift,boss@x.dk,,\n"},
        [("people.csv", 5, "too_long")],
    ),
    "unknown language": (
        {"people.csv": PEOPLE + "c@x.dk,Carl C,Drift,boss@x.dk,de,\n"},
        [("people.csv", 5, "bad_language")],
    ),
    "unknown role": (
        {"people.csv": PEOPLE + "c@x.dk,Carl C,Drift,boss@x.dk,da,admin\n"},
        [("people.csv", 5, "bad_role")],
    ),
    "self manager": (
        {"people.csv": PEOPLE + "c@x.dk,Carl C,Drift,c@x.dk,,\n"},
        [("people.csv", 5, "manager_self")],
    ),
    "manager cycle of two": (
        {"people.csv": PEOPLE + "c@x.dk,Carl C,Drift,d@x.dk,,\nd@x.dk,Dora D,Drift,c@x.dk,,\n"},
        [("people.csv", 5, "manager_cycle"), ("people.csv", 6, "manager_cycle")],
    ),
    "manager cycle of three": (
        {
            "people.csv": "email,name,department,manager_email\n"
            "c@x.dk,Carl C,Drift,d@x.dk\n"
            "ok@x.dk,Ok,Drift,\n"
            "d@x.dk,Dora D,Drift,e@x.dk\n"
            "e@x.dk,Eva E,Drift,C@x.dk\n"
            "f@x.dk,Finn F,Drift,e@x.dk\n"  # points into the ring, is not on it
        },
        [
            ("people.csv", 2, "manager_cycle"),
            ("people.csv", 4, "manager_cycle"),
            ("people.csv", 5, "manager_cycle"),
        ],
    ),
    "wrong number of fields": (
        {"people.csv": PEOPLE + "c@x.dk,Carl C,Drift,boss@x.dk\nd@x.dk,D,Drift,,,,\n"},
        [("people.csv", 5, "field_count"), ("people.csv", 6, "field_count")],
    ),
    "bad channel": (
        {"departments.csv": "department,channel\nDrift,#drift\nIT,IT-afdelingen\nHR,#h r\n"},
        [("departments.csv", 3, "bad_channel"), ("departments.csv", 4, "bad_channel")],
    ),
    "bad weekday": (
        {
            "departments.csv": "department,channel,meeting_weekday\n"
            "Drift,#drift,tirsdag\nIT,C0123ABCD,blursday\n"
        },
        [("departments.csv", 3, "bad_weekday")],
    ),
    "bad time": (
        {"departments.csv": "department,channel,meeting_time\nDrift,#drift,25:00\nIT,#it,9\n"},
        [("departments.csv", 2, "bad_time"), ("departments.csv", 3, "bad_time")],
    ),
    "bad interval": (
        {
            "departments.csv": "department,channel,meeting_interval_weeks\n"
            "Drift,#drift,0\nIT,#it,-1\nHR,#hr,to\nØkonomi,#oekonomi,2\n"
        },
        [
            ("departments.csv", 2, "bad_interval"),
            ("departments.csv", 3, "bad_interval"),
            ("departments.csv", 4, "bad_interval"),
        ],
    ),
    "duplicate department": (
        {"departments.csv": "department,channel\nDrift,#drift\n DRIFT ,#drift2\n"},
        [("departments.csv", 3, "duplicate_department")],
    ),
    "missing department name": (
        {"departments.csv": "department,channel\n,#drift\n"},
        [("departments.csv", 2, "missing_value")],
    ),
    "network leader unknown": (
        {
            "people.csv": PEOPLE,
            "networks.csv": NETWORKS_HEADER + "Klima,Skybrud,ghost@x.dk,boss@x.dk,a@x.dk,,\n",
        },
        [("networks.csv", 2, "unknown_leader")],
    ),
    "network reference leader unknown": (
        {
            "people.csv": PEOPLE,
            "networks.csv": NETWORKS_HEADER + "Klima,Skybrud,a@x.dk,ghost@x.dk,b@x.dk,,\n",
        },
        [("networks.csv", 2, "unknown_reference_leader")],
    ),
    "network participant unknown": (
        {
            "people.csv": PEOPLE,
            "networks.csv": NETWORKS_HEADER
            + "Klima,Skybrud,a@x.dk,boss@x.dk,b@x.dk;ghost@x.dk,,\n",
        },
        [("networks.csv", 2, "unknown_participant")],
    ),
    "leader listed as participant": (
        {
            "people.csv": PEOPLE,
            "networks.csv": NETWORKS_HEADER + "Klima,Skybrud,a@x.dk,boss@x.dk,b@x.dk;A@x.dk,,\n",
        },
        [("networks.csv", 2, "leader_is_participant")],
    ),
    "duplicate network": (
        {
            "people.csv": PEOPLE,
            "networks.csv": NETWORKS_HEADER
            + "Klima,Skybrud,a@x.dk,boss@x.dk,b@x.dk,,\nklima,Igen,b@x.dk,boss@x.dk,,,\n",
        },
        [("networks.csv", 3, "duplicate_network")],
    ),
    "end before start": (
        {
            "people.csv": PEOPLE,
            "networks.csv": NETWORKS_HEADER
            + "Klima,Skybrud,a@x.dk,boss@x.dk,b@x.dk,2027-06-30,01.01.2027\n",
        },
        [("networks.csv", 2, "end_before_start")],
    ),
    "network without theme": (
        {"people.csv": PEOPLE, "networks.csv": NETWORKS_HEADER + "Klima,,a@x.dk,,,,\n"},
        [("networks.csv", 2, "missing_value")],
    ),
    "bad network date": (
        {
            "people.csv": PEOPLE,
            "networks.csv": NETWORKS_HEADER + "Klima,Skybrud,a@x.dk,,,2027-02-30,\n",
        },
        [("networks.csv", 2, "bad_date")],
    ),
    "puls employee unknown": (
        {"people.csv": PEOPLE, "puls.csv": PULS_HEADER + "ghost@x.dk,boss@x.dk,2027-03-16,10:00\n"},
        [("puls.csv", 2, "unknown_person")],
    ),
    "puls manager unknown": (
        {"people.csv": PEOPLE, "puls.csv": PULS_HEADER + "a@x.dk,ghost@x.dk,2027-03-16,10:00\n"},
        [("puls.csv", 2, "unknown_manager")],
    ),
    "puls bad date and time": (
        {
            "people.csv": PEOPLE,
            "puls.csv": PULS_HEADER
            + "a@x.dk,boss@x.dk,16/03/2027,10:00\nb@x.dk,boss@x.dk,2027-03-16,10.61\n",
        },
        [("puls.csv", 2, "bad_date"), ("puls.csv", 3, "bad_time")],
    ),
    "puls missing date": (
        {"people.csv": PEOPLE, "puls.csv": PULS_HEADER + "a@x.dk,boss@x.dk,,\n"},
        [("puls.csv", 2, "missing_value")],
    ),
    "duplicate puls": (
        {
            "people.csv": PEOPLE,
            "puls.csv": PULS_HEADER
            + "a@x.dk,boss@x.dk,2027-03-16,\nA@x.dk,boss@x.dk,16.03.2027,\n",
        },
        [("puls.csv", 3, "duplicate_puls")],
    ),
    "file not found": ({}, [("missing.csv", 1, "file_not_found")]),
    "not UTF-8": (
        {"people.csv": (PEOPLE + "c@x.dk,Søren,Drift,boss@x.dk,,\n").encode("cp1252")},
        [("people.csv", 5, "not_utf8")],
    ),
    "no header": ({"people.csv": "\n\n"}, [("people.csv", 1, "no_header")]),
}


@pytest.mark.parametrize("case", CASES)
def test_each_reason_is_reported_at_its_line(db: Database, case: str) -> None:
    files, expected = CASES[case]
    if case == "file not found":
        report = import_files(db, ["missing.csv"], NullDirectory(), "da")
        assert [(p.file, p.line, p.code) for p in report.problems] == expected
        return
    assert problems_of(db, files) == expected


def test_every_bad_row_in_every_file_is_reported_in_file_then_line_order(db: Database) -> None:
    files: dict[str, str | bytes] = {
        "puls.csv": PULS_HEADER + "a@x.dk,boss@x.dk,2027-13-01,\n",
        "people.csv": PEOPLE + "c@x.dk,,Drift,ghost@x.dk,xx,\n\nd@x.dk,Dora,Drift,d@x.dk,,\n",
        "departments.csv": DEPARTMENTS + "IT,it\n",
    }
    report = import_files(db, write(files), NullDirectory(), "en")
    assert [(p.file, p.line, p.code) for p in report.problems] == [
        ("puls.csv", 2, "bad_date"),
        ("people.csv", 5, "missing_name"),
        ("people.csv", 5, "bad_language"),
        ("people.csv", 5, "unknown_manager"),
        ("people.csv", 7, "manager_self"),
        ("departments.csv", 3, "bad_channel"),
    ]
    assert report.error_lines()[0] == (
        "puls.csv:2: “2027-13-01” in “date” is not a date. Write it as YYYY-MM-DD "
        "(e.g. 2027-03-16), DD-MM-YYYY or DD.MM.YYYY."
    )
    assert report.error_lines()[3] == (
        "people.csv:5: The manager ghost@x.dk is neither in the people file nor already known. "
        "Add the manager to the people file."
    )


def test_line_numbers_are_physical_lines_with_blank_lines_and_quoted_line_breaks(
    db: Database,
) -> None:
    networks = (
        NETWORKS_HEADER
        + '"Klima","Skybrud:\nhvordan gør vi byen klar?",a@x.dk,boss@x.dk,b@x.dk,,\n'
        + "\n"
        + "Inklusion,Digital,b@x.dk,boss@x.dk,ghost@x.dk,,\n"
    )
    assert problems_of(db, {"people.csv": PEOPLE, "networks.csv": networks}) == [
        ("networks.csv", 5, "unknown_participant")
    ]


def test_a_ring_closed_through_the_database_is_caught(db: Database) -> None:
    first = import_files(db, write({"people.csv": PEOPLE}), NullDirectory(), "da")
    assert first.accepted
    # boss@x.dk is stored without a manager; now she reports to a@x.dk, who reports to her.
    report = import_files(
        db,
        write(
            {"boss.csv": "email,name,department,manager_email\nboss@x.dk,Bo Boss,Drift,a@x.dk\n"}
        ),
        NullDirectory(),
        "da",
    )
    assert [(p.file, p.line, p.code) for p in report.problems] == [("boss.csv", 2, "manager_cycle")]
    assert "boss@x.dk → a@x.dk → boss@x.dk" in format_problem(report.problems[0], "da")


def test_the_unknown_column_names_the_column_and_the_kind_in_danish(db: Database) -> None:
    report = import_files(
        db, write({"people.csv": "email,name,department,manager_email,telefon\n"}), NullDirectory()
    )
    assert report.error_lines() == [
        "people.csv:1: Kolonnen “telefon” hører ikke hjemme i en personfil. "
        "Ret stavningen, eller fjern kolonnen."
    ]
    assert report.summary_lines() == [
        "Importen er afvist på grund af 1 fejl. Der er ikke gemt noget. "
        "Ret fejlene, og kør importen igen."
    ]
