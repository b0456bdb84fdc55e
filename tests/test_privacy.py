"""Privacy: the export holds every table with a person's data; erasure leaves nothing that
names them (a scan of every text and JSON column of every table); retention over a year; the
privacy notice goes with the first message only."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from freezegun import freeze_time
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.core import audit, ui
from bot.privacy import domain as privacy
from bot.privacy.domain import NoticeMessages
from netvaerk.features import registry
from storage.db import Database
from storage.home_models import PersonPrivacy
from storage.models import (
    Agreement,
    AuditEntry,
    Conversation,
    ConversationStatus,
    Network,
    NetworkMember,
    Person,
    PlatformIdentity,
    PulsTalk,
)
from storage.scheduling_models import OutboxMessage, OutboxStatus, Snooze, ThemeProposal
from tests.factories import Org, build_org
from tests.recording_chat import RecordingChat

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _everything_about_anne(db: Database, org: Org) -> None:
    """Anne in every table that can hold her, and mentioned in others' free text."""
    anne, lars, soren = org.anne, org.lars, org.soren
    with db.session() as s:
        own = Conversation(
            uid="c1",
            employee_id=anne.id,
            manager_id=lars.id,
            network_id=org.network.id,
            status=ConversationStatus.HELD,
            proposed_by_id=anne.id,
            proposals=[NOW.isoformat()],
            note="Jeg vil gerne tale om min tid – Anne",
            place_text="Annes kontor",
            held_at=NOW,
        )
        other = Conversation(
            uid="c2",
            employee_id=soren.id,
            manager_id=lars.id,
            status=ConversationStatus.PROPOSED,
            proposed_by_id=soren.id,
            proposals=[NOW.isoformat()],
            note="Spørg anne jensen om skybrud (anne.jensen@example.dk, <@UANNE>)",
        )
        s.add_all([own, other])
        s.flush()
        s.add(
            Agreement(
                conversation_id=own.id,
                employee_id=anne.id,
                manager_id=lars.id,
                hours=4,
                reprioritised="Anne Jensen afleverer sagsbehandling til Søren",
                competence="Facilitering",
                review_date=date(2027, 9, 1),
                recorded_by_id=lars.id,
            )
        )
        s.add(PulsTalk(employee_id=anne.id, manager_id=lars.id, talk_date=date(2027, 4, 1)))
        s.add(PulsTalk(employee_id=soren.id, manager_id=lars.id, talk_date=date(2027, 4, 2)))
        for key, recipient, payload in (
            ("n1", anne.id, {"employee": anne.id}),
            ("n2", lars.id, {"employee": anne.id, "note": "Anne Jensen mangler"}),
        ):
            s.add(
                OutboxMessage(
                    dedupe_key=key,
                    kind="booking_nudge",
                    subject=f"booking:{anne.id}",
                    recipient_id=recipient,
                    payload=payload,
                    due_on=NOW,
                    next_attempt_at=NOW,
                    status=OutboxStatus.SENT,
                )
            )
        s.add(Snooze(person_id=anne.id, scope="*", starts_at=NOW))
        s.add(ThemeProposal(proposed_by_id=anne.id, text="Skybrud – Anne Jensen"))
        s.add(PersonPrivacy(person_id=anne.id, notice_sent_at=NOW))
        audit.record(s, audit.person_actor(anne.id), "conversation.proposed", "conversation", 1)
        audit.record(
            s, "import", "person.updated", "person", anne.id, email="anne.jensen@example.dk"
        )
        audit.record(s, "import", "person.lookup", "person", anne.id, slack_id="UANNE")
        network = s.get(Network, org.other_network.id)
        assert network is not None
        network.reference_leader_id = anne.id
        s.add(network)
        s.commit()


def test_the_export_holds_every_table_that_refers_to_a_person(db: Database) -> None:
    org = build_org(db)
    _everything_about_anne(db, org)
    with db.session() as s:
        anne = s.get(Person, org.anne.id)
        assert anne is not None
        data = privacy.export_person(s, registry(), anne, "da")
    referring = {
        table.name
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        for fk in column.foreign_keys
        if fk.column.table.name == "people" and table.name != "people"
    }
    assert referring <= set(data["tables"]), "a table with personal data is missing"
    assert "audit_entries" in data["tables"]
    assert data["person"]["email"] == "anne.jensen@example.dk"
    assert data["manager"] == {"name": "Lars Nielsen", "email": "lars.nielsen@example.dk"}
    assert len(data["tables"]["conversations"]) == 1
    assert data["tables"]["agreements"][0]["hours"] == 4
    assert len(data["tables"]["outbox"]) == 1  # her own messages, not Lars's
    assert data["tables"]["theme_proposals"][0]["text"] == "Skybrud – Anne Jensen"
    assert len(data["tables"]["audit_entries"]) == 3
    assert "Alt, hvad Netværksbot har gemt om dig" in data["about"]
    json.loads(privacy.export_json(data))  # valid JSON, readable (UTF-8, indented)
    assert "Søren" in privacy.export_json(data).decode("utf-8")


def _scan(db: Database, needles: list[str]) -> list[str]:
    """Every text and JSON value of every table, searched for the needles."""
    found = []
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = list(table.columns)
            for row in connection.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if not isinstance(value, str | list | dict):
                        continue  # numbers, dates and flags cannot name anyone
                    text = json.dumps(value, ensure_ascii=False).lower()
                    for needle in needles:
                        if needle.lower() in text:
                            found.append(f"{table.name}.{column.name}: {needle}")
    return found


