"""Privacy by design (GDPR; personnel data in a public authority).

- The privacy notice: shown in App Home and added to the first message the bot sends anyone
  (art. 13: inform when the data are first used to contact the person).
- Export (art. 15/20): everything stored about a person, as readable JSON.
- Erasure (art. 17): the person's personal data are replaced by anonymous placeholders or
  deleted everywhere; what must stay (counts: a conversation was held, a network had a leader)
  stays anonymously.
- Retention (art. 5(1)(e)): people who left are erased after `people_left_months`.

Tables are found through the registry's schema (every feature declares its tables in its
`feature.py`), not listed here: every table with a column that refers to `people.id` is
exported, and on erasure its rows are deleted unless the feature that owns the table declares an
eraser that keeps them anonymously. A table a later feature adds is therefore covered the day it
lands; tests/test_privacy_coverage.py fails when a table refers to a person in a way the generic
deletion cannot see and has no eraser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import JSON, Column, String, Table, and_, delete, func, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import sort_tables
from sqlmodel import Session, col, select

from bot.core import audit, ui
from bot.core.chat import ChatPort, DirectMessages, Sent
from bot.core.clock import now as clock_now
from bot.core.deps import Deps
from bot.core.feature import Eraser, Registry
from bot.core.i18n import Translator
from bot.core.policy import Policy, get_policy
from storage.db import Database
from storage.home_models import PersonPrivacy
from storage.models import AuditEntry, Department, Person, PlatformIdentity

ERASED_NAME = "Slettet person"
ERASED_TEXT = "[slettet]"
ERASED_ACTOR = "person:slettet"


def erased_email(person_id: int) -> str:
    # `.invalid` can never be a real address (RFC 2606); the id keeps the column unique.
    return f"slettet-{person_id}@slettet.invalid"


# --- the privacy notice ---------------------------------------------------------------------


def notice_note(t: Translator) -> ui.Note:
    """The short notice added to the first message the bot sends a person."""
    return ui.Note(t("privacy.notice.first_contact"))


def notice_parts(t: Translator, retention: RetentionPolicy) -> tuple[ui.Part, ...]:
    """The App Home notice: what is stored, why, for how long, who sees what, how to get it out."""
    return (
        ui.Heading(t("privacy.notice.heading")),
        ui.Text(t("privacy.notice.what")),
        ui.Text(t("privacy.notice.who")),
        ui.Text(
            t(
                "privacy.notice.how_long",
                outbox_days=retention.outbox_days,
                left_months=retention.people_left_months,
                checklist_months=retention.checklist_answers_months,
            )
        ),
        ui.Text(t("privacy.notice.rights")),
    )


def needs_notice(session: Session, person_id: int) -> bool:
    row = session.get(PersonPrivacy, person_id)
    return row is None or row.notice_sent_at is None


def mark_noticed(session: Session, person_id: int, moment: datetime | None = None) -> None:
    """Record the first notice, once, even when two messages to the same person are sent at
    the same moment (two clicks, two lazy listeners): an upsert, so neither transaction fails
    on the other's row."""
    when = moment or clock_now()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(PersonPrivacy)
        .values(person_id=person_id, notice_sent_at=when)
        .on_conflict_do_nothing(index_elements=["person_id"])
    )
    session.execute(
        update(PersonPrivacy)
        .where(col(PersonPrivacy.person_id) == person_id)
        .where(col(PersonPrivacy.notice_sent_at).is_(None))
        .values(notice_sent_at=when)
        .execution_options(synchronize_session="fetch")
    )


def with_first_contact_notice(
    session: Session, person: Person | None, message: ui.Message, language: str
) -> ui.Message:
    """`message`, with the privacy notice added if it is the first the person gets from the
    bot; the caller's session records that it was added (commit with the send decision)."""
    if person is None or person.id is None or not needs_notice(session, person.id):
        return message
    mark_noticed(session, person.id)
    return replace(message, parts=(*message.parts, notice_note(Translator(language))))


class NoticeMessages(DirectMessages):
    """Direct messages that add the privacy notice to the first message a person gets, and
    record it only once the message was delivered (GDPR art. 13)."""

    def __init__(self, chat: ChatPort, db: Database, language_of: Callable[[Person], str]) -> None:
        super().__init__(chat, db)
        self.language_of = language_of

    def send(
        self, person: Person, message: ui.Message, attachment: ui.Attachment | None = None
    ) -> Sent | None:
        if person.id is None:
            return super().send(person, message, attachment)
        with self.db.session() as session:
            first = needs_notice(session, person.id)
        shown = message
        if first:
            t = Translator(self.language_of(person))
            shown = replace(message, parts=(*message.parts, notice_note(t)))
        sent = super().send(person, shown, attachment)
        if sent is not None and first:
            with self.db.session() as session:
                mark_noticed(session, person.id)
                session.commit()
        return sent


