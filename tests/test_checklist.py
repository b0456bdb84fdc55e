"""The checklist's domain: rounds, answers, the summary's comparison, the secretariat's aggregate
threshold, and privacy — no path shows one person's answers to another."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.checklist import domain as checklist
from bot.checklist import messages as checklist_messages
from bot.checklist.aggregate import (
    Response,
    aggregate,
    aggregate_parts,
    latest_responses,
)
from bot.checklist.domain import RoundState
from bot.checklist.flows import ChecklistFlow
from bot.core import ui
from bot.core.chat import DirectMessages
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.home.sections import HomeContext, build_home
from bot.privacy.domain import erase_person, export_person, retention_policy, run_retention
from bot.secretariat import report
from netvaerk.features import registry
from platforms.slack.blocks import mrkdwn
from storage.checklist_models import ChecklistAnswer, ChecklistRound
from storage.db import Database
from storage.models import AuditEntry, Department, Person
from tests.factories import Org, build_org
from tests.recording_chat import RecordingChat
from tests.schedule_support import make_deps

NOW = datetime(2027, 3, 1, 9, tzinfo=UTC)
SECRET_NOTE = "Jeg vil tale med Anne om timerne"


def _mrkdwn(parts: list[ui.Part]) -> str:
    """The parts' texts as Slack shows them (formatting included)."""
    return "\n".join(mrkdwn(getattr(p, "text", "")) for p in parts)


def _round(db: Database, person: Person, answers: dict[int, str], note: str | None = None) -> int:
    with db.session() as s:
        round_, _ = checklist.start_round(s, person, "command", checklist_now())
        for point in checklist.POINTS:
            checklist.answer(
                s, person, round_.id or 0, point, answers.get(point, "yes"), checklist_now()
            )
        if note:
            checklist.set_note(s, person, round_.id or 0, 1, note, checklist_now())
        assert round_.id is not None
        return round_.id


def checklist_now() -> datetime:
    from bot.core.clock import now

    return now()


def test_answering_resuming_and_changing(db: Database) -> None:
    org = build_org(db)
    with freeze_time(NOW), db.session() as s:
        round_, created = checklist.start_round(s, org.lars, "command", NOW)
        assert created
        rid = round_.id or 0
        outcome = checklist.answer(s, org.lars, rid, 1, "partly", NOW)
        assert outcome.next_point == 2 and outcome.changed and not outcome.completed_now
        # Leaving and starting again resumes the same round at the first unanswered point.
        again, created = checklist.start_round(s, org.lars, "command", NOW)
        assert again.id == rid and not created
        assert checklist.state_of(s, again).position == 2
        # Changing an earlier answer goes on where the round stopped.
        checklist.answer(s, org.lars, rid, 2, "yes", NOW)
        changed = checklist.answer(s, org.lars, rid, 1, "yes", NOW)
        assert changed.changed and changed.next_point == 3


def test_a_double_click_records_one_answer_and_completes_once(db: Database) -> None:
    org = build_org(db)
    with freeze_time(NOW), db.session() as s:
        round_, _ = checklist.start_round(s, org.lars, "command", NOW)
        rid = round_.id or 0
        for point in range(1, 10):
            checklist.answer(s, org.lars, rid, point, "yes", NOW)
        first = checklist.answer(s, org.lars, rid, 10, "not_yet", NOW)
        second = checklist.answer(s, org.lars, rid, 10, "not_yet", NOW)
        assert first.completed_now and first.next_point is None
        assert not second.completed_now and not second.changed and second.next_point is None
        rows = s.exec(select(ChecklistAnswer).where(ChecklistAnswer.round_id == rid)).all()
        assert len(rows) == 10
        completed = s.exec(
            select(AuditEntry).where(AuditEntry.action == "checklist.completed")
        ).all()
        assert len(completed) == 1


def test_nobody_acts_on_another_persons_round(db: Database) -> None:
    org = build_org(db)
    with freeze_time(NOW), db.session() as s:
        round_, _ = checklist.start_round(s, org.lars, "command", NOW)
        with pytest.raises(Refusal) as refused:
            checklist.answer(s, org.mette, round_.id or 0, 1, "yes", NOW)
        assert refused.value.key == "checklist.refusal.not_yours"
        with pytest.raises(Refusal):
            checklist.view(s, org.mette, round_.id or 0, 1)
        with pytest.raises(Refusal) as not_manager:
            checklist.start_round(s, org.anne, "command", NOW)
        assert not_manager.value.key == "checklist.refusal.not_manager"


