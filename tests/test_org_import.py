"""The organisation import (DESIGN.md §4, contract): the sample org, idempotence, changes,
all-or-nothing, Slack lookups and the `netvaerk import` command."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlmodel import SQLModel, col, func, select

from bot.core.settings import Settings
from bot.organisation.cli import run_import
from bot.organisation.csv_reading import FileKind
from bot.organisation.directory import Directory, DirectoryEntry, DirectoryError, NullDirectory
from bot.organisation.importer import ImportReport, import_files
from netvaerk.app import build_deps
from storage.db import Database
from storage.models import (
    AuditEntry,
    Department,
    Network,
    NetworkMember,
    Person,
    PulsTalk,
)
from tests.slack_ids import stored_slack_id

SAMPLE = Path(__file__).with_name("data") / "org"
SAMPLE_FILES = ["departments.csv", "people.csv", "networks.csv", "puls.csv"]
T0 = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
T1 = datetime(2027, 2, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in a copy of the sample org, so tests can change files and name them as typed."""
    for name in SAMPLE_FILES:
        shutil.copy(SAMPLE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


def replace_in(name: str, old: str, new: str) -> str:
    text = Path(name).read_text(encoding="utf-8")
    assert old in text
    return write(name, text.replace(old, new))


class FakeDirectory:
    """A directory that knows some emails and can fail on one, recording what it was asked."""

    platform = "slack"

    def __init__(self, known: dict[str, DirectoryEntry], fail_on: str | None = None) -> None:
        self.known, self.fail_on = known, fail_on
        self.asked: list[str] = []

    def lookup(self, email: str) -> DirectoryEntry | None:
        self.asked.append(email)
        if email == self.fail_on:
            raise DirectoryError("ratelimited")
        return self.known.get(email)


def run(
    db: Database, files: list[str], at: datetime = T0, directory: Directory | None = None
) -> ImportReport:
    with freeze_time(at):
        report = import_files(db, files, directory or NullDirectory(), "da")
    assert report.accepted, report.error_lines()
    return report


def counts(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    return {k.value: (c.created, c.updated, c.unchanged) for k, c in report.counts.items()}


def person(db: Database, email: str) -> Person:
    with db.session() as session:
        return session.exec(select(Person).where(Person.email == email)).one()


def network(db: Database, name: str) -> Network:
    with db.session() as session:
        return session.exec(select(Network).where(Network.name == name)).one()


def members(db: Database, name: str) -> dict[str, datetime]:
    with db.session() as session:
        rows = session.exec(
            select(Person.email, NetworkMember.joined_at)
            .join(NetworkMember, NetworkMember.person_id == Person.id)  # type: ignore[arg-type]
            .join(Network, Network.id == NetworkMember.network_id)  # type: ignore[arg-type]
            .where(Network.name == name)
        ).all()
    return dict(rows)


def audit(db: Database) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all())


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every organisation table, as plain tuples."""
    with db.session() as session:
        return {
            model.__name__: sorted(
                tuple(getattr(row, c) for c in model.model_fields)
                for row in session.exec(select(model)).all()
            )
            for model in (Department, Person, Network, NetworkMember, PulsTalk, AuditEntry)
        }


def row_count(db: Database, model: type[SQLModel]) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


# --- the sample organisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        ["puls.csv", "networks.csv", "people.csv", "departments.csv"],
        ["networks.csv", "departments.csv", "puls.csv", "people.csv"],
    ],
)
def test_the_sample_org_imports_in_one_call_in_any_order(db: Database, order: list[str]) -> None:
    report = run(db, order)

    assert counts(report) == {
        "departments": (4, 0, 0),
        "people": (11, 0, 0),
        "networks": (2, 0, 0),
        "puls": (3, 0, 0),
    }
    anne, lars = person(db, "anne.jensen@example.dk"), person(db, "lars.nielsen@example.dk")
    assert anne.name == "Anne Jensen" and anne.manager_id == lars.id
    assert anne.manager_since == T0 and anne.created_at == T0 and anne.updated_at == T0
    assert person(db, "fatima.ali@example.dk").language == "en"
    assert person(db, "ida.sekretariat@example.dk").is_secretariat
    assert not anne.is_secretariat
    assert person(db, "mette.holm@example.dk").manager_id is None

    with db.session() as session:
        by_og_miljo = session.exec(select(Department).where(Department.name == "By og Miljø")).one()
    assert anne.department_id == by_og_miljo.id
    assert by_og_miljo.channel == "#by-og-miljoe"
    assert by_og_miljo.meeting_weekday == 1  # tirsdag
    assert by_og_miljo.meeting_time == time(9, 0)
    assert by_og_miljo.meeting_interval_weeks == 2

    klima = network(db, "Klimatilpasning")
    assert klima.leader_id == anne.id and klima.leader_since == T0
    assert klima.reference_leader_id == person(db, "mette.holm@example.dk").id
    assert (klima.start_date, klima.end_date) == (date(2027, 1, 4), date(2027, 6, 30))
    assert members(db, "Klimatilpasning") == {
        "jonas.andersen@example.dk": T0,
        "camilla.berg@example.dk": T0,
    }
    with db.session() as session:
        talk = session.exec(select(PulsTalk).where(PulsTalk.employee_id == anne.id)).one()
    assert (talk.manager_id, talk.talk_date, talk.talk_time) == (
        lars.id,
        date(2027, 3, 16),
        time(10),
    )

    actions = [(a.actor, a.action) for a in audit(db)]
    assert actions.count(("import", "person.created")) == 11
    assert actions.count(("import", "department.created")) == 4
    assert actions.count(("import", "network.created")) == 2
    assert actions.count(("import", "puls_talk.created")) == 3
    assert all(a.at == T0 for a in audit(db))


def test_reimporting_unchanged_files_changes_nothing(db: Database) -> None:
    run(db, SAMPLE_FILES, at=T0)
    before = snapshot(db)

    report = run(db, list(reversed(SAMPLE_FILES)), at=T1)

    assert snapshot(db) == before  # no updated_at moved, no member re-joined, no audit entry
    assert counts(report) == {
        "departments": (0, 0, 4),
        "people": (0, 0, 11),
        "networks": (0, 0, 2),
        "puls": (0, 0, 3),
    }
    assert report.people_not_in_file == 0
    assert "Personer: 0 oprettet, 0 opdateret, 11 uændret" in report.summary_lines()


def test_a_bad_row_in_the_last_file_leaves_the_database_empty(db: Database) -> None:
    with open("puls.csv", "a", encoding="utf-8") as puls:
        puls.write("camilla.berg@example.dk,henrik.lund@example.dk,2027-05-32,09:00\n")
    with freeze_time(T0):
        report = import_files(db, SAMPLE_FILES, NullDirectory(), "da")

    assert [(p.file, p.line, p.code) for p in report.problems] == [("puls.csv", 5, "bad_date")]
    for model in (Department, Person, Network, NetworkMember, PulsTalk, AuditEntry):
        assert row_count(db, model) == 0, model.__name__


def test_a_bad_row_leaves_an_earlier_import_untouched(db: Database) -> None:
    run(db, SAMPLE_FILES)
    before = snapshot(db)
    replace_in("people.csv", "Anne Jensen,By og Miljø,lars", "Anne J,Social og Sundhed,lars")
    replace_in("networks.csv", "camilla.berg@example.dk,2027-01-04", "nobody@example.dk,2027-01-04")
    with freeze_time(T1):
        report = import_files(db, SAMPLE_FILES, NullDirectory(), "da")
    assert [(p.file, p.line, p.code) for p in report.problems] == [
        ("networks.csv", 2, "unknown_participant")
    ]
    assert snapshot(db) == before


# --- changes -------------------------------------------------------------------------------------


def test_a_new_manager_sets_manager_since_and_is_audited_by_field_name(db: Database) -> None:
    run(db, SAMPLE_FILES, at=T0)
    replace_in(
        "people.csv",
        "anne.jensen@example.dk,Anne Jensen,By og Miljø,lars.nielsen@example.dk",
        "ANNE.JENSEN@example.dk,  Anne  Jensen ,Social og Sundhed,Birgitte.Moller@example.dk",
    )
    before = audit(db)

    report = run(db, ["people.csv"], at=T1)

    assert counts(report) == {"people": (0, 1, 10)}
    anne = person(db, "anne.jensen@example.dk")
    assert anne.name == "Anne Jensen"
    assert anne.manager_id == person(db, "birgitte.moller@example.dk").id
    assert anne.manager_since == T1 and anne.updated_at == T1 and anne.created_at == T0
    assert person(db, "soren.kjaer@example.dk").updated_at == T0
    new = audit(db)[len(before) :]
    assert [(a.action, a.entity, a.entity_id, a.details) for a in new] == [
        (
            "person.updated",
            "person",
            anne.id,
            {"fields": ["department_id", "manager_id", "manager_since"]},
        )
    ]


def test_department_and_channel_changes_update_only_what_changed(db: Database) -> None:
    run(db, SAMPLE_FILES, at=T0)
    replace_in("departments.csv", "#by-og-miljoe;tirsdag", "C0BYMILJO1;onsdag")

    report = run(db, ["departments.csv"], at=T1)

    assert counts(report) == {"departments": (0, 1, 3)}
    with db.session() as session:
        departments = {d.name: d for d in session.exec(select(Department)).all()}
    assert departments["By og Miljø"].channel == "C0BYMILJO1"
    assert departments["By og Miljø"].meeting_weekday == 2
    assert departments["By og Miljø"].updated_at == T1
    assert departments["Børn og Skole"].updated_at == T0
    assert audit(db)[-1].details == {"fields": ["channel", "meeting_weekday"]}


def test_network_membership_follows_the_file(db: Database) -> None:
    run(db, SAMPLE_FILES, at=T0)
    replace_in(
        "networks.csv",
        "anne.jensen@example.dk,mette.holm@example.dk,"
        "jonas.andersen@example.dk;camilla.berg@example.dk",
        "lars.nielsen@example.dk,mette.holm@example.dk,"
        "jonas.andersen@example.dk;anne.jensen@example.dk",
    )

    report = run(db, ["networks.csv"], at=T1)

    assert counts(report) == {"networks": (0, 1, 1)}
    klima = network(db, "Klimatilpasning")
    assert klima.leader_id == person(db, "lars.nielsen@example.dk").id
    assert klima.leader_since == T1 and klima.updated_at == T1
    assert members(db, "Klimatilpasning") == {
        "jonas.andersen@example.dk": T0,  # stays, with the day they joined
        "anne.jensen@example.dk": T1,  # the former leader, now a participant
    }  # camilla.berg is no longer listed, so she is no longer a member
    assert network(db, "Digital inklusion").updated_at == T0
    assert audit(db)[-1].details == {
        "fields": ["leader_id", "leader_since", "participants"],
        "participants_added": 1,
        "participants_removed": 1,
    }


def test_people_missing_from_the_file_are_counted_not_deleted(db: Database) -> None:
    run(db, SAMPLE_FILES)
    write(
        "people.csv",
        "email,name,department,manager_email\n"
        "mette.holm@example.dk,Mette Holm,Økonomi og Stab,\n"
        "lars.nielsen@example.dk,Lars Nielsen,By og Miljø,mette.holm@example.dk\n",
    )
    report = run(db, ["people.csv"], at=T1)

    assert report.people_not_in_file == 9
    assert row_count(db, Person) == 11
    assert (
        "Personer i databasen, som ikke står i personfilen: 9. De er ikke slettet – "
        "sletning er en særskilt funktion."
    ) in report.summary_lines()
    # Without the optional columns, language and roles stay as they were.
    assert person(db, "mette.holm@example.dk").language == "da"
    assert counts(report) == {"people": (0, 0, 2)}


def test_a_department_only_named_in_people_exists_without_a_channel(db: Database) -> None:
    replace_in("people.csv", "Peter Øberg,Økonomi og Stab", "Peter Øberg,Kultur og Fritid")
    report = run(db, SAMPLE_FILES)

    assert report.departments_without_channel == ["Kultur og Fritid"]
    assert counts(report)["departments"] == (5, 0, 0)
    assert "Afdelinger oprettet uden kanal (1): Kultur og Fritid." in " ".join(
        report.summary_lines()
    )
    with db.session() as session:
        kultur = session.exec(select(Department).where(Department.name == "Kultur og Fritid")).one()
    assert kultur.channel is None

    write("more-departments.csv", "Department ; Channel\nkultur og fritid;#kultur\n")
    report = run(db, ["more-departments.csv", "people.csv"], at=T1)
    assert counts(report) == {"departments": (0, 1, 0), "people": (0, 0, 11)}
    with db.session() as session:
        assert session.get(Department, kultur.id).channel == "#kultur"  # type: ignore[union-attr]


def test_puls_talks_are_upserted_by_employee_and_date(db: Database) -> None:
    run(db, SAMPLE_FILES)
    write(
        "puls.csv",
        "email,manager_email,date,time\n"
        "anne.jensen@example.dk,lars.nielsen@example.dk,16-03-2027,11:15\n"
        "anne.jensen@example.dk,lars.nielsen@example.dk,16.03.2028,\n"
        "fatima.ali@example.dk,birgitte.moller@example.dk,08.04.2027,13:30\n",
    )
    report = run(db, ["puls.csv"], at=T1)

    assert counts(report) == {"puls": (1, 1, 1)}
    anne = person(db, "anne.jensen@example.dk")
    with db.session() as session:
        talks = session.exec(
            select(PulsTalk).where(PulsTalk.employee_id == anne.id).order_by(PulsTalk.talk_date)  # type: ignore[arg-type]
        ).all()
    assert [(t.talk_date, t.talk_time) for t in talks] == [
        (date(2027, 3, 16), time(11, 15)),
        (date(2028, 3, 16), None),
    ]
    assert row_count(db, PulsTalk) == 4  # jonas's talk is not in this file and stays


# --- Slack lookups -----------------------------------------------------------------------------


def test_slack_ids_are_looked_up_for_people_without_one(db: Database) -> None:
    directory = FakeDirectory(
        {
            "anne.jensen@example.dk": DirectoryEntry("U0ANNE", "Europe/Copenhagen", None),
            "fatima.ali@example.dk": DirectoryEntry("U0FATIMA", "Europe/London", "en-GB"),
        }
    )
    report = run(db, SAMPLE_FILES, directory=directory)

    assert len(directory.asked) == 11
    anne, fatima = person(db, "anne.jensen@example.dk"), person(db, "fatima.ali@example.dk")
    assert (stored_slack_id(db, anne), anne.timezone) == ("U0ANNE", "Europe/Copenhagen")
    assert (stored_slack_id(db, fatima), fatima.timezone) == ("U0FATIMA", "Europe/London")
    assert stored_slack_id(db, person(db, "lars.nielsen@example.dk")) is None  # kept
    assert len(report.not_found_in_slack) == 9
    assert "lars.nielsen@example.dk" in report.not_found_in_slack
    line = next(s for s in report.summary_lines() if s.startswith("Ikke fundet i Slack (9): "))
    assert "lars.nielsen@example.dk" in line

    # Next time only those still without an ID are asked; nothing changes when Slack agrees.
    before = snapshot(db)
    again = FakeDirectory(directory.known)
    report = run(db, SAMPLE_FILES, at=T1, directory=again)
    assert sorted(again.asked) == sorted(report.not_found_in_slack)
    assert "anne.jensen@example.dk" not in again.asked
    assert snapshot(db) == before

    # Lars joins Slack: his ID is filled in, and that is an update of one person.
    again.known["lars.nielsen@example.dk"] = DirectoryEntry("U0LARS", None, None)
    report = run(db, ["people.csv"], at=T1, directory=again)
    assert counts(report) == {"people": (0, 1, 10)}
    lars = person(db, "lars.nielsen@example.dk")
    assert (stored_slack_id(db, lars), lars.timezone, lars.updated_at) == ("U0LARS", None, T1)
    assert audit(db)[-1].details == {"fields": ["slack_id"]}


def test_a_slack_failure_keeps_everyone_and_says_who_has_no_id(db: Database) -> None:
    directory = FakeDirectory(
        {"mette.holm@example.dk": DirectoryEntry("U0METTE", None, None)},
        fail_on="anne.jensen@example.dk",
    )
    report = run(db, SAMPLE_FILES, directory=directory)

    assert directory.asked[-1] == "anne.jensen@example.dk"  # stops asking after the failure
    assert report.lookup_error == "ratelimited"
    assert report.not_looked_up[0] == "anne.jensen@example.dk"
    assert len(report.not_looked_up) == 9
    assert row_count(db, Person) == 11
    assert stored_slack_id(db, person(db, "mette.holm@example.dk")) == "U0METTE"
    assert (
        "Slack svarede ikke (ratelimited). Personer uden Slack-id: 9. "
        "De er gemt; kør importen igen, når Slack svarer."
    ) in report.summary_lines()


def test_slack_is_not_asked_when_the_import_is_rejected(db: Database) -> None:
    replace_in("people.csv", "Camilla Berg,Børn og Skole,henrik.lund", "Camilla Berg,,ghost")
    directory = FakeDirectory({})
    report = import_files(db, SAMPLE_FILES, directory, "da")
    assert not report.accepted
    assert directory.asked == []


def test_without_a_directory_the_report_says_ids_were_not_looked_up(db: Database) -> None:
    report = run(db, SAMPLE_FILES)
    assert report.lookup_skipped and report.not_found_in_slack == []
    assert len(report.not_looked_up) == 11


# --- the command ---------------------------------------------------------------------------------


def test_the_command_prints_the_report_and_exits_0(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(slack_bot_token=None, netvaerk_language="en")
    with freeze_time(T0):
        assert (
            run_import(build_deps(settings, db), ["people.csv", "departments.csv"], NullDirectory())
            == 0
        )
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "The import is complete.",
        "people.csv: people file with 11 rows",
        "departments.csv: departments file with 4 rows",
        "Departments: 4 created, 0 updated, 0 unchanged",
        "People: 11 created, 0 updated, 0 unchanged",
        "Slack IDs were not looked up because SLACK_BOT_TOKEN is not set. "
        "People without a Slack ID: 11. Run the import again with the token.",
    ]


def test_the_command_prints_each_error_as_file_line_reason_and_exits_1(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    replace_in(
        "people.csv", "camilla.berg@example.dk,Camilla Berg", "camilla.berg@example,Camilla Berg"
    )
    replace_in("departments.csv", "mandag", "blåmandag")
    settings = Settings(slack_bot_token=None, netvaerk_language="da")
    assert (
        run_import(build_deps(settings, db), ["people.csv", "departments.csv"], NullDirectory())
        == 1
    )
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "people.csv:10: “camilla.berg@example” i “email” er ikke en e-mailadresse.",
        "departments.csv:4: “blåmandag” er ikke en ugedag. Skriv fx tirsdag eller Tuesday.",
        "Importen er afvist på grund af 2 fejl. Der er ikke gemt noget. "
        "Ret fejlene, og kør importen igen.",
    ]
    assert row_count(db, Person) == 0


def test_kinds_in_the_report_follow_the_import_order() -> None:
    report = ImportReport(language="en")
    report.count(FileKind.PULS).created = 1
    report.count(FileKind.PEOPLE).unchanged = 2
    assert report.summary_lines()[1:] == [
        "People: 0 created, 0 updated, 2 unchanged",
        "PULS talks: 1 created, 0 updated, 0 unchanged",
    ]
