"""What the doctor found, and how it is told: plain words for a person, JSON for monitoring.

A finding names a catalogue key for what was seen and, when something is wrong, one for what
to do about it. People's names and emails are only ever shown in the text for the operator
(`people`); the JSON for monitoring systems carries counts (GDPR: data minimisation).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.i18n import Translator

KEY_PREFIX = "operations.doctor"


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"  # worth knowing; the bot works
    PROBLEM = "problem"  # something does not work until it is fixed


@dataclass
class Finding:
    check: str  # token, scopes, mode, channels, people, database, scheduler, outbox, calendar
    level: Level
    key: str  # catalogue key below operations.doctor.<check>
    values: dict[str, Any] = field(default_factory=dict)
    fix: str | None = None  # catalogue key of what to do
    details: dict[str, Any] = field(default_factory=dict)  # for --json: codes and counts
    people: list[str] = field(default_factory=list)  # named in the text only, never in JSON

    def text(self, t: Translator) -> str:
        values = dict(self.values)
        if self.people:
            values["people"] = ", ".join(self.people)
        return t(f"{KEY_PREFIX}.{self.check}.{self.key}", **values)

    def fix_text(self, t: Translator) -> str | None:
        return t(f"{KEY_PREFIX}.{self.check}.{self.fix}") if self.fix else None


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def add(self, *findings: Finding) -> None:
        self.findings.extend(findings)

    def count(self, level: Level) -> int:
        return sum(1 for f in self.findings if f.level is level)

    @property
    def ok(self) -> bool:
        return self.count(Level.PROBLEM) == 0

    def exit_code(self) -> int:
        return 0 if self.ok else 1


def render_text(report: Report, t: Translator, heading: str) -> str:
    lines = [heading, ""]
    width = max(len(t(f"{KEY_PREFIX}.check.{f.check}")) for f in report.findings)
    for finding in report.findings:
        mark = t(f"{KEY_PREFIX}.level.{finding.level.value}")
        label = t(f"{KEY_PREFIX}.check.{finding.check}").ljust(width)
        lines.append(f"{mark:<8} {label}  {finding.text(t)}")
        fix = finding.fix_text(t)
        if fix and finding.level is not Level.OK:
            lines.append(f"{'':<8} {'':<{width}}  → {fix}")
    lines.append("")
    problems, warnings = report.count(Level.PROBLEM), report.count(Level.WARNING)
    if problems:
        lines.append(t(f"{KEY_PREFIX}.summary.problems", problems=problems, warnings=warnings))
    elif warnings:
        lines.append(t(f"{KEY_PREFIX}.summary.warnings", warnings=warnings))
    else:
        lines.append(t(f"{KEY_PREFIX}.summary.ok"))
    return "\n".join(lines)


def render_json(report: Report, t: Translator, checked_at: str) -> str:
    checks = []
    for finding in report.findings:
        # A message that would name people says how many instead.
        message = (
            t(f"{KEY_PREFIX}.{finding.check}.{finding.key}_counted", **finding.values)
            if finding.people
            else finding.text(t)
        )
        checks.append(
            {
                "check": finding.check,
                "level": finding.level.value,
                "code": finding.key,
                "message": message,
                "fix": finding.fix_text(t),
                "details": finding.details,
            }
        )
    data = {
        "ok": report.ok,
        "checked_at": checked_at,
        "problems": report.count(Level.PROBLEM),
        "warnings": report.count(Level.WARNING),
        "checks": checks,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
