"""`netvaerk erase EMAIL --yes` as an operator runs it: its own fresh process, which has imported
nothing but what the command itself wires up, against a database where the person is in every
table. Afterwards no column of any table may still hold their email, name or platform id.

This is the bug of issue 10: an erase process that had loaded 13 of the 26 tables reported
"nothing left" while `talent_nominations.note` still named the person.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel

from storage.checklist_models import (
    ChecklistAnswer,
    ChecklistRound,
    PulsNote,
    Recommendation,
    TalentNomination,
)
from storage.db import Database
from storage.home_models import PersonPrivacy
from storage.models import (
    Agreement,
    AuditEntry,
    Conversation,
    DeliveryReceipt,
    Department,
    Download,
    Network,
    NetworkMember,
    PlatformIdentity,
    PulsTalk,
)
from storage.scheduling_models import OutboxMessage, SchedulerCursor, Snooze, ThemeProposal
from storage.showcase_models import (
    ChannelPost,
    DepartmentShowcase,
    JoinRequest,
    MeetingAnswer,
    MeetingInvitation,
    NetworkResult,
    OpenCall,
    Recognition,
)
from tests.factories import Org, build_org
from tests.slack_ids import slack_id

WHEN = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


TEAMS_ID = "29:1anne-teams-id"


def _needles(org: Org) -> list[str]:
    """Her email, her name and her ids on every platform."""
    return [org.anne.email, org.anne.name, slack_id(org.anne), TEAMS_ID]


def _put_anne_everywhere(db: Database, org: Org) -> None:
    """Anne (network leader, Lars's employee) in every table: as a row that refers to her, and
    named in what others wrote about her."""
    anne, lars, ida = org.anne.id, org.lars.id, org.ida.id
    assert anne is not None and lars is not None and ida is not None
    named = f"Snak med {org.anne.name} ({org.anne.email}, {slack_id(org.anne)}) om skybrud"
    with db.session() as s:
        team = Department(name=f"Team {org.anne.name}", channel="C0TEAMANNE")
        s.add(team)
        s.add(SchedulerCursor(name="note", value=org.anne.email))
        s.flush()
        s.add(DepartmentShowcase(department_id=team.id, updated_by_id=anne))  # type: ignore[arg-type]
        conversation = Conversation(
            uid="conv-anne@netvaerk",
            employee_id=anne,
            manager_id=lars,
            network_id=org.network.id,
            proposed_by_id=anne,
            proposals=[WHEN.isoformat()],
            place_text=f"Mødelokale hos {org.anne.name}",
            note=named,
        )
        s.add(conversation)
        s.flush()
        s.add(
            Agreement(
                conversation_id=conversation.id,  # type: ignore[arg-type]
                employee_id=anne,
                manager_id=lars,
                hours=3,
                reprioritised=named,
                competence=named,
                review_date=date(2027, 9, 1),
                recorded_by_id=anne,
            )
        )
        s.add(PulsTalk(employee_id=anne, manager_id=lars, talk_date=date(2027, 4, 1)))
        s.add(NetworkMember(network_id=org.other_network.id, person_id=anne))  # type: ignore[arg-type]
        lars_round = ChecklistRound(person_id=lars)
        anne_round = ChecklistRound(person_id=anne)
        s.add_all([lars_round, anne_round])
        s.flush()
        s.add(ChecklistAnswer(round_id=lars_round.id, person_id=lars, point=6, note=named))  # type: ignore[arg-type]
        s.add(ChecklistAnswer(round_id=anne_round.id, person_id=anne, point=1, note="mit svar"))  # type: ignore[arg-type]
        # The case: `/netvaerk talent @anne <a note that names her>`.
        s.add(
            TalentNomination(
                nominated_by_id=lars,
                employee_id=anne,
                note=f"{org.anne.name} samler folk på tværs",
            )
        )
        s.add(PulsNote(manager_id=lars, employee_id=anne, point=9, text=named))
        s.add(Recommendation(kind="network", manager_id=lars, employee_id=anne))
        result = NetworkResult(
            network_id=org.network.id,  # type: ignore[arg-type]
            posted_by_id=anne,
            title=f"Skybrudsplan ved {org.anne.name}",
            achieved=named,
            meaning="Vej og park kan bruge den.",
        )
        call = OpenCall(network_id=org.network.id, posted_by_id=anne, note=named)  # type: ignore[arg-type]
        s.add_all([result, call])
        s.flush()
        s.add(
            ChannelPost(
                kind="result",
                ref_id=result.id,  # type: ignore[arg-type]
                department_id=team.id,  # type: ignore[arg-type]
                error=f"user_not_found {slack_id(org.anne)} {TEAMS_ID}",
            )
        )
        s.add(Recognition(result_id=result.id, person_id=anne))  # type: ignore[arg-type]
        s.add(
            JoinRequest(
                network_id=org.other_network.id,  # type: ignore[arg-type]
                person_id=anne,
                call_id=call.id,
                decided_by_id=anne,
            )
        )
        meeting = date(2027, 3, 9)
        s.add(
            MeetingInvitation(
                department_id=team.id,  # type: ignore[arg-type]
                meeting_date=meeting,
                person_id=anne,
                invited_by_id=lars,
            )
        )
        s.add(
            MeetingAnswer(
                department_id=team.id, meeting_date=meeting, presented=True, answered_by_id=anne
            )
        )  # type: ignore[arg-type]
        s.add(Snooze(person_id=anne, scope="*", reason="pause", starts_at=WHEN))
        s.add(ThemeProposal(proposed_by_id=anne, text=named))
        digest = OutboxMessage(
            dedupe_key="digest:anne",
            kind="digest",
            subject="digest",
            recipient_id=anne,
            payload={"items": []},
            due_on=WHEN,
            next_attempt_at=WHEN,
        )
        s.add(digest)
        s.flush()
        s.add(
            OutboxMessage(
                dedupe_key="booking-nudge:anne",
                kind="booking_nudge",
                subject="booking:1",
                recipient_id=anne,
                payload={"name": org.anne.name},
                due_on=WHEN,
                next_attempt_at=WHEN,
                digest_id=digest.id,
            )
        )
        s.add(
            OutboxMessage(  # a message to the secretariat that names her
                dedupe_key="talent:ida",
                kind="talent_nomination",
                subject="talent:1",
                recipient_id=ida,
                payload={"employee": org.anne.name, "email": org.anne.email},
                due_on=WHEN,
                next_attempt_at=WHEN,
            )
        )
        s.add(PersonPrivacy(person_id=anne, notice_sent_at=WHEN))
        s.add(  # she also uses Teams (her Slack id came with the organisation)
            PlatformIdentity(
                person_id=anne,
                platform="teams",
                user_id=TEAMS_ID,
                conversation_id="a:1anne-chat",
                tenant_id="tenant-1",
                aad_object_id="aad-anne",
            )
        )
        s.add(  # a Teams message to her, and her data export waiting behind a link
            DeliveryReceipt(
                platform="teams",
                key="outbox_id",
                value="1",
                conversation_id="a:1anne-chat",
                activity_id="1",
                person_id=anne,
            )
        )
        s.add(
            Download(
                id="d" * 32,
                person_id=anne,
                filename="netvaerksbot-mine-data.json",
                content_type="application/json",
                content=f'{{"email": "{org.anne.email}"}}'.encode(),
                expires_at=WHEN,
            )
        )
        s.add(
            AuditEntry(
                actor=f"person:{anne}",
                action="talent.nominated",
                entity="person",
                entity_id=anne,
                details={"note": named},
            )
        )
        s.commit()


def _rows(db: Database, table: Table) -> list[dict[str, Any]]:
    with db.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(sa_select(table))]


def _mentions(db: Database, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, value) for every value in every column of every table that contains a
    needle, whatever the column's type."""
    lowered = [n.lower() for n in needles]
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for row in _rows(db, table):
            for column, value in row.items():
                if value is not None and any(n in str(value).lower() for n in lowered):
                    found.append((table.name, column, str(value)))
    return found


def _refers_to(db: Database, table: Table, person_id: int, needles: list[str]) -> bool:
    people = [
        c.name
        for c in table.columns
        if any(fk.column.table.name == "people" for fk in c.foreign_keys)
        or (table.name == "people" and c.name == "id")
    ]
    lowered = [n.lower() for n in needles]
    for row in _rows(db, table):
        if any(row[name] == person_id for name in people):
            return True
        if any(n in str(v).lower() for v in row.values() if v is not None for n in lowered):
            return True
    return False


def _erase_in_own_process(
    db: Database, tmp_path: Path, email: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(DATABASE_URL=db.url, NETVAERK_LANGUAGE="da")
    return subprocess.run(
        [sys.executable, "-m", "bot", "erase", email, "--yes"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_erase_in_a_fresh_process_leaves_nothing_in_any_column_of_any_table(
    db: Database, tmp_path: Path
) -> None:
    org = build_org(db)
    _put_anne_everywhere(db, org)
    needles = _needles(org)
    assert org.anne.id is not None
    missing = [
        t.name
        for t in SQLModel.metadata.sorted_tables
        if not _refers_to(db, t, org.anne.id, needles)
    ]
    assert missing == [], f"the test does not put the person into: {missing}"

    result = _erase_in_own_process(db, tmp_path, "Anne.Jensen@Example.dk")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Søgning i alle tabeller efter e-mail, navn og Slack-id: 0 fundet." in result.stdout
    left = _mentions(db, needles)
    assert left == [], f"still there after erase: {left}"
    # What stays stays anonymously: the conversation was held, the network had a leader.
    with db.session() as s:
        assert s.get(Conversation, 1) is not None
        network = s.get(Network, org.network.id)
        assert network is not None and network.leader_id == org.anne.id
        assert s.get(PersonPrivacy, org.anne.id).erased_at is not None  # type: ignore[union-attr]
    # Others' data stays: Lars's own round and the secretariat's row are untouched.
    with db.engine.connect() as connection:
        rounds = connection.execute(sa_select(ChecklistRound.__table__)).all()  # type: ignore[attr-defined]
    assert [r.person_id for r in rounds] == [org.lars.id]


def test_erase_twice_in_fresh_processes_is_harmless(db: Database, tmp_path: Path) -> None:
    org = build_org(db)
    _put_anne_everywhere(db, org)
    assert _erase_in_own_process(db, tmp_path, org.anne.email).returncode == 0
    again = _erase_in_own_process(db, tmp_path, org.anne.email)
    assert again.returncode == 1  # no such person any more: her email is gone
    assert _mentions(db, _needles(org)) == []
