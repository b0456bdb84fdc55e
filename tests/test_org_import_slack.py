"""Slack IDs by email, against the local Slack Web API emulator over real HTTP (no mocks)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.settings import Settings
from bot.organisation.cli import run_import
from bot.organisation.directory import DirectoryEntry, DirectoryError
from emulator import SlackWebAPI
from netvaerk.app import build_deps, build_directory
from platforms.slack.client import make_client
from platforms.slack.directory import SlackDirectory
from storage.db import Database
from storage.models import Person
from tests.slack_ids import stored_slack_id

TOKEN = "xoxb-import-test"
SAMPLE = Path(__file__).with_name("data") / "org"
FILES = ["departments.csv", "people.csv", "networks.csv", "puls.csv"]


@pytest.fixture
def api() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        started.add_user("U0ANNE0001", "Anne.Jensen@example.dk", "anne")
        started.add_user(
            "U0FATIMA01", "fatima.ali@example.dk", "fatima", tz="Europe/London", locale="en-GB"
        )
        started.add_user("U0GONE0001", "lars.nielsen@example.dk", "lars", deleted=True)
        yield started


def settings_for(api: SlackWebAPI, token: str = TOKEN) -> Settings:
    return Settings(
        slack_bot_token=token,
        slack_api_url=api.api_url,
        slack_max_retries=0,
        netvaerk_language="en",
    )


def directory_for(api: SlackWebAPI, token: str = TOKEN) -> SlackDirectory:
    return SlackDirectory(make_client(settings_for(api, token)))


def test_lookup_by_email_returns_the_id_and_time_zone(api: SlackWebAPI) -> None:
    directory = directory_for(api)
    # users.lookupByEmail sends no locale (only users.info with include_locale does).
    assert directory.lookup("fatima.ali@example.dk") == DirectoryEntry(
        "U0FATIMA01", "Europe/London", None
    )
    assert directory.lookup("anne.jensen@example.dk") is not None  # Slack matches any case
    assert directory.lookup("nobody@example.dk") is None
    assert directory.lookup("lars.nielsen@example.dk") is None  # deactivated: not found
    assert [c.params["email"] for c in api.calls_to("users.lookupByEmail")] == [
        "fatima.ali@example.dk",
        "anne.jensen@example.dk",
        "nobody@example.dk",
        "lars.nielsen@example.dk",
    ]


def test_other_slack_errors_raise_a_directory_error(api: SlackWebAPI) -> None:
    with pytest.raises(DirectoryError, match="invalid_auth"):
        directory_for(api, token="xoxb-wrong").lookup("anne.jensen@example.dk")
    api.fail_next("users.lookupByEmail")  # 429; no retries left in these settings
    with pytest.raises(DirectoryError, match="ratelimited"):
        directory_for(api).lookup("anne.jensen@example.dk")


def test_the_import_command_fills_in_slack_ids(
    db: Database, api: SlackWebAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in FILES:
        shutil.copy(SAMPLE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)

    assert (
        run_import(build_deps(settings_for(api), db), FILES, build_directory(settings_for(api)))
        == 0
    )

    with db.session() as session:
        people = {p.email: p for p in session.exec(select(Person)).all()}
    assert (
        stored_slack_id(db, people["anne.jensen@example.dk"]),
        people["anne.jensen@example.dk"].timezone,
    ) == (
        "U0ANNE0001",
        "Europe/Copenhagen",
    )
    assert people["fatima.ali@example.dk"].timezone == "Europe/London"
    assert stored_slack_id(db, people["lars.nielsen@example.dk"]) is None
    assert len(people) == 11
    assert len(api.calls_to("users.lookupByEmail")) == 11


def test_slack_failing_mid_import_still_imports_everyone(
    db: Database,
    api: SlackWebAPI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in FILES:
        shutil.copy(SAMPLE / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    api.fail_next("users.lookupByEmail", status=500, count=20)

    assert (
        run_import(build_deps(settings_for(api), db), FILES, build_directory(settings_for(api)))
        == 0
    )

    out = capsys.readouterr().out
    assert "Slack did not answer" in out and "People without a Slack ID: 11." in out
    assert len(api.calls_to("users.lookupByEmail")) == 1  # stopped asking after the failure
    with db.session() as session:
        assert len(session.exec(select(Person)).all()) == 11


def test_netvaerk_import_as_a_process(api: SlackWebAPI, tmp_path: Path) -> None:
    for name in FILES:
        shutil.copy(SAMPLE / name, tmp_path / name)
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "NETV"))
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'import.sqlite3'}",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=api.api_url,
        NETVAERK_LANGUAGE="en",
    )

    def netvaerk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
            timeout=60,
        )

    assert netvaerk("db", "upgrade").returncode == 0
    imported = netvaerk("import", "puls.csv", "networks.csv", "people.csv", "departments.csv")
    assert imported.returncode == 0, imported.stderr
    assert "People: 11 created, 0 updated, 0 unchanged" in imported.stdout
    assert "Not found in Slack (9): " in imported.stdout

    (tmp_path / "people.csv").write_text(
        (tmp_path / "people.csv").read_text(encoding="utf-8")
        + "x@example.dk,X,,ghost@example.dk\n",
        encoding="utf-8",
    )
    rejected = netvaerk("import", "people.csv")
    assert rejected.returncode == 1
    assert rejected.stdout == ""
    errors = [line for line in rejected.stderr.splitlines() if line.startswith("people.csv:")]
    assert errors == [
        "people.csv:13: The line has 4 fields, but the header has 6. "
        "Check for a separator too many or too few."
    ]
    assert "The import was rejected (errors: 1)." in rejected.stderr
