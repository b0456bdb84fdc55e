"""The operator's `netvaerk` sub-commands for privacy and the secretariat's overview:
`erase EMAIL`, `leave EMAIL [--on DATE]`, `report [--out FILE]`,
`audit export [--out FILE] [--since DATE]`.

Every one of them is written to the audit trail with the actor "operator". Each runs on the
`Deps` the composition root built (netvaerk/cli.py), so `erase` knows every feature's tables
and erasers however little the process has imported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TextIO

from bot.core import audit, clock
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.privacy import domain as privacy
from bot.secretariat import report

OPERATOR = "operator"
_BAR_WIDTH = 30


def _t(deps: Deps) -> Translator:
    return Translator(deps.settings.netvaerk_language)


@contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        return
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        yield handle


def progress_bar(stream: TextIO) -> Callable[[int, int], None]:
    """A one-line progress bar on `stream` (stderr), redrawn in place."""

    def show(done: int, total: int) -> None:
        filled = _BAR_WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        stream.write(f"\r[{bar}] {done}/{total} networks")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def cmd_erase(args: argparse.Namespace, deps: Deps) -> int:
    t = _t(deps)
    with deps.db.session() as session:
        person = privacy.find_person(session, args.email)
        if person is None:
            print(t("privacy.cli.no_person", email=args.email), file=sys.stderr)
            return 1
        needles = privacy.identifiers(session, person)
        if not args.yes:
            answer = input(t("privacy.cli.confirm", name=person.name, email=person.email))
            if answer.strip().lower() not in ("y", "yes", "j", "ja"):
                print(t("privacy.cli.nothing_erased"))
                return 1
        result = privacy.erase_person(session, deps.registry, person, OPERATOR, reason="request")
        left = list(privacy.traces(session, deps.registry, needles))
    print(
        t(
            "privacy.cli.erased",
            person_id=result.person_id,
            deleted=result.rows_deleted,
            anonymised=result.rows_anonymised,
            scrubbed=result.traces_scrubbed,
        )
    )
    print(t("privacy.cli.scan", count=len(left)))
    return 0 if not left else 2


def cmd_leave(args: argparse.Namespace, deps: Deps) -> int:
    """Record that someone left: they get no more messages, and retention erases them later."""
    t = _t(deps)
    try:
        day = date.fromisoformat(args.on) if args.on else clock.now().date()
    except ValueError:
        print(t("privacy.cli.bad_date", value=args.on), file=sys.stderr)
        return 1
    with deps.db.session() as session:
        person = privacy.find_person(session, args.email)
        if person is None:
            print(t("privacy.cli.no_person", email=args.email), file=sys.stderr)
            return 1
        privacy.mark_left(session, person, datetime.combine(day, time(12), tzinfo=UTC), OPERATOR)
        months = privacy.retention_policy(deps.calendar.policy).people_left_months
        print(t("privacy.cli.left", name=person.name, date=day.isoformat(), months=months))
    return 0


def cmd_report(args: argparse.Namespace, deps: Deps) -> int:
    t = Translator(args.language or deps.settings.netvaerk_language)
    with deps.db.session() as session, _output(args.out) as out:
        show = progress_bar(sys.stderr) if args.out not in (None, "-") else None
        count = report.write_overview(session, out, t, show)
        audit.record(session, OPERATOR, "report.generated", "report", None)
        session.commit()
    if args.out not in (None, "-"):
        print(_t(deps)("privacy.cli.report_written", count=count, path=args.out), file=sys.stderr)
    return 0


def cmd_audit_export(args: argparse.Namespace, deps: Deps) -> int:
    since = None
    if args.since:
        since = datetime.fromisoformat(args.since)
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    with deps.db.session() as session:
        audit.record(session, OPERATOR, "audit.exported", "audit", None)
        session.commit()
        with _output(args.out) as out:
            count = report.write_audit(session, out, since)
    if args.out not in (None, "-"):
        print(_t(deps)("privacy.cli.audit_written", count=count, path=args.out), file=sys.stderr)
    return 0


def add_commands(commands: Any) -> None:
    """Add `erase`, `leave`, `report` and `audit export` to the `netvaerk` parser's
    sub-commands; each takes the arguments and the composition root's `Deps`."""
    erase = commands.add_parser(
        "erase", help="remove a person's personal data everywhere (GDPR art. 17)"
    )
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(with_deps=cmd_erase)

    leave = commands.add_parser(
        "leave", help="record that a person left (no more messages; erased after retention)"
    )
    leave.add_argument("email")
    leave.add_argument("--on", metavar="DATE", help="the day they left (default: today)")
    leave.set_defaults(with_deps=cmd_leave)

    rep = commands.add_parser("report", help="the secretariat's overview as CSV")
    rep.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    rep.add_argument("--language", choices=("da", "en"), help="column names and values")
    rep.set_defaults(with_deps=cmd_report)

    aud = commands.add_parser("audit", help="the audit trail")
    aud_commands = aud.add_subparsers(dest="audit_command", required=True)
    export = aud_commands.add_parser("export", help="write the audit trail as CSV")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    export.add_argument("--since", metavar="DATE", help="only entries from this date/time on")
    export.set_defaults(with_deps=cmd_audit_export)
