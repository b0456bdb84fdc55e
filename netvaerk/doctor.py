"""`netvaerk doctor [--json] [--language da|en] [--manifest FILE]`: check a deployment and say,
in plain words, what is wrong and what to do. Exit 0 when nothing is wrong, 1 otherwise.

It only reads: it asks Slack who the token is and what it can see, asks Entra for the Teams
bot's token and fetches the keys Teams signs with (when Teams is configured), and reads the
tables. A Teams-only deployment gets no Slack findings; one with neither gets the Slack ones,
which say how to set it up.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bot.core import clock
from bot.core.i18n import Translator
from bot.core.settings import Settings, get_settings
from bot.core.working_calendar import WorkingCalendar
from bot.operations import checks
from bot.operations.findings import Finding, Level, Report, render_json, render_text
from storage.db import Database
from storage.models import Department


def _database_file_missing(url: str) -> bool:
    """A SQLite file that is not there (opening it would quietly create an empty one)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url.endswith(":memory:"):
        return False
    return not Path(url[len(prefix) :]).exists()


def slack_checks(settings: Settings, manifest: Path, db_ok: bool, db: Database) -> list[Finding]:
    from platforms.slack import doctor as slack_doctor
    from platforms.slack.client import make_client

    found = slack_doctor.configuration(settings)
    if any(f.check == "token" and f.level is Level.PROBLEM for f in found):
        return found
    client = make_client(settings)
    wanted = slack_doctor.manifest_scopes(manifest)
    found[:0] = slack_doctor.token_and_scopes(client, wanted, settings.slack_api_url)
    token_works = any(f.check == "token" and f.key == "ok" for f in found)
    if db_ok and token_works:
        with db.session() as session:
            rows = session.exec(
                select(Department.name, Department.channel)
                .where(col(Department.channel).is_not(None))
                .order_by(col(Department.name))
            ).all()
        departments = [slack_doctor.DepartmentChannel(name, str(ch)) for name, ch in rows]
        found += slack_doctor.channels(client, departments)
    return found


def diagnose(settings: Settings, language: str, manifest: Path) -> tuple[Report, str]:
    """Every check, in the order an operator fixes things; returns the report and its time."""
    t = Translator(language)
    now = clock.now()
    tz = settings.netvaerk_timezone if checks.valid_timezone(settings.netvaerk_timezone) else "UTC"
    ctx = checks.Context(now, tz, t)
    report = Report()
    db = Database(settings.database_url)
    try:
        if _database_file_missing(db.url):
            database = Finding("database", Level.PROBLEM, "no_file", {}, "behind_fix")
        else:
            database = checks.database(db)
        db_ok = database.level is Level.OK
        slack = bool(settings.slack_bot_token) or not settings.teams_configured
        if slack:
            report.add(*slack_checks(settings, manifest, db_ok, db))
        if settings.teams_configured:
            from platforms.teams import doctor as teams_doctor

            report.add(*teams_doctor.checks(settings))
        report.add(database)
        if db_ok:
            with db.session() as session:
                platforms = ["slack"] * slack + ["teams"] * settings.teams_configured
                for platform in platforms:
                    missing = checks.departments_without_channel(session, platform)
                    if missing is not None:
                        report.add(missing)
                if settings.slack_bot_token:
                    report.add(checks.people(session, "slack", "Slack"))
                if settings.teams_configured:
                    report.add(checks.people(session, "teams", "Teams"))
                report.add(*checks.scheduler_and_outbox(session, ctx))
        else:
            report.add(Finding("database", Level.WARNING, "skipped"))
    finally:
        db.dispose()
    report.add(*checks.calendar(WorkingCalendar(), settings.netvaerk_timezone, ctx))
    return report, now.isoformat(timespec="seconds")


def cmd_doctor(args: argparse.Namespace) -> int:
    # Its answer is the report on stdout; Alembic's notes on reading the revision are noise.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = get_settings()
    language = args.language or settings.netvaerk_language
    t = Translator(language)
    report, checked_at = diagnose(settings, t.language, args.manifest)
    if args.json:
        print(render_json(report, t, checked_at))
    else:
        heading = t("operations.doctor.heading", time=checked_at)
        print(render_text(report, t, heading))
    return report.exit_code()


def add_commands(commands: Any) -> None:
    """Add `doctor` to the `netvaerk` parser's sub-commands."""
    from platforms.slack.doctor import DEFAULT_MANIFEST

    doctor = commands.add_parser(
        "doctor", help="check the deployment and say what to fix (exit 1 when something is wrong)"
    )
    doctor.add_argument("--json", action="store_true", help="JSON for monitoring")
    doctor.add_argument("--language", choices=("da", "en"), help="default: NETVAERK_LANGUAGE")
    doctor.add_argument(
        "--manifest",
        type=Path,
        default=DEFAULT_MANIFEST,
        help="the Slack app manifest whose scopes the token must have (default: manifest.yml)",
    )
    doctor.set_defaults(func=cmd_doctor)