# --- the schema: where a person's data live -------------------------------------------------


def _tables(registry: Registry) -> list[Table]:
    """Every feature's tables, parents before children (the order the erasers run in)."""
    return list(sort_tables(registry.tables))


def person_columns(registry: Registry) -> dict[str, list[Column[Any]]]:
    """table name → its columns that refer to a person (people.id), self-references of the
    people table (the manager) excluded: those rows are other people's."""
    found: dict[str, list[Column[Any]]] = {}
    for table in _tables(registry):
        for column in table.columns:
            for fk in column.foreign_keys:
                if fk.column.table.name == "people" and table.name != "people":
                    found.setdefault(table.name, []).append(column)
    return found


def _is(column: Column[Any], kind: type) -> bool:
    # sqlmodel's AutoString is a TypeDecorator around String: look through decorators.
    return isinstance(column.type, kind) or isinstance(getattr(column.type, "impl", None), kind)


def _text_columns(table: Table) -> tuple[list[Column[Any]], list[Column[Any]]]:
    jsons = [c for c in table.columns if _is(c, JSON)]
    texts = [c for c in table.columns if _is(c, String) and c not in jsons]
    return texts, jsons


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row_dict(row: Any) -> dict[str, Any]:
    return {key: _jsonable(value) for key, value in row._mapping.items()}


# --- export -----------------------------------------------------------------------------------


def export_person(
    session: Session, registry: Registry, person: Person, language: str
) -> dict[str, Any]:
    """Everything stored about `person`, grouped by table, with a short explanation."""
    assert person.id is not None
    t = Translator(language)
    pid = person.id
    department = session.get(Department, person.department_id) if person.department_id else None
    manager = session.get(Person, person.manager_id) if person.manager_id else None
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, columns in sorted(person_columns(registry).items()):
        table = registry.table(name)
        rows = session.connection().execute(
            sa_select(table).where(or_(*(c == pid for c in columns)))
        )
        tables[name] = [_row_dict(r) for r in rows]
    entries = session.exec(
        select(AuditEntry)
        .where(
            or_(
                col(AuditEntry.actor) == audit.person_actor(pid),
                and_(col(AuditEntry.entity) == "person", col(AuditEntry.entity_id) == pid),
            )
        )
        .order_by(col(AuditEntry.at))
    ).all()
    tables["audit_entries"] = [
        {k: _jsonable(v) for k, v in e.model_dump().items()} for e in entries
    ]
    return {
        "about": t("privacy.export.about"),
        "generated_at": clock_now().isoformat(),
        "person": {k: _jsonable(v) for k, v in person.model_dump().items()},
        "department": department.name if department else None,
        "manager": {"name": manager.name, "email": manager.email} if manager else None,
        "tables": tables,
    }


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8")


def export_attachment(t: Translator, data: dict[str, Any]) -> ui.Attachment:
    return ui.Attachment(
        filename="netvaerksbot-mine-data.json",
        title=t("privacy.export.file_title"),
        content=export_json(data),
    )


# --- erasure ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    person_id: int
    rows_deleted: int
    rows_anonymised: int
    traces_scrubbed: int


def find_person(session: Session, email: str) -> Person | None:
    return session.exec(select(Person).where(Person.email == email.strip().lower())).first()


def identifiers(session: Session, person: Person) -> list[str]:
    """What identifies the person in free text: email, full name, their ids on chat platforms."""
    platform_ids = session.exec(
        select(PlatformIdentity.user_id).where(PlatformIdentity.person_id == person.id)
    ).all()
    return [v for v in (person.email, person.name, *platform_ids) if v and len(v) >= 3]


