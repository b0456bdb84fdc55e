"""What Excel writes is what the import reads: BOM, semicolons, header spelling, Danish dates."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import select

from bot.organisation.csv_reading import FileKind, detect_kind, parse_org_text, sniff_delimiter
from bot.organisation.directory import NullDirectory
from bot.organisation.importer import import_files
from bot.organisation.rows import parse_channel, parse_date, parse_time, parse_weekday
from storage.db import Database
from storage.models import Department, Network, NetworkMember, Person


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_semicolon_file_with_a_bom_and_crlf_imports(db: Database) -> None:
    departments = (
        "\ufeffDepartment ; CHANNEL;Meeting_Weekday;meeting_time;meeting_interval_weeks\r\n"
    )
    departments += "By og Miljø;#By-og-Miljoe;Tuesday;9:00;2\r\n;;;;\r\n"
    Path("afdelinger.csv").write_bytes(departments.encode("utf-8"))
    people_csv = (
        "\ufeffemail;name;department;manager_email;language;roles\r\n"
        "Mette.Holm@Example.dk;Mette Holm;by og miljø;;DA;Secretariat\r\n"
        "lars@example.dk;Lars Nielsen;By og Miljø;mette.holm@example.dk;en-GB;\r\n"
        "anne@example.dk;Anne Jensen;By og Miljø;lars@example.dk;;\r\n"
    )
    Path("personer.csv").write_bytes(people_csv.encode("utf-8"))
    networks = (
        "\ufeffnetwork;theme;leader_email;reference_leader_email;participant_emails;"
        "start_date;end_date\r\n"
        "Klima;Skybrud; sammen med borgerne;LARS@example.dk;mette.holm@example.dk;"
        "anne@example.dk | Mette.Holm@example.dk;04-01-2027;30.06.2027\r\n"
    )
    Path("netvaerk.csv").write_bytes(networks.encode("utf-8"))

    # The theme has a stray semicolon: that row has one field too many and is reported.
    report = import_files(db, ["netvaerk.csv", "personer.csv", "afdelinger.csv"], NullDirectory())
    assert [(p.file, p.line, p.code) for p in report.problems] == [
        ("netvaerk.csv", 2, "field_count")
    ]

    Path("netvaerk.csv").write_bytes(networks.replace("Skybrud;", "Skybrud,").encode("utf-8"))
    report = import_files(db, ["netvaerk.csv", "personer.csv", "afdelinger.csv"], NullDirectory())
    assert report.accepted, report.error_lines()
    assert report.files == [
        ("netvaerk.csv", FileKind.NETWORKS, 1),
        ("personer.csv", FileKind.PEOPLE, 3),
        ("afdelinger.csv", FileKind.DEPARTMENTS, 1),
    ]

    with db.session() as session:
        department = session.exec(select(Department)).one()
        people = {p.email: p for p in session.exec(select(Person)).all()}
        network = session.exec(select(Network)).one()
        member_ids = {m.person_id for m in session.exec(select(NetworkMember)).all()}
    assert (department.name, department.channel) == ("By og Miljø", "#by-og-miljoe")
    assert (department.meeting_weekday, department.meeting_time) == (1, time(9, 0))
    assert set(people) == {"mette.holm@example.dk", "lars@example.dk", "anne@example.dk"}
    mette = people["mette.holm@example.dk"]
    assert mette.is_secretariat and mette.language == "da"
    assert people["lars@example.dk"].language == "en"
    assert people["anne@example.dk"].language is None
    assert all(p.department_id == department.id for p in people.values())
    assert network.theme == "Skybrud, sammen med borgerne"
    assert network.leader_id == people["lars@example.dk"].id
    assert (network.start_date, network.end_date) == (date(2027, 1, 4), date(2027, 6, 30))
    assert member_ids == {people["anne@example.dk"].id, mette.id}


def test_quoted_participants_with_semicolons_in_a_comma_file() -> None:
    text = (
        "network,theme,leader_email,reference_leader_email,participant_emails\n"
        'Klima,"Skybrud, by og borgere",a@x.dk,,"b@x.dk; c@x.dk;;"\n'
    )
    result = parse_org_text("n.csv", text)
    assert result.problems == ()
    assert result.file is not None
    assert result.file.delimiter == ","
    assert result.file.rows[0].values["participant_emails"] == "b@x.dk; c@x.dk;;"


def test_the_delimiter_is_sniffed_from_the_header_only() -> None:
    assert sniff_delimiter("email;name;department;manager_email") == ";"
    assert sniff_delimiter("email,name,department,manager_email") == ","
    assert sniff_delimiter("department;channel") == ";"


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["email", "name", "department", "manager_email"], FileKind.PEOPLE),
        (["email", "name", "department", "manager_email", "phone"], FileKind.PEOPLE),
        (["email", "name", "department"], FileKind.PEOPLE),
        (["department", "channel"], FileKind.DEPARTMENTS),
        (["email", "manager_email", "date"], FileKind.PULS),
        (["network", "theme", "leader_email"], FileKind.NETWORKS),
        (["email", "manager_email"], None),  # people or PULS: say so rather than guess
        (["department"], None),
        (["foo", "bar"], None),
    ],
)
def test_the_kind_is_the_clearly_best_matching_header(
    header: list[str], kind: FileKind | None
) -> None:
    assert detect_kind(header) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-16", date(2027, 3, 16)),
        ("16-03-2027", date(2027, 3, 16)),
        ("16.03.2027", date(2027, 3, 16)),
        ("6.3.2027", date(2027, 3, 6)),
        ("2027-02-29", None),
        ("16/03/2027", None),
        ("2027.03.16", None),
        ("marts", None),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_times_weekdays_and_channels() -> None:
    assert parse_time("09:30") == time(9, 30)
    assert parse_time("9:05") == time(9, 5)
    assert parse_time("24:00") is None and parse_time("09:60") is None
    assert parse_weekday("TIRSDAG") == 1 and parse_weekday("sunday") == 6
    assert parse_weekday("Lørdag") == 5 and parse_weekday("soendag") == 6
    assert parse_weekday("tue") is None
    assert parse_channel("C0123ABCD") == "C0123ABCD" and parse_channel("G0123ABCD") == "G0123ABCD"
    assert parse_channel("#Økonomi_og-stab") == "#økonomi_og-stab"
    assert parse_channel("D0123ABCD") is None and parse_channel("#two words") is None
    assert parse_channel("oekonomi") is None and parse_channel("#") is None


def test_a_department_may_have_a_teams_channel_and_a_teams_only_one_needs_no_slack_channel(
    db: Database,
) -> None:
    teams = "19:a1b2c3d4e5f6@thread.tacv2"
    Path("afdelinger.csv").write_text(
        "department,channel,teams_channel\n"
        f"By og Miljø,#by-og-miljoe,{teams}\n"
        "Kultur,,19%3aKULTUR0001%40thread.tacv2\n"  # as copied from the channel's link
        "Skole,#skole,\n",
        encoding="utf-8",
    )
    report = import_files(db, ["afdelinger.csv"], NullDirectory())
    assert report.accepted, report.error_lines()
    assert report.departments_without_channel == []
    with db.session() as session:
        found = {d.name: (d.channel, d.teams_channel) for d in session.exec(select(Department))}
    assert found == {
        "By og Miljø": ("#by-og-miljoe", teams),
        "Kultur": (None, "19:KULTUR0001@thread.tacv2"),
        "Skole": ("#skole", None),
    }
    # A file without the column leaves the Teams channels alone; a wrong one is refused.
    Path("afdelinger.csv").write_text("department,channel\nKultur,#kultur\n", encoding="utf-8")
    assert import_files(db, ["afdelinger.csv"], NullDirectory()).accepted
    with db.session() as session:
        kultur = session.exec(select(Department).where(Department.name == "Kultur")).one()
    assert (kultur.channel, kultur.teams_channel) == ("#kultur", "19:KULTUR0001@thread.tacv2")
    Path("afdelinger.csv").write_text(
        "department,channel,teams_channel\nKultur,#kultur,C0KULTUR01\n", encoding="utf-8"
    )
    report = import_files(db, ["afdelinger.csv"], NullDirectory())
    assert [(p.line, p.code) for p in report.problems] == [(2, "bad_teams_channel")]