def test_the_summary_shows_the_change_since_last_round_and_a_button_per_gap(db: Database) -> None:
    org = build_org(db)
    with freeze_time(NOW - timedelta(days=183)):
        _round(db, org.lars, {1: "partly", 5: "not_yet"})
    with freeze_time(NOW):
        rid = _round(db, org.lars, {1: "yes", 5: "partly", 9: "not_yet", 10: "skip"})
        flow = ChecklistFlow(make_deps(db), DirectMessages(RecordingChat(), db))
        with db.session() as s:
            state = checklist.state_of(s, s.get(ChecklistRound, rid))  # type: ignore[arg-type]
        message = flow.summary(org.lars, state)
    text = "\n".join(mrkdwn(getattr(p, "text", "")) for p in message.parts)
    assert "*1) Ledertalenter* – Ja _(Sidst: Delvist → nu: Ja)_" in text
    assert "*5) Interesse* – Delvist _(Sidst: Ikke endnu → nu: Delvist)_" in text
    assert "*10) PULS-samtaler* – Sprunget over" in text
    assert "2 punkter frem, 1 tilbage, 6 som sidst" in text
    rows = [p for p in message.parts if isinstance(p, ui.Buttons) and "step" in (p.id or "")]
    assert [r.id.rsplit("-", 1)[1] for r in rows if r.id] == ["5", "9"]


def test_the_point_message_uses_the_seeds_words() -> None:
    t = Translator("da")
    state = RoundState(ChecklistRound(id=7, person_id=1), {})
    message = checklist_messages.point_message(t, state, 5)
    text = "\n".join(mrkdwn(getattr(p, "text", "")) for p in message.parts)
    assert (
        "5) udviser interesse for medarbejderens netværksledelse, netværksdeltagelse og "
        "netværksarbejde" in text
    )
    assert message.text == "Tjeklisten: punkt 5 / 10"


# --- the secretariat's aggregate ------------------------------------------------------------


def _responses(department: str, count: int, answer: str = "partly") -> list[Response]:
    return [Response(department, {p: answer for p in checklist.POINTS}) for _ in range(count)]


def test_aggregate_threshold_at_4_and_5_respondents() -> None:
    four = aggregate(_responses("By og Miljø", 4))
    assert four.overall.counts is None
    assert four.departments[0].counts is None and four.departments[0].respondents == 4
    five = aggregate(_responses("By og Miljø", 5) + _responses("Kultur", 4, "yes"))
    by_name = {g.name: g for g in five.departments}
    assert by_name["By og Miljø"].counts is not None
    assert by_name["By og Miljø"].counts[3] == {"partly": 5}
    assert by_name["Kultur"].counts is None  # 4 answers: "for få svar"
    assert five.overall.counts is not None and five.overall.counts[1] == {"partly": 5, "yes": 4}
    text = "\n".join(
        mrkdwn(getattr(p, "text", "")) for p in aggregate_parts(Translator("da"), five)
    )
    assert "• *Kultur*: for få svar" in text
    assert "• *By og Miljø* (5 svar): flest huller i" in text
    text4 = "\n".join(
        mrkdwn(getattr(p, "text", "")) for p in aggregate_parts(Translator("da"), four)
    )
    assert "for få svar" in text4 and "Delvist" not in text4


def _managers(db: Database, count: int, department: str) -> list[Person]:
    """`count` personnel leaders in `department`, each with one employee."""
    made = []
    with db.session() as s:
        dept = Department(name=department)
        s.add(dept)
        s.flush()
        for i in range(count):
            manager = Person(
                email=f"leder{i}@{department[:3].lower()}.dk",
                name=f"Leder {i}",
                department_id=dept.id,
                language="da",
            )
            s.add(manager)
            s.flush()
            s.add(
                Person(
                    email=f"medarb{i}@{department[:3].lower()}.dk",
                    name=f"M {i}",
                    manager_id=manager.id,
                )
            )
            made.append(manager)
        s.commit()
        for m in made:
            s.refresh(m)
    return made


