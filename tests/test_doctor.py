"""`netvaerk doctor` against the Slack emulator, with a workspace set up wrong on purpose: a
missing scope, a private channel the bot was never invited to, an email Slack does not know."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time

from bot.core.i18n import Translator
from bot.core.settings import Settings
from bot.operations.findings import Finding, Level, Report, render_json, render_text
from bot.organisation.cli import run_import
from emulator import SlackWebAPI
from emulator.workspace import DEFAULT_BOT_SCOPES
from netvaerk.app import build_deps
from netvaerk.doctor import diagnose
from platforms.slack.client import make_client
from platforms.slack.directory import SlackDirectory
from platforms.slack.doctor import DEFAULT_MANIFEST, manifest_scopes
from schedules.planner import plan
from storage.db import Database
from storage.scheduling_models import OutboxMessage, OutboxStatus

TOKEN = "xoxb-doctor-test"
SECRET = "doctor-signing-secret"
SAMPLE = Path(__file__).with_name("data") / "org"
FILES = ["departments.csv", "people.csv", "networks.csv", "puls.csv"]
UNKNOWN = "peter.oeberg@example.dk"  # in people.csv, not in the Slack workspace
MISSING_SCOPE = "channels:history"
# A Wednesday before Easter 2027: Skærtorsdag, Langfredag, påske fall in the coming month.
WEDNESDAY = datetime(2027, 3, 10, 9, 30, tzinfo=UTC)


def _people() -> list[tuple[str, str]]:
    lines = (SAMPLE / "people.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [(line.split(",")[0], line.split(",")[1]) for line in lines]


def settings_for(api: SlackWebAPI, db: Database, **changes: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_app_token": None,
        "slack_api_url": api.api_url,
        "database_url": db.url,
        "netvaerk_language": "en",
        "netvaerk_timezone": "Europe/Copenhagen",
        "slack_max_retries": 0,
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


def _workspace(api: SlackWebAPI) -> None:
    """Everyone but one person; four department channels the way a real workspace drifts."""
    for number, (email, _name) in enumerate(_people()):
        if email != UNKNOWN:
            api.add_user(f"U0PERSON{number:02d}", email, email.split("@")[0])
    api.add_channel("C0BYMILJOE", "by-og-miljoe")  # the bot is in it
    api.add_channel("C0SOCIALSU", "social-og-sundhed", bot_is_member=False)  # public: it joins
    api.add_channel("G0BOERNSKO", "boern-og-skole", is_private=True, bot_is_member=False)
    api.add_channel("C0OEKONOMI", "oekonomi-og-stab")


@pytest.fixture
def wrong(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackWebAPI]:
    """The sample organisation imported into a workspace that is set up wrong."""
    with SlackWebAPI(tokens=[TOKEN]) as api:
        _workspace(api)
        for name in FILES:
            shutil.copy(SAMPLE / name, tmp_path / name)
        monkeypatch.chdir(tmp_path)
        assert _import(settings_for(api, db), db) == 0
        # The app was reinstalled without one of the manifest's scopes.
        api.set_scopes([s for s in DEFAULT_BOT_SCOPES if s != MISSING_SCOPE])
        yield api


def _import(settings: Settings, db: Database) -> int:
    directory = SlackDirectory(make_client(settings))
    return run_import(build_deps(settings, db), FILES, directory, out=io.StringIO())


def _by_check(report: Report) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in report.findings:
        found.setdefault(finding.check, []).append(finding)
    return found


def test_the_emulator_grants_what_the_manifest_asks_for() -> None:
    assert manifest_scopes(DEFAULT_MANIFEST) == sorted(DEFAULT_BOT_SCOPES)


def test_a_workspace_set_up_wrong_is_named_with_what_to_do(
    db: Database, wrong: SlackWebAPI
) -> None:
    with freeze_time(WEDNESDAY, tick=True):
        report, _at = diagnose(settings_for(wrong, db), "en", DEFAULT_MANIFEST)
    t = Translator("en")
    text = render_text(report, t, "doctor")
    checks = _by_check(report)

    assert report.exit_code() == 1
    problems = [(f.check, f.key) for f in report.findings if f.level is Level.PROBLEM]
    assert problems == [("scopes", "missing"), ("channels", "not_found"), ("people", "unmatched")]
    # The token works, and the scope it lacks is named with how to get it.
    assert "Slack accepts the token: workspace Albertslund Kommune" in text
    assert f"The token lacks scopes that manifest.yml asks for: {MISSING_SCOPE}." in text
    assert "Reinstall to Workspace" in text
    # The private channel needs an invitation; the public one the bot joins itself.
    assert "#boern-og-skole (Børn og Skole)" in text
    assert "/invite @Netværksbot" in text
    will_join = next(f for f in checks["channels"] if f.key == "will_join")
    assert will_join.level is Level.OK
    assert will_join.details["will_join"] == ["#social-og-sundhed"]
    # Who was not matched, by name and email, for the operator.
    assert "10 of 11 people are matched to a Slack user" in text
    assert f"Peter Øberg <{UNKNOWN}>" in text
    # Never ticked: worth a note, not a failure (the bot may simply not have started yet).
    assert [(f.level, f.key) for f in checks["scheduler"]] == [(Level.WARNING, "never")]
    assert checks["database"][0].level is Level.OK
    assert "Closed days in the coming month: Thursday 25 March 2027 (Maundy Thursday)" in text
    assert text.rstrip().endswith(
        "3 problem(s) and 1 note(s). Fix the problems above, then run netvaerk doctor again."
    )


def test_all_well_exits_0_and_shows_the_holidays_in_danish(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SlackWebAPI(tokens=[TOKEN]) as api:
        _workspace(api)
        api.add_user("U0PETER001", UNKNOWN, "peter")
        api.set_channel("G0BOERNSKO", bot_is_member=True)  # someone invited the bot
        for name in FILES:
            shutil.copy(SAMPLE / name, tmp_path / name)
        departments = tmp_path / "departments.csv"  # … and gave its ID, as the doctor says
        departments.write_text(
            departments.read_text(encoding="utf-8").replace("#boern-og-skole", "G0BOERNSKO"),
            encoding="utf-8",
        )
        monkeypatch.chdir(tmp_path)
        settings = settings_for(api, db, netvaerk_language="da")
        with freeze_time(WEDNESDAY, tick=True):
            assert _import(settings, db) == 0
        with freeze_time(WEDNESDAY + timedelta(minutes=1)):
            plan(build_deps(settings, db))  # the scheduler's heartbeat
        with freeze_time(WEDNESDAY + timedelta(minutes=4), tick=True):
            report, _at = diagnose(settings, "da", DEFAULT_MANIFEST)
    text = render_text(report, Translator("da"), "tjek")

    assert report.exit_code() == 0, text
    assert [f for f in report.findings if f.level is not Level.OK] == []
    assert "Tokenen har præcis de 10 scopes, som manifest.yml beder om." in text
    assert "Alle 4 afdelingskanaler findes" in text
    assert "Alle 11 personer er koblet til en bruger i Slack." in text
    assert "Planlæggeren kørte sidst for 3 min. siden" in text
    assert "torsdag d. 25. marts 2027 (Skærtorsdag)" in text
    assert "mandag d. 29. marts 2027 (Anden påskedag)" in text
    assert text.rstrip().endswith("Alt er i orden.")


def test_a_stuck_outbox_and_failed_deliveries(db: Database, wrong: SlackWebAPI) -> None:
    long_ago = WEDNESDAY - timedelta(hours=3)
    with db.session() as session:
        for n, status in enumerate((OutboxStatus.PENDING, OutboxStatus.FAILED)):
            session.add(
                OutboxMessage(
                    dedupe_key=f"doctor:{n}",
                    kind="booking-nudge",
                    subject="booking:1",
                    channel="C0BYMILJOE",
                    due_on=long_ago,
                    next_attempt_at=long_ago,
                    status=status,
                    finished_at=long_ago if status == OutboxStatus.FAILED else None,
                    created_at=long_ago,
                )
            )
        session.commit()
    with freeze_time(WEDNESDAY, tick=True):
        report, _at = diagnose(settings_for(wrong, db), "en", DEFAULT_MANIFEST)
    outbox = _by_check(report)["outbox"]

    assert [(f.level, f.key) for f in outbox] == [
        (Level.PROBLEM, "stuck"),
        (Level.WARNING, "failed"),
    ]
    assert outbox[0].details["due"] == 1 and outbox[0].details["failed_last_week"] == 1
    text = render_text(report, Translator("en"), "doctor")
    assert "Outbox: 1 of 1 message(s) are due, the oldest since" in text
    assert "(3 h 0 min ago). Delivery is not keeping up." in text
    assert "1 message(s) could not be delivered in the last 7 days." in text


def test_a_wrong_token_and_a_missing_secret(db: Database, wrong: SlackWebAPI) -> None:
    settings = settings_for(wrong, db, slack_bot_token="xoxb-revoked", slack_signing_secret=None)
    report, _at = diagnose(settings, "en", DEFAULT_MANIFEST)
    text = render_text(report, Translator("en"), "doctor")

    assert "Slack does not accept the token (invalid_auth)." in text
    assert "HTTP mode, but SLACK_SIGNING_SECRET is not set" in text
    assert "Signing Secret to SLACK_SIGNING_SECRET" in text
    # Channels are not looked at with a token Slack refuses; the database still is.
    assert "channels" not in {f.check for f in report.findings if f.key != "no_channel"}
    assert "xoxb-revoked" not in text


def test_json_for_monitoring_names_no_one(db: Database, wrong: SlackWebAPI) -> None:
    report, at = diagnose(settings_for(wrong, db), "en", DEFAULT_MANIFEST)
    data = json.loads(render_json(report, Translator("en"), at))

    assert data["ok"] is False and data["problems"] == 3
    people = next(c for c in data["checks"] if c["check"] == "people")
    assert people["details"] == {"platform": "slack", "people": 11, "matched": 10, "unmatched": 1}
    assert "1 are not (run netvaerk doctor without --json to see who)" in people["message"]
    scopes = next(c for c in data["checks"] if c["check"] == "scopes")
    assert scopes["details"]["missing"] == [MISSING_SCOPE]
    dumped = json.dumps(data, ensure_ascii=False)
    for email, name in _people():
        assert email not in dumped and name not in dumped


def _netvaerk(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "NETV"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def test_netvaerk_doctor_as_a_process(db: Database, wrong: SlackWebAPI, tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": db.url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": wrong.api_url,
        "NETVAERK_LANGUAGE": "en",
    }
    text = _netvaerk(tmp_path, "doctor", **env)
    as_json = _netvaerk(tmp_path, "doctor", "--json", **env)
    danish = _netvaerk(tmp_path, "doctor", "--language", "da", **env)

    assert text.returncode == 1, text.stderr
    assert "PROBLEM  Slack scopes" in text.stdout
    assert f"Peter Øberg <{UNKNOWN}>" in text.stdout
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["problems"] == 3
    assert danish.returncode == 1
    assert "FEJL     Slack-scopes" in danish.stdout
    assert TOKEN not in text.stdout + text.stderr + as_json.stdout


def test_no_token_and_an_empty_database(tmp_path: Path) -> None:
    result = _netvaerk(
        tmp_path,
        "doctor",
        DATABASE_URL=f"sqlite:///{tmp_path / 'nothing.sqlite3'}",
        NETVAERK_LANGUAGE="en",
    )

    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN is not set" in result.stdout
    assert "The database file in DATABASE_URL does not exist yet." in result.stdout
    assert "→ Run: netvaerk db upgrade" in result.stdout
    assert not (tmp_path / "nothing.sqlite3").exists()  # the doctor only looks