def erase_person(
    session: Session, registry: Registry, person: Person, actor: str, reason: str = "request"
) -> Erasure:
    """Remove `person`'s personal data everywhere; commit. Idempotent.

    Each table that refers to the person goes through its feature's eraser when it has one
    (what must stay, stays anonymously: the conversation happened, the network had a leader;
    `rows_anonymised` counts what the erasers changed); every other table loses the person's
    rows (`rows_deleted`). Then the person's own row becomes a placeholder
    and every remaining mention of them in free text is scrubbed."""
    assert person.id is not None
    pid = person.id
    done = session.get(PersonPrivacy, pid)
    if done is not None and done.erased_at is not None:
        return Erasure(pid, 0, 0, 0)  # already erased: its placeholders are not a person
    needles = identifiers(session, person)
    deleted = anonymised = 0
    referring = person_columns(registry)
    connection = session.connection()
    for table in _tables(registry):
        eraser = registry.erasers.get(table.name)
        if eraser is not None:
            anonymised += eraser(session, pid)
        elif table.name in referring:
            condition = or_(*(c == pid for c in referring[table.name]))
            deleted += int(connection.execute(delete(table).where(condition)).rowcount or 0)
    moment = clock_now()
    person.email = erased_email(pid)
    person.name = ERASED_NAME
    person.language = None
    person.timezone = None
    person.manager_id = None
    person.is_secretariat = False
    person.active = False
    person.left_at = person.left_at or moment
    person.updated_at = moment
    session.add(person)
    privacy = session.get(PersonPrivacy, pid) or PersonPrivacy(person_id=pid)
    privacy.notice_sent_at = None
    privacy.erased_at = moment
    privacy.erased_reason = reason
    session.add(privacy)
    session.flush()
    scrubbed = scrub(session, registry, needles)
    audit.record(session, actor, "privacy.erased", "person", pid, reason=reason)
    session.commit()
    return Erasure(pid, deleted, anonymised, scrubbed)


def affected(result: Any) -> int:
    """How many rows a Core UPDATE or DELETE changed (what an eraser returns)."""
    return int(getattr(result, "rowcount", 0) or 0)


# Columns that name a person without a foreign key to people.id. An id column hides rows from
# the generic eraser, which finds rows by foreign key; an identity in text (the audit trail's
# actor "person:<id>", an email, a platform's user id) does so only in a table with no foreign
# key to people.id at all, since otherwise the row goes with its person.
_PERSON_IDS = ("person_id", "employee_id", "manager_id", "recipient_id", "leader_id", "entity_id")
_PERSON_TEXT = ("email", "slack_id", "user_id", "platform_user_id", "actor")


def _refers_by_key(column: Column[Any]) -> bool:
    return any(fk.column.table.name == "people" for fk in column.foreign_keys)


def _hidden_person_columns(table: Table) -> list[str]:
    keyed = any(_refers_by_key(c) for c in table.columns)
    return [
        c.name
        for c in table.columns
        if not _refers_by_key(c)
        and (
            c.name in _PERSON_IDS
            or c.name.endswith("_by_id")
            or (c.name in _PERSON_TEXT and not keyed)
        )
    ]


def uncovered_tables(registry: Registry) -> dict[str, str]:
    """Tables that refer to a person in a way the generic eraser cannot handle and that have no
    eraser, with the reason: a person column without a foreign key to people.id, or rows that
    other tables point at (deleting them would break those rows or fail)."""
    referring = person_columns(registry)
    children: dict[str, list[str]] = {}
    for table in registry.tables:
        for fk in table.foreign_keys:  # a self-reference counts: outbox digests hold items
            children.setdefault(fk.column.table.name, []).append(table.name)
    found: dict[str, str] = {}
    for table in registry.tables:
        if table.name in ("people", *registry.erasers):
            continue
        hidden = _hidden_person_columns(table)
        if hidden:
            found[table.name] = f"names a person without a foreign key: {', '.join(hidden)}"
        elif table.name in referring and table.name in children:
            found[table.name] = f"rows referred to by {', '.join(sorted(children[table.name]))}"
    return found


def keep_erasure_record(_session: Session, _pid: int) -> int:
    """person_privacy: `erase_person` itself records the erasure in the person's row."""
    return 0


def erase_audit_actor(session: Session, pid: int) -> int:
    """What the person did stays in the audit trail (who changed what), by no one. Entries
    about them (entity "person") keep the id, which now points at the placeholder."""
    return affected(
        session.connection().execute(
            update(AuditEntry)
            .where(col(AuditEntry.actor) == audit.person_actor(pid))
            .values(actor=ERASED_ACTOR)
        )
    )


ERASERS: dict[str, Eraser] = {
    "person_privacy": keep_erasure_record,
    "audit_entries": erase_audit_actor,
}


