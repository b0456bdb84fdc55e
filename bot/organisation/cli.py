"""`netvaerk import FILE…`: the operator's side of the organisation import.

Wires the real directory (Slack when a bot token is set) to the domain import and prints the
report: the summary on stdout, and on rejection every `file:line: reason` on stderr, so a script
can tell them apart and an editor can jump to each line.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from bot.core.settings import Settings
from bot.organisation.directory import Directory, NullDirectory
from bot.organisation.importer import import_files
from storage.db import Database


def make_directory(settings: Settings) -> Directory:
    """Slack when there is a token; without one the import still runs, just without Slack IDs."""
    if not settings.slack_bot_token:
        return NullDirectory()
    from platforms.slack.client import make_client
    from platforms.slack.directory import SlackDirectory

    return SlackDirectory(make_client(settings))


def run_import(
    settings: Settings,
    db: Database,
    files: Sequence[str],
    *,
    directory: Directory | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """0 when the files were imported, 1 when the import was rejected (nothing written)."""
    out, err = out or sys.stdout, err or sys.stderr
    db.ensure_current()
    report = import_files(
        db, files, directory or make_directory(settings), settings.netvaerk_language
    )
    if not report.accepted:
        for line in report.error_lines():
            print(line, file=err)
        for line in report.summary_lines():
            print(line, file=err)
        return 1
    for line in report.summary_lines():
        print(line, file=out)
    return 0
