"""App Home as a domain: each role's sections from the data, the hooks later features use, and
the paging that keeps every page within Slack's 100 blocks. Also the operator's CLI commands."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from freezegun import freeze_time

from bot.core import actions, ui
from bot.core.feature import Feature, HomeSlot, Registry, SectionHook
from bot.core.i18n import Translator
from bot.home.sections import HomeContext, build_home
from bot.privacy import domain as privacy
from bot.privacy.domain import RetentionPolicy
from emulator.blockkit import validate_view
from netvaerk.features import registry
from platforms.slack.blocks import home_pages, render_home
from storage.db import Database
from storage.models import Person
from tests.factories import build_org

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    """Home is built at one moment; the data are created at that moment too."""
    with freeze_time(NOW):
        yield


def _ctx(
    language: str = "da", sections: Mapping[HomeSlot, tuple[SectionHook, ...]] | None = None
) -> HomeContext:
    return HomeContext(
        t=Translator(language),
        tz="Europe/Copenhagen",
        now=NOW,
        retention=RetentionPolicy(
            outbox_days=400, people_left_months=12, checklist_answers_months=24
        ),
        sections=sections if sections is not None else registry().home,
    )


def _text(parts: list[ui.Part]) -> str:
    out = []
    for part in parts:
        if isinstance(part, ui.Heading | ui.Text | ui.Note):
            out.append(part.text)
        elif isinstance(part, ui.Facts):
            out += [f"{k}: {v}" for k, v in part.items]
        elif isinstance(part, ui.Buttons):
            out += [f"[{b.label}]" for b in part.buttons]
    return "\n".join(out)


def _home(
    db: Database,
    person: Person | None,
    language: str = "da",
    sections: Mapping[HomeSlot, tuple[SectionHook, ...]] | None = None,
) -> str:
    with db.session() as s:
        return _text(build_home(s, person, _ctx(language, sections)))


def test_each_role_gets_its_sections_in_order(db: Database) -> None:
    org = build_org(db)
    anne, lars, ida = _home(db, org.anne), _home(db, org.lars), _home(db, org.ida)
    assert anne.index("Det venter på dig") < anne.index("Mine netværk") < anne.index("Dine data")
    assert "Mine medarbejdere i netværk" in lars and "Mine netværk" not in lars
    assert ida.index("Sekretariatet: det haster") < ida.index("Organisationen")
    assert "[Opret netværk]" in ida and "[Opret netværk]" not in lars
    assert "Netværk, du er referenceleder for" in _home(db, org.mette)
    assert "Velkommen til Netværksbot" in _home(db, None)
    assert "Your data 🔒" in _home(db, org.fatima, "en")


def test_later_features_plug_in_through_their_slots(db: Database) -> None:
    org = build_org(db)
    feature = Feature(
        name="later",
        home=(
            (HomeSlot.WAITING, lambda s, p, c: [ui.Text("Besvar tjeklisten")]),
            (HomeSlot.MY_EMPLOYEES, lambda s, p, c: [ui.Text("Tjekliste: 7 af 10")]),
        ),
    )
    lars = _home(db, org.lars, sections=Registry.of([feature]).home)
    assert "Besvar tjeklisten" in lars and "Tjekliste: 7 af 10" in lars
    assert "Intet venter på dig" not in lars


def test_paging_keeps_every_page_within_100_blocks_and_valid() -> None:
    parts: list[ui.Part] = [ui.Heading("Start")]
    for n in range(260):
        parts.append(ui.Heading(f"Afsnit {n}") if n % 20 == 0 else ui.Text(f"Linje {n}"))
        if n % 7 == 0:
            parts.append(ui.Buttons((ui.Button("Gør noget", actions.BOOKING_OPEN, str(n)),)))
    pages = home_pages(parts)
    assert len(pages) == 4
    assert sum(len(p) for p in pages) == len(parts)
    assert all(not isinstance(p[-1], ui.Heading) for p in pages)  # no dangling heading
    more = ui.Button("Vis flere", actions.HOME_PAGE)
    back = ui.Button("Tilbage", actions.HOME_PAGE)
    for page in range(len(pages)):
        view = render_home(parts, page, more=more, back=back)
        assert len(view["blocks"]) <= 100
        assert validate_view(view) == []
        ids = [
            e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
        ]
        assert len(ids) == len(set(ids))
    last = render_home(parts, 99, more=more, back=back)
    assert last["private_metadata"] == "3"


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def test_operator_commands_erase_report_and_audit_export(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    db.upgrade()
    build_org(db)
    db.dispose()
    report = _cli(tmp_path, "report", "--out", str(tmp_path / "overblik.csv"))
    assert report.returncode == 0, report.stderr
    assert "[##############################] 2/2 networks" in report.stderr
    rows = list(
        csv.reader(io.StringIO((tmp_path / "overblik.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert len(rows) == 1 + 5  # header; Klimatilpasning: 3 people, Digital inklusion: 2
    erased = _cli(tmp_path, "erase", "Anne.Jensen@example.dk", "--yes")
    assert erased.returncode == 0, erased.stderr
    assert "Søgning i alle tabeller efter e-mail, navn og Slack-id: 0 fundet." in erased.stdout
    assert _cli(tmp_path, "erase", "nobody@example.dk", "--yes").returncode == 1
    exported = _cli(tmp_path, "audit", "export")
    assert exported.returncode == 0, exported.stderr
    lines = list(csv.reader(io.StringIO(exported.stdout.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["at", "actor", "action", "entity", "entity_id", "details"]
    assert [(r[1], r[2]) for r in lines[1:]] == [
        ("operator", "report.generated"),
        ("operator", "privacy.erased"),
        ("operator", "audit.exported"),
    ]
    bad = _cli(tmp_path, "leave", "soren.kjaer@example.dk", "--on", "1. januar")
    assert bad.returncode == 1 and "ÅÅÅÅ-MM-DD" in bad.stderr
    left = _cli(tmp_path, "leave", "Soren.Kjaer@example.dk", "--on", "2020-01-31")
    assert left.returncode == 0, left.stderr
    assert "Søren Kjær er registreret som fratrådt pr. 2020-01-31" in left.stdout
    with Database(f"sqlite:///{tmp_path / 'cli.sqlite3'}").session() as session:
        soren = privacy.find_person(session, "soren.kjaer@example.dk")
        assert soren is not None and not soren.active
        assert (
            privacy.purge_departed(session, registry(), months=12) == 1
        )  # left long ago: erased now
        assert privacy.find_person(session, "soren.kjaer@example.dk") is None