def _pattern(needles: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _scrub_value(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED_TEXT, value)
    if isinstance(value, list):
        return [_scrub_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {pattern.sub(ERASED_TEXT, k): _scrub_value(v, pattern) for k, v in value.items()}
    return value


def traces(
    session: Session, registry: Registry, needles: list[str]
) -> Iterator[tuple[str, str, Any]]:
    """(table, column, primary key) of every text or JSON value that contains one of `needles`
    (case-insensitive) — in every table of the schema."""
    if not needles:
        return
    lowered = [n.lower() for n in needles]
    connection = session.connection()
    for table in _tables(registry):
        texts, jsons = _text_columns(table)
        keys = list(table.primary_key.columns)
        for column in texts:
            condition = or_(*(func.lower(column).contains(n, autoescape=True) for n in lowered))
            for row in connection.execute(sa_select(*keys, column).where(condition)):
                yield table.name, column.name, tuple(row[: len(keys)])
        for column in jsons:
            for row in connection.execute(sa_select(*keys, column)):
                dumped = json.dumps(row[-1], ensure_ascii=False).lower()
                if any(n in dumped for n in lowered):
                    yield table.name, column.name, tuple(row[: len(keys)])


def scrub(session: Session, registry: Registry, needles: list[str]) -> int:
    """Replace `needles` wherever they still occur (free text that mentions the person:
    a colleague's note, an audit detail); returns how many values changed."""
    if not needles:
        return 0
    pattern = _pattern(needles)
    found = list(traces(session, registry, needles))
    connection = session.connection()
    changed = 0
    for table_name, column_name, key in found:
        table = registry.table(table_name)
        column = table.columns[column_name]
        where = and_(*(c == v for c, v in zip(table.primary_key.columns, key, strict=True)))
        current = connection.execute(sa_select(column).where(where)).scalar_one()
        cleaned = _scrub_value(current, pattern)
        if isinstance(cleaned, str) and _contains(cleaned, needles):
            cleaned = ERASED_TEXT  # matched only inside a word: drop the whole value
        elif not isinstance(cleaned, str) and _contains(
            json.dumps(cleaned, ensure_ascii=False), needles
        ):
            cleaned = {} if isinstance(current, dict) else []
        if isinstance(cleaned, str) and getattr(column.type, "length", None):
            cleaned = cleaned[: column.type.length]  # type: ignore[attr-defined]
        if cleaned != current:
            connection.execute(update(table).where(where).values({column_name: cleaned}))
            changed += 1
    return changed


def _contains(text: str, needles: list[str]) -> bool:
    lowered = text.lower()
    return any(n.lower() in lowered for n in needles)


# --- retention --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPolicy:
    outbox_days: int
    people_left_months: int
    checklist_answers_months: int


def retention_policy(policy: Policy | None = None) -> RetentionPolicy:
    """From bot/policy.toml [retention]; the defaults are the issue's (GDPR: keep no longer
    than needed): outbox 90 days is the scheduler's own number, see there."""
    section = (policy or get_policy()).section("retention")
    return RetentionPolicy(
        outbox_days=int(section.get("outbox_days", 90)),
        people_left_months=int(section.get("people_left_months", 12)),
        checklist_answers_months=int(section.get("checklist_answers_months", 24)),
    )


def mark_left(session: Session, person: Person, moment: datetime, actor: str) -> None:
    """The person has left: no more messages (every rule looks at active people only), and
    the nightly retention erases them `people_left_months` after `moment`."""
    person.active = False
    person.left_at = moment
    person.updated_at = clock_now()
    session.add(person)
    audit.record(session, actor, "person.left", "person", person.id)
    session.commit()


def left_before(moment: datetime, months: int) -> datetime:
    return moment - timedelta(days=round(months * 365.25 / 12))


def departed_due(session: Session, moment: datetime, months: int) -> list[Person]:
    """People who left more than `months` ago and are not erased yet."""
    cutoff = left_before(moment, months)
    erased = select(PersonPrivacy.person_id).where(col(PersonPrivacy.erased_at).is_not(None))
    left = func.coalesce(col(Person.left_at), col(Person.updated_at))
    return list(
        session.exec(
            select(Person).where(
                col(Person.active).is_(False), left < cutoff, col(Person.id).not_in(erased)
            )
        ).all()
    )


def purge_departed(
    session: Session, registry: Registry, moment: datetime | None = None, months: int = 12
) -> int:
    """Erase everyone who left more than `months` ago; returns how many."""
    moment = moment or clock_now()
    people = departed_due(session, moment, months)
    for person in people:
        erase_person(session, registry, person, actor="retention", reason="retention")
    return len(people)


def run_retention(
    session: Session, registry: Registry, policy: RetentionPolicy, moment: datetime | None = None
) -> dict[str, int]:
    """Erase people who left long ago, then run every feature's own retention hook (the
    checklist: answers after `checklist_answers_months`; showcase: unshared drafts)."""
    moment = moment or clock_now()
    done = {"people_left": purge_departed(session, registry, moment, policy.people_left_months)}
    for name, hook in registry.retention.items():
        done[name] = hook(session, moment, policy)
        session.commit()
    return done


def nightly(deps: Deps) -> dict[str, int]:
    """The nightly privacy retention (schedules/runner.py)."""
    with deps.db.session() as session:
        return run_retention(session, deps.registry, retention_policy(deps.calendar.policy))
