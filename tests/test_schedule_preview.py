"""`netvaerk schedule preview`, `netvaerk tick` and the retention job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from freezegun import freeze_time

from netvaerk.cli import main
from schedules.preview import format_lines, preview
from schedules.retention import purge
from storage.db import Database
from storage.scheduling_models import Snooze
from tests.schedule_support import (  # noqa: F401 (a fixture)
    CPH,
    RecordingTransport,
    book,
    build_org,
    cph,
    make_deps,
    only_scheduler_rules,
    outbox,
    tick_at,
)

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")


def test_preview_shows_what_goes_to_whom_and_when_without_sending(db: Database) -> None:
    org = build_org(db, cph(2027, 3, 1, 7), references=False)
    book(db, org.fatima, org.lars, cph(2027, 3, 10, 13), at=cph(2027, 3, 1, 8))
    deps = make_deps(db)
    lines = preview(deps, days=11, now=cph(2027, 3, 1, 8))
    got = [(f"{line.when.astimezone(CPH):%Y-%m-%d}", line.to, line.kind) for line in lines]
    assert got == [
        ("2027-03-02", "Anne Jensen", "booking_prompt"),
        ("2027-03-03", "Lars Nielsen", "booking_nudge"),
        ("2027-03-08", "Fatima Ali", "reflection"),
        ("2027-03-08", "Lars Nielsen", "reflection"),
        ("2027-03-10", "Lars Nielsen", "booking_nudge"),
        ("2027-03-11", "Lars Nielsen", "follow_up"),
    ]
    assert all(line.when.astimezone(CPH).hour == 9 for line in lines)
    assert outbox(db) == []  # nothing planned, nothing sent
    text = format_lines(lines)
    assert "2027-03-03 Wed 09:00" in text and "Husk at booke samtalen" in text


def test_preview_includes_what_already_waits_in_the_outbox(db: Database) -> None:
    build_org(db, cph(2027, 3, 1, 7), references=False)
    deps = make_deps(db)
    tick_at(deps, RecordingTransport(), cph(2027, 3, 2, 7))  # planned, waits for 09:00
    lines = preview(deps, days=1, now=cph(2027, 3, 2, 7, 30))
    assert [(line.kind, line.waiting) for line in lines][:1] == [("booking_prompt", True)]


def test_netvaerk_tick_and_schedule_preview_on_the_command_line(
    db: Database,
    monkeypatch,
    capsys,  # type: ignore[no-untyped-def]
) -> None:
    build_org(db, cph(2027, 3, 1, 7), references=False)
    monkeypatch.setenv("DATABASE_URL", db.url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    from bot.core.settings import get_settings

    get_settings.cache_clear()
    try:
        with freeze_time(cph(2027, 3, 2, 8)):
            assert main(["tick"]) == 0
            assert main(["schedule", "preview", "--days", "3"]) == 0
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert "planned: 2 new message(s)" in out and "not sent: SLACK_BOT_TOKEN" in out
    assert "booking_prompt" in out and "booking_nudge" in out


def test_retention_deletes_finished_rows_and_old_snoozes(db: Database) -> None:
    org = build_org(db, cph(2026, 1, 5, 7), references=False)
    deps = make_deps(db)
    transport = RecordingTransport()
    tick_at(deps, transport, cph(2026, 1, 6, 10))
    with db.session() as s:
        s.add(
            Snooze(
                person_id=org.lars.id or 0,
                scope="*",
                starts_at=cph(2026, 1, 6),
                until=cph(2026, 1, 7),
            )
        )
        s.commit()
    assert outbox(db)
    assert purge(deps, cph(2026, 1, 6, 10) + timedelta(days=30)) == (0, 0)
    rows, snoozes = purge(deps, cph(2026, 1, 6, 10) + timedelta(days=401))
    assert snoozes == 1 and rows >= 1
    assert [row for row in outbox(db) if row.status == "sent"] == []