@pytest.mark.parametrize("count", [4, 5])
def test_aggregate_from_the_database_at_4_and_5(db: Database, count: int) -> None:
    org = build_org(db)
    managers = _managers(db, count, "Kultur")
    with freeze_time(NOW):
        for manager in managers:
            _round(db, manager, {2: "not_yet"}, note=SECRET_NOTE)
        with db.session() as s:
            responses = latest_responses(s)
            parts = aggregate_parts(Translator("da"), aggregate(responses))
            ctx = HomeContext(
                Translator("da"), "Europe/Copenhagen", NOW, retention_policy(), registry().home
            )
            home = build_home(s, s.get(Person, org.ida.id), ctx)
    text = "\n".join(mrkdwn(getattr(p, "text", "")) for p in parts)
    home_text = json.dumps([getattr(p, "text", "") for p in home], ensure_ascii=False)
    assert SECRET_NOTE not in home_text
    if count == 4:
        assert "for få svar" in text and "*2) Tid til netværksarbejdet*" not in text
        assert "for få svar" in home_text
    else:
        assert "• *Kultur* (5 svar): flest huller i 2) Tid til netværksarbejdet" in text
        assert "5 × Ikke endnu" in text


# --- privacy --------------------------------------------------------------------------------


def _visible_text(parts: list[ui.Part]) -> str:
    return json.dumps(
        [getattr(p, "text", "") or str(getattr(p, "items", "")) for p in parts], ensure_ascii=False
    )


def test_no_path_shows_one_persons_answers_to_another(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    org: Org = build_org(db)
    caplog.set_level(logging.DEBUG)
    with freeze_time(NOW):
        rid = _round(db, org.lars, {1: "not_yet", 7: "partly"}, note=SECRET_NOTE)
        ctx = HomeContext(
            Translator("da"), "Europe/Copenhagen", NOW, retention_policy(), registry().home
        )
        with db.session() as s:
            own = _visible_text(build_home(s, s.get(Person, org.lars.id), ctx))
            others = {
                name: _visible_text(build_home(s, s.get(Person, person.id), ctx))
                for name, person in (
                    ("anne", org.anne),
                    ("mette", org.mette),
                    ("ida", org.ida),
                    ("soren", org.soren),
                )
            }
            exports = {
                name: json.dumps(
                    export_person(s, registry(), person, "da"), ensure_ascii=False, default=str
                )
                for name, person in (("lars", org.lars), ("anne", org.anne), ("ida", org.ida))
            }
            overview, audit_csv = io.StringIO(), io.StringIO()
            report.write_overview(s, overview, Translator("da"))
            report.write_audit(s, audit_csv)
    # The person sees their own rounds.
    assert "Seneste runde" in own and "1 × Ikke endnu" in own
    # Nobody else does: not in App Home (the secretariat sees "for få svar"), …
    for name, text in others.items():
        assert "1 × Ikke endnu" not in text and SECRET_NOTE not in text, name
    assert "for få svar" in others["ida"]
    # … not in the data export of anyone but the person, …
    assert SECRET_NOTE in exports["lars"] and '"checklist_answers"' in exports["lars"]
    for name in ("anne", "ida"):
        assert SECRET_NOTE not in exports[name]
        assert f'"round_id": {rid}' not in exports[name]
    # … not in the secretariat's reports, nor in the logs.
    assert SECRET_NOTE not in overview.getvalue() and SECRET_NOTE not in audit_csv.getvalue()
    assert "not_yet" not in audit_csv.getvalue() and "partly" not in audit_csv.getvalue()
    assert SECRET_NOTE not in caplog.text


def test_erasure_and_retention_remove_answers(db: Database) -> None:
    org = build_org(db)
    with freeze_time(NOW - timedelta(days=800)):
        _round(db, org.mette, {}, note=SECRET_NOTE)
    with freeze_time(NOW):
        _round(db, org.lars, {}, note=SECRET_NOTE)
        with db.session() as s:
            done = run_retention(s, registry(), retention_policy(), NOW)
            assert done["checklist_answers"] >= 1
            assert {r.person_id for r in s.exec(select(ChecklistRound)).all()} == {org.lars.id}
            lars = s.get(Person, org.lars.id)
            assert lars is not None
            erase_person(s, registry(), lars, actor="operator")
            assert s.exec(select(ChecklistRound)).all() == []
            assert s.exec(select(ChecklistAnswer)).all() == []
