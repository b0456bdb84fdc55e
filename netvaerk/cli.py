"""The `netvaerk` command (DESIGN.md §4): one small function per sub-command, one parser.

Every sub-command that touches the data runs on the `Deps` the composition root builds
(netvaerk/app.py), with every feature installed (netvaerk/features.py): `erase` in a fresh
process knows every table and eraser, `tick` every rule and builder.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.core.deps import Deps
from bot.core.i18n import t
from bot.core.settings import get_settings
from storage.db import Database, DatabaseBehind

log = logging.getLogger("netvaerk")

Command = Callable[[argparse.Namespace], int]
DepsCommand = Callable[[argparse.Namespace, Deps], int]


def _database() -> Database:
    return Database(get_settings().database_url)


def _ready_database() -> Database:
    """The operator's database at the newest schema: an empty one is created, an older one
    migrated, unless NETVAERK_AUTO_MIGRATE=false (then DatabaseBehind: refuse, say what to run)."""
    settings = get_settings()
    db = Database(settings.database_url)
    db.prepare(settings.netvaerk_auto_migrate)
    return db


def _deps() -> Deps:
    """The composition root's `Deps` on a database at the newest schema."""
    from netvaerk.app import build_deps

    return build_deps(get_settings(), _ready_database())


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    db = _database()
    db.upgrade()
    print(f"database at revision {db.current_revision()}")
    return 0


def cmd_run(_args: argparse.Namespace) -> int:
    """Serve Slack, Teams or both on one port; with neither configured, the local playground
    (which imports the server, never the other way round)."""
    settings = get_settings()
    if not settings.slack_bot_token and not settings.teams_configured:
        # The playground runs on its own SQLite file: DATABASE_URL is never opened (it may
        # not even be reachable yet on a new machine).
        print(t(settings.netvaerk_language, "setup.no_token"))
        from playground.server import serve_playground

        return serve_playground(settings)
    from netvaerk.server import serve

    return serve(settings, _ready_database())


def cmd_import(args: argparse.Namespace, deps: Deps) -> int:
    from bot.organisation.cli import run_import
    from netvaerk.app import build_directory

    return run_import(deps, args.files, build_directory(deps.settings))


def cmd_tick(_args: argparse.Namespace, deps: Deps) -> int:
    """One planner + delivery pass, then exit (cron-style deployments)."""
    from netvaerk.app import build_transport
    from schedules.tick import run_tick

    result = run_tick(deps, build_transport(deps))
    print(f"planned: {result.plan.inserted} new message(s)")
    if result.delivery is None:
        print("not sent: SLACK_BOT_TOKEN is not set, nor TEAMS_CLIENT_ID and the rest")
    else:
        d = result.delivery
        print(
            f"delivered: {d.sent} sent, {d.recovered} found already sent, {d.deferred} waiting, "
            f"{d.dropped} dropped, {d.digested} in digests, {d.retrying} to retry, "
            f"{d.failed} failed"
        )
    return 1 if result.plan.failed_rules else 0


def cmd_preview(args: argparse.Namespace, deps: Deps) -> int:
    from schedules.preview import format_lines, preview

    print(format_lines(preview(deps, days=args.days)))
    return 0


def cmd_teams_package(args: argparse.Namespace) -> int:
    """Write the Teams app zip (platforms/teams/package.py) for the admin center."""
    from netvaerk import features
    from platforms.teams.package import AppDetails, build_package

    settings = get_settings()
    language = settings.netvaerk_language
    if not settings.teams_client_id:
        print(t(language, "teams.package.no_client_id"), file=sys.stderr)
        return 2
    url = args.url or settings.netvaerk_public_url or ""
    if not url.startswith("https://"):
        print(t(language, "teams.package.not_https"), file=sys.stderr)
        return 2
    details = AppDetails(
        bot_id=settings.teams_client_id,
        url=url,
        developer=args.developer,
        website_url=args.website,
        privacy_url=args.privacy or args.website,
        terms_url=args.terms or args.website,
    )
    args.out.write_bytes(build_package(details, features.registry().commands))
    print(t(language, "teams.package.written", file=str(args.out)))
    return 0


def add_teams(commands: Any) -> None:
    teams = commands.add_parser("teams", help="Microsoft Teams")
    teams_commands = teams.add_subparsers(dest="teams_command", required=True)
    package = teams_commands.add_parser(
        "package", help="write the Teams app zip to upload in the Teams admin center"
    )
    package.add_argument("--out", type=Path, default=Path("netvaerksbot-teams.zip"))
    package.add_argument(
        "--url", help="where netvaerk run answers, https (default: NETVAERK_PUBLIC_URL)"
    )
    package.add_argument("--developer", default="Albertslund Kommune")
    package.add_argument("--website", default="https://www.albertslund.dk/")
    package.add_argument("--privacy", help="the privacy statement (default: --website)")
    package.add_argument("--terms", help="the terms of use (default: --website)")
    package.set_defaults(func=cmd_teams_package)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netvaerk", description="Netværksbot")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="serve Slack and/or Teams on $PORT and run the scheduler")
    run.set_defaults(func=cmd_run)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="migrate the database to the newest schema"
    ).set_defaults(func=cmd_db_upgrade)

    imp = commands.add_parser("import", help="import organisation CSV files (all or nothing)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.set_defaults(with_deps=cmd_import)

    tick = commands.add_parser("tick", help="run one planner and delivery pass, then exit")
    tick.set_defaults(with_deps=cmd_tick)
    schedule = commands.add_parser("schedule", help="the reminders' schedule")
    schedule_commands = schedule.add_subparsers(dest="schedule_command", required=True)
    show = schedule_commands.add_parser(
        "preview", help="print what will be sent to whom and when, without sending"
    )
    show.add_argument("--days", type=int, default=14, help="how many days ahead (default 14)")
    show.set_defaults(with_deps=cmd_preview)

    add_teams(commands)
    from bot.privacy.cli import add_commands as add_privacy  # erase, leave, report, audit export

    add_privacy(commands)
    from netvaerk.doctor import add_commands as add_doctor  # doctor

    add_doctor(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.operations.logs import configure_logging

    # Plain lines, or JSON with NETVAERK_LOG_FORMAT=json; Bolt's and the SDK's request bodies
    # (personal data, GDPR) stay out either way.
    configure_logging(get_settings().netvaerk_log_format)
    args = build_parser().parse_args(argv)
    try:
        with_deps: DepsCommand | None = getattr(args, "with_deps", None)
        if with_deps is not None:
            return with_deps(args, _deps())
        func: Command = args.func
        return func(args)
    except DatabaseBehind as error:
        print(str(error), file=sys.stderr)
        return 2
