"""`netvaerk import FILE…`: the operator's side of the organisation import.

Runs the domain import with the directory the composition root chose (netvaerk/app.py: Slack
when a bot token is set) and prints the report: the summary on stdout, and on rejection every
`file:line: reason` on stderr, so a script can tell them apart and an editor can jump to each
line.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from bot.core.deps import Deps
from bot.organisation.directory import Directory
from bot.organisation.importer import import_files


def run_import(
    deps: Deps,
    files: Sequence[str],
    directory: Directory,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """0 when the files were imported, 1 when the import was rejected (nothing written).

    `deps.db` is at the newest schema already: `netvaerk import` builds it with the CLI's
    `_deps()`, whose `Database.prepare` migrates or refuses (NETVAERK_AUTO_MIGRATE)."""
    out, err = out or sys.stdout, err or sys.stderr
    report = import_files(deps.db, files, directory, deps.settings.netvaerk_language)
    if not report.accepted:
        for line in report.error_lines():
            print(line, file=err)
        for line in report.summary_lines():
            print(line, file=err)
        return 1
    for line in report.summary_lines():
        print(line, file=out)
    return 0
