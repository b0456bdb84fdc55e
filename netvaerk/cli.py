"""The `netvaerk` command (DESIGN.md §4): one small function per sub-command, one parser."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from bot.core.settings import get_settings
from storage.db import Database, DatabaseBehind

log = logging.getLogger("netvaerk")


def _database() -> Database:
    return Database(get_settings().database_url)


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    db = _database()
    db.upgrade()
    print(f"database at revision {db.current_revision()}")
    return 0


def cmd_run(_args: argparse.Namespace) -> int:
    from netvaerk.server import serve

    return serve(get_settings(), _database())


def cmd_import(args: argparse.Namespace) -> int:
    from bot.organisation.cli import run_import

    return run_import(get_settings(), _database(), args.files)


Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="netvaerk", description="Netværksbot")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="serve Slack (HTTP or Socket Mode) and run the scheduler")
    run.set_defaults(func=cmd_run)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser(
        "upgrade", help="migrate the database to the newest schema"
    ).set_defaults(func=cmd_db_upgrade)

    imp = commands.add_parser("import", help="import organisation CSV files (all or nothing)")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.set_defaults(func=cmd_import)

    from schedules.commands import add_commands  # `tick`, `schedule preview`

    add_commands(commands)
    from bot.privacy.cli import add_commands as add_privacy  # erase, report, audit export

    add_privacy(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Bolt and the SDK log request bodies at DEBUG; those hold personal data (GDPR).
    for noisy in ("slack_bolt", "slack_sdk"):
        logging.getLogger(noisy).setLevel(logging.INFO)
    args = build_parser().parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except DatabaseBehind as error:
        print(str(error), file=sys.stderr)
        return 2
