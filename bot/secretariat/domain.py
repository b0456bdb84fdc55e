"""The secretariat's work in Slack: networks and their members, who is secretariat, failed
deliveries, erasure. Only the secretariat may (bot/core/permissions.py); every change is
written to the audit trail with who, what and when.

The seed: "Sekretariat for Netværksstrukturen uddanner og understøtter netværksledere" — the bot
lets them run the network structure without leaving Slack (the CSV import still works too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from bot.core import actions, audit, ui
from bot.core.clock import now
from bot.core.feature import Registry
from bot.core.i18n import Translator
from bot.core.permissions import Action, require
from bot.core.refusal import Refusal
from bot.privacy import domain as privacy
from storage.models import Network, NetworkMember, Person
from storage.scheduling_models import OutboxMessage, OutboxStatus

_EMAIL_SPLIT = re.compile(r"[\s,;|]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GRANT, REVOKE = "grant", "revoke"


def _actor(actor: Person) -> str:
    return audit.person_actor(actor.id)


def _active_by_email(session: Session, email: str) -> Person | None:
    return session.exec(
        select(Person).where(Person.email == email.strip().lower(), col(Person.active))
    ).first()


# --- networks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkInput:
    name: str
    theme: str
    leader_id: int
    reference_leader_id: int | None
    participant_ids: tuple[int, ...]
    start_date: date | None
    end_date: date | None


def network_form(t: Translator, session: Session, network: Network | None) -> ui.Form:
    leader = session.get(Person, network.leader_id) if network else None
    reference = (
        session.get(Person, network.reference_leader_id)
        if network and network.reference_leader_id
        else None
    )
    members: list[str] = []
    if network is not None:
        members = list(
            session.exec(
                select(Person.email)
                .join(NetworkMember, col(NetworkMember.person_id) == col(Person.id))
                .where(NetworkMember.network_id == network.id)
                .order_by(col(Person.email))
            ).all()
        )
    return ui.Form(
        callback=actions.NETWORK_FORM,
        title=t("secretariat.network.title_edit" if network else "secretariat.network.title_new"),
        submit=t("secretariat.form.save"),
        close=t("secretariat.form.cancel"),
        metadata=str(network.id) if network else "",
        items=(
            ui.TextInput(
                "name",
                t("secretariat.network.name"),
                max_length=200,
                initial=network.name if network else None,
            ),
            ui.TextInput(
                "theme",
                t("secretariat.network.theme"),
                multiline=True,
                max_length=1000,
                initial=network.theme if network else None,
            ),
            ui.TextInput(
                "leader",
                t("secretariat.network.leader"),
                max_length=320,
                initial=leader.email if leader else None,
                placeholder="navn@albertslund.dk",
            ),
            ui.TextInput(
                "reference",
                t("secretariat.network.reference"),
                optional=True,
                max_length=320,
                initial=reference.email if reference else None,
            ),
            ui.TextInput(
                "participants",
                t("secretariat.network.participants"),
                optional=True,
                multiline=True,
                initial="\n".join(members) or None,
                hint=t("secretariat.network.participants_hint"),
            ),
            ui.DateInput(
                "start_date",
                t("secretariat.network.start"),
                optional=True,
                initial=network.start_date if network else None,
            ),
            ui.DateInput(
                "end_date",
                t("secretariat.network.end"),
                optional=True,
                initial=network.end_date if network else None,
            ),
        ),
    )


def read_network(
    t: Translator, session: Session, values: dict[str, str | None], network_id: int | None
) -> tuple[NetworkInput | None, ui.FormErrors]:
    errors = ui.FormErrors()
    name = (values.get("name") or "").strip()
    theme = (values.get("theme") or "").strip()
    if not name:
        errors.add("name", t("secretariat.error.required"))
    clash = session.exec(select(Network).where(func.lower(Network.name) == name.lower())).first()
    if clash is not None and clash.id != network_id:
        errors.add("name", t("secretariat.error.name_taken", name=name))
    if not theme:
        errors.add("theme", t("secretariat.error.required"))
    leader = _person_field(t, session, values, "leader", errors, required=True)
    reference = _person_field(t, session, values, "reference", errors, required=False)
    participants: list[int] = []
    for email in _EMAIL_SPLIT.split(values.get("participants") or ""):
        if not email:
            continue
        person = _active_by_email(session, email)
        if person is None:
            errors.add("participants", t("secretariat.error.unknown_email", email=email[:80]))
        elif person.id not in participants and person.id != (leader.id if leader else None):
            participants.append(person.id or 0)
    start = _date(values.get("start_date"))
    end = _date(values.get("end_date"))
    if start and end and end < start:
        errors.add("end_date", t("secretariat.error.end_before_start"))
    if errors or leader is None:
        return None, errors
    return (
        NetworkInput(
            name=name,
            theme=theme,
            leader_id=leader.id or 0,
            reference_leader_id=reference.id if reference else None,
            participant_ids=tuple(participants),
            start_date=start,
            end_date=end,
        ),
        errors,
    )


def _person_field(
    t: Translator,
    session: Session,
    values: dict[str, str | None],
    field: str,
    errors: ui.FormErrors,
    required: bool,
) -> Person | None:
    email = (values.get(field) or "").strip()
    if not email:
        if required:
            errors.add(field, t("secretariat.error.required"))
        return None
    person = _active_by_email(session, email)
    if person is None:
        errors.add(field, t("secretariat.error.unknown_email", email=email[:80]))
    return person


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def save_network(
    session: Session, actor: Person, data: NetworkInput, network_id: int | None
) -> Network:
    require(session, actor, Action.NETWORK_EDIT if network_id else Action.NETWORK_CREATE)
    network = session.get(Network, network_id) if network_id else None
    created = network is None
    if network is None:
        network = Network(name=data.name, theme=data.theme, leader_id=data.leader_id)
    if network.leader_id != data.leader_id:
        network.leader_since = now()
    network.name, network.theme, network.leader_id = data.name, data.theme, data.leader_id
    network.reference_leader_id = data.reference_leader_id
    network.start_date, network.end_date = data.start_date, data.end_date
    network.updated_at = now()
    session.add(network)
    session.flush()
    added, removed = _set_members(session, network.id or 0, data.participant_ids)
    audit.record(
        session,
        _actor(actor),
        "network.created" if created else "network.edited",
        "network",
        network.id,
        members_added=added,
        members_removed=removed,
    )
    session.commit()
    session.refresh(network)
    return network


def _set_members(session: Session, network_id: int, wanted: tuple[int, ...]) -> tuple[int, int]:
    current = set(
        session.exec(
            select(NetworkMember.person_id).where(NetworkMember.network_id == network_id)
        ).all()
    )
    target = set(wanted)
    for person_id in sorted(target - current):
        session.add(NetworkMember(network_id=network_id, person_id=person_id))
    gone = current - target
    if gone:
        session.connection().execute(
            delete(NetworkMember).where(
                col(NetworkMember.network_id) == network_id,
                col(NetworkMember.person_id).in_(gone),
            )
        )
    return len(target - current), len(gone)


def close_network(session: Session, actor: Person, network_id: int, today: date) -> Network:
    """Closed as of today: it ended yesterday, so no reminder counts it as running any more."""
    require(session, actor, Action.NETWORK_CLOSE)
    network = session.get(Network, network_id)
    if network is None:
        raise Refusal("secretariat.error.network_gone")
    network.end_date = today - timedelta(days=1)
    network.updated_at = now()
    session.add(network)
    audit.record(session, _actor(actor), "network.closed", "network", network.id)
    session.commit()
    return network


# --- the secretariat itself -----------------------------------------------------------------------


def role_form(t: Translator) -> ui.Form:
    return ui.Form(
        callback=actions.SECRETARIAT_ROLE_FORM,
        title=t("secretariat.role.title"),
        submit=t("secretariat.form.save"),
        close=t("secretariat.form.cancel"),
        items=(
            ui.TextInput("email", t("secretariat.role.email"), max_length=320),
            ui.Choice(
                "change",
                t("secretariat.role.change"),
                (
                    ui.Option(GRANT, t("secretariat.role.grant")),
                    ui.Option(REVOKE, t("secretariat.role.revoke")),
                ),
                initial=GRANT,
            ),
        ),
    )


def set_secretariat(session: Session, actor: Person, email: str, grant: bool) -> Person:
    target = _active_by_email(session, email)
    require(session, actor, Action.SECRETARIAT_GRANT, target)
    assert target is not None
    if not grant and target.is_secretariat:
        members = session.exec(
            select(func.count())
            .select_from(Person)
            .where(col(Person.is_secretariat), col(Person.active))
        ).one()
        if members <= 1:
            raise Refusal("secretariat.error.last_member")
    if target.is_secretariat != grant:
        target.is_secretariat = grant
        target.updated_at = now()
        session.add(target)
        audit.record(
            session,
            _actor(actor),
            "person.secretariat_granted" if grant else "person.secretariat_revoked",
            "person",
            target.id,
        )
        session.commit()
    return target


# --- failed deliveries --------------------------------------------------------------------------


def retry_deliveries(session: Session, actor: Person, outbox_id: int | None) -> int:
    """Put failed deliveries back in the queue (one, or all when None); returns how many.
    A new failure is reported again, since the report mark is cleared."""
    require(session, actor, Action.DELIVERIES_RETRY)
    query = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if outbox_id is not None:
        query = query.where(OutboxMessage.id == outbox_id)
    rows = session.exec(query).all()
    moment = now()
    for row in rows:
        row.status = OutboxStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = moment
        row.finished_at = None
        row.reported_at = None
        row.claimed_by = None
        row.claimed_until = None
        session.add(row)
        audit.record(session, _actor(actor), "outbox.retried", "outbox", row.id)
    session.commit()
    return len(rows)


# --- erasure -------------------------------------------------------------------------------


def erase_form(t: Translator) -> ui.Form:
    return ui.Form(
        callback=actions.ERASE_FORM,
        title=t("secretariat.erase.title"),
        submit=t("secretariat.erase.submit"),
        close=t("secretariat.form.cancel"),
        items=(
            ui.Text(t("secretariat.erase.intro")),
            ui.TextInput("email", t("secretariat.erase.email"), max_length=320),
            ui.TextInput("confirm", t("secretariat.erase.confirm"), max_length=320),
        ),
    )


def read_erase(
    t: Translator, session: Session, values: dict[str, str | None]
) -> tuple[Person | None, ui.FormErrors]:
    errors = ui.FormErrors()
    email = (values.get("email") or "").strip().lower()
    if not _EMAIL.match(email):
        errors.add("email", t("secretariat.error.not_email"))
        return None, errors
    person = privacy.find_person(session, email)
    if person is None:
        errors.add("email", t("secretariat.error.unknown_email", email=email[:80]))
    if (values.get("confirm") or "").strip().lower() != email:
        errors.add("confirm", t("secretariat.erase.mismatch"))
    return (None if errors else person), errors


def erase(session: Session, registry: Registry, actor: Person, person: Person) -> privacy.Erasure:
    require(session, actor, Action.PERSON_ERASE, person)
    return privacy.erase_person(session, registry, person, _actor(actor), reason="request")