def test_erasure_leaves_nothing_that_names_the_person(db: Database) -> None:
    org = build_org(db)
    _everything_about_anne(db, org)
    needles = ["anne.jensen@example.dk", "Anne Jensen", "UANNE"]
    assert len(_scan(db, needles)) >= 8  # the scan does find her before
    with db.session() as s:
        anne = s.get(Person, org.anne.id)
        assert anne is not None
        result = privacy.erase_person(s, registry(), anne, audit.person_actor(org.ida.id))
    assert _scan(db, needles) == []
    # The snooze and her Slack id go with the generic eraser; the features' erasers keep the two
    # conversations and the agreement anonymously and remove her PULS talk and her outbox row.
    assert result.rows_deleted == 2 and result.rows_anonymised >= 5
    assert result.traces_scrubbed >= 3
    with db.session() as s:
        # What must stay stays, anonymously: counts of conversations, agreements, the network.
        assert len(s.exec(select(Conversation)).all()) == 2
        agreement = s.exec(select(Agreement)).scalars().one()
        assert agreement.hours == 4 and agreement.reprioritised is None
        network = s.get(Network, org.network.id)
        assert network is not None and network.leader_id == org.anne.id
        assert s.get(Network, org.other_network.id).reference_leader_id is None  # type: ignore[union-attr]
        erased = s.get(Person, org.anne.id)
        assert erased is not None and not erased.active
        linked = s.exec(select(PlatformIdentity.person_id)).scalars().all()
        assert org.anne.id not in linked and org.lars.id in linked  # only hers went
        assert erased.email == privacy.erased_email(org.anne.id or 0)
        assert s.exec(select(NetworkMember)).scalars().all()  # Søren is still a member
        assert [p.employee_id for p in s.exec(select(PulsTalk)).scalars()] == [org.soren.id]
        assert [o.recipient_id for o in s.exec(select(OutboxMessage)).scalars()] == [org.lars.id]
        assert s.exec(select(Snooze)).scalars().all() == []
        actions = [e.action for e in s.exec(select(AuditEntry)).scalars()]
        assert actions[-1] == "privacy.erased"
        row = s.get(PersonPrivacy, org.anne.id)
        assert row is not None and row.erased_reason == "request"
    with db.session() as s:  # erasing again changes nothing and finds nothing
        again = privacy.erase_person(s, registry(), s.get(Person, org.anne.id), "operator")  # type: ignore[arg-type]
    assert again == privacy.Erasure(org.anne.id or 0, 0, 0, 0)


def test_people_who_left_are_erased_after_twelve_months(db: Database) -> None:
    org = build_org(db)
    with db.session() as s:
        fatima = s.get(Person, org.fatima.id)
        assert fatima is not None
        fatima.active = False
        fatima.left_at = datetime(2027, 1, 15, tzinfo=UTC)
        s.add(fatima)
        s.commit()
    policy = privacy.RetentionPolicy(
        outbox_days=90, people_left_months=12, checklist_answers_months=24
    )
    day = datetime(2027, 1, 16, 3, 37, tzinfo=UTC)
    erased_on = None
    while day < datetime(2028, 3, 1, tzinfo=UTC):  # every night for a year and more
        with freeze_time(day), db.session() as s:
            if privacy.run_retention(s, registry(), policy)["people_left"]:
                erased_on = day.date()
        day += timedelta(days=1)
    assert erased_on is not None and date(2028, 1, 14) <= erased_on <= date(2028, 1, 16)
    assert _scan(db, ["fatima.ali@example.dk", "Fatima Ali", "UFATIMA"]) == []
    with db.session() as s:
        assert s.get(PersonPrivacy, org.fatima.id).erased_reason == "retention"  # type: ignore[union-attr]
        assert s.get(Person, org.lars.id).active  # type: ignore[union-attr]


def test_retention_is_configurable_in_the_policy_file() -> None:
    policy = privacy.retention_policy()
    assert policy.people_left_months == 12 and policy.checklist_answers_months == 24


def test_the_privacy_notice_goes_with_the_first_message_only(db: Database) -> None:
    org = build_org(db)
    chat = RecordingChat()
    notifier = NoticeMessages(chat, db, lambda p: p.language or "da")
    notifier.send(org.fatima, ui.Message("Hello"))
    notifier.send(org.fatima, ui.Message("Again"))
    assert [to for to, _ in chat.sent] == ["UFATIMA", "UFATIMA"]
    notes = [[p for p in m.parts if isinstance(p, ui.Note)] for _, m in chat.sent]
    assert len(notes[0]) == 1 and "keeps only what network work needs" in notes[0][0].text
    assert notes[1] == []
    with db.session() as s:  # the scheduler's path: the same mark, so no second notice
        lars = s.get(Person, org.lars.id)
        first = privacy.with_first_contact_notice(s, lars, ui.Message("Hej"), "da")
        s.commit()
        second = privacy.with_first_contact_notice(s, lars, ui.Message("Hej"), "da")
        already = privacy.with_first_contact_notice(
            s, s.get(Person, org.fatima.id), ui.Message("x"), "en"
        )
    assert "gemmer kun det, der skal til" in first.parts[-1].text  # type: ignore[union-attr]
    assert second.parts == () and already.parts == ()
