"""A log handler that watches every record of the whole test run for personal data and tokens.

GDPR: the bot never logs a person's name, email, note or a token. The suite's people, notes and
tokens are known (tests/factories.py, the sample and demo organisations, the tests' notes), so
every log line the suite produces is checked against them, and any token-shaped string is
refused whatever its value. `tests/conftest.py` installs it for the session and fails the run
when anything is found.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bot.operations.logs import production_level

ROOT = Path(__file__).resolve().parents[1]
PEOPLE_FILES = (
    ROOT / "tests" / "data" / "org" / "people.csv",
    ROOT / "playground" / "demo" / "people.csv",
)
# tests/factories.py's organisation.
FACTORY_PEOPLE = (
    ("lars.nielsen@example.dk", "Lars Nielsen"),
    ("anne.jensen@example.dk", "Anne Jensen"),
    ("soren.kjaer@example.dk", "Søren Kjær"),
    ("mette.holm@example.dk", "Mette Holm"),
    ("fatima.ali@example.dk", "Fatima Ali"),
    ("ida.frost@example.dk", "Ida Frost"),
    ("ole.uden@example.dk", "Ole Uden"),
)
# Free text people write in the tests (checklist notes, conversation notes, talent notes).
NOTES = (
    "Jeg vil tale med Anne om timerne",
    "Jeg vil gerne tale om min tid",
    "Spørg anne jensen om skybrud",
)
SECRETS = ("test-signing-secret",)
# Slack tokens by their shape: bot, user, app-level, refresh and configuration tokens.
TOKEN_SHAPE = re.compile(r"\b(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{4,}")
# A raw Slack request body (who typed what): a slash command's form or an interactive payload.
RAW_BODY = re.compile(r"\buser_name=|\btrigger_id=|[\"']trigger_id[\"']\s*:")


def _csv_people(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(row["email"], row["name"]) for row in csv.DictReader(handle)]


def known_needles() -> list[str]:
    people: list[tuple[str, str]] = list(FACTORY_PEOPLE)
    for path in PEOPLE_FILES:
        people += _csv_people(path)
    needles = {value for pair in people for value in pair}
    # As a URL carries them (Graph's /users/{email}/…): an HTTP client's request line.
    needles |= {quote(email) for email, _name in people}
    return sorted(needles | set(NOTES) | set(SECRETS), key=len, reverse=True)


@dataclass(frozen=True)
class Leak:
    test: str
    logger: str
    found: str
    line: str


class LogGuard(logging.Handler):
    def __init__(self, needles: Iterable[str]) -> None:
        super().__init__(logging.DEBUG)
        alternatives = "|".join(re.escape(n) for n in needles)
        self._needles = re.compile(alternatives, re.IGNORECASE)
        self.current_test = "(collection)"
        self.checked = 0
        self.leaks: list[Leak] = []

    def find(self, text: str) -> str | None:
        """The first forbidden thing in `text`, or None."""
        match = self._needles.search(text) or TOKEN_SHAPE.search(text) or RAW_BODY.search(text)
        return match.group(0) if match else None

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < production_level(record.name):
            return  # production never lets it through (bot/operations/logs.py)
        try:
            text = record.getMessage()
        except Exception:  # a broken format string is the test's problem, not a leak
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.checked += 1
        found = self.find(text)
        if found is not None:
            self.leaks.append(Leak(self.current_test, record.name, found, text[:300]))
