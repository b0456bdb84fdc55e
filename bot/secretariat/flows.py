"""The secretariat's use cases as flows: its menu, networks and members, who is secretariat,
failed deliveries, erasure, the overview report and the audit log.

Each checks the permission first (a refusal, answered by the platform's one error path) and
returns what to show, or a `Done`: the text for the secretariat member and whose App Home changed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.core import audit, ui
from bot.core.actor import Actor
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.feature import Registry
from bot.core.permissions import Action, PermissionDenied, require
from bot.core.refusal import Refusal
from bot.core.unit_of_work import UnitOfWork
from bot.secretariat import domain as secretariat
from bot.secretariat import messages, report
from storage.models import Network, NetworkMember, Person


@dataclass(frozen=True)
class Done:
    text: str
    refresh: list[int]  # whose App Home changed


def allowed(uow: UnitOfWork, actor: Actor, action: Action) -> Person:
    """The acting secretariat member, or the refusal that says why not."""
    me = actor.require_person()
    with uow as session:
        return require(session, session.get(Person, me.id), action)


def menu(uow: UnitOfWork, actor: Actor) -> ui.Message:
    allowed(uow, actor, Action.ORG_OVERVIEW)
    return messages.menu(actor.t)


# --- the report and the audit log, as CSV files --------------------------------------------


@dataclass(frozen=True)
class _Export:
    action: Action
    event: str  # the audit log's name for it
    filename: str
    title_key: str
    text_key: str
    write: Callable[[Session, TextIO, Actor], int]


_REPORT = _Export(
    Action.REPORT,
    "report.generated",
    "netvaerk-overblik.csv",
    "secretariat.report.title",
    "secretariat.report.text",
    lambda session, out, actor: report.write_overview(session, out, actor.t),
)
_AUDIT = _Export(
    Action.AUDIT_EXPORT,
    "audit.exported",
    "netvaerk-audit.csv",
    "secretariat.report.audit_title",
    "secretariat.report.audit_text",
    lambda session, out, _actor: report.write_audit(session, out),
)


def _export(uow: UnitOfWork, actor: Actor, kind: _Export) -> tuple[ui.Message, ui.Attachment]:
    me = allowed(uow, actor, kind.action)
    out = io.StringIO(newline="")
    with uow as session:
        if kind is _AUDIT:  # the audit log includes its own export
            audit.record(session, audit.person_actor(me.id), kind.event, "audit", None)
            session.commit()
            count = kind.write(session, out, actor)
        else:
            count = kind.write(session, out, actor)
            audit.record(session, audit.person_actor(me.id), kind.event, "report", None)
            session.commit()
    t = actor.t
    attachment = ui.Attachment(
        filename=kind.filename, title=t(kind.title_key), content=out.getvalue().encode("utf-8")
    )
    return ui.Message(t(kind.text_key, count=count)), attachment


def overview_report(uow: UnitOfWork, actor: Actor) -> tuple[ui.Message, ui.Attachment]:
    return _export(uow, actor, _REPORT)


def audit_log(uow: UnitOfWork, actor: Actor) -> tuple[ui.Message, ui.Attachment]:
    return _export(uow, actor, _AUDIT)


# --- networks ------------------------------------------------------------------------------


def _network_people(session: Session, network_id: int) -> set[int | None]:
    network = session.get(Network, network_id)
    if network is None:
        return set()
    members = session.exec(
        select(NetworkMember.person_id).where(NetworkMember.network_id == network_id)
    ).all()
    return {network.leader_id, network.reference_leader_id, *members}


def _refresh(ids: set[int | None]) -> list[int]:
    return sorted(i for i in ids if i)


def network_form(uow: UnitOfWork, actor: Actor, network_id: int | None) -> ui.Form:
    allowed(uow, actor, Action.NETWORK_EDIT if network_id is not None else Action.NETWORK_CREATE)
    with uow as session:
        network = session.get(Network, network_id) if network_id is not None else None
        if network_id is not None and network is None:
            raise Refusal("secretariat.error.network_gone")
        return secretariat.network_form(actor.t, session, network)


def close_network(deps: Deps, uow: UnitOfWork, actor: Actor, network_id: int) -> Done:
    me = allowed(uow, actor, Action.NETWORK_CLOSE)
    today = now().astimezone(ZoneInfo(deps.timezone_of(me))).date()
    with uow as session:
        network = secretariat.close_network(session, me, network_id, today)
        people = _network_people(session, network.id or 0)
    text = actor.t("secretariat.network.closed", name=network.name)
    return Done(text, _refresh(people | {me.id}))


def save_network(
    uow: UnitOfWork, actor: Actor, network_id: int | None, values: dict[str, str | None]
) -> ui.FormErrors | Done:
    me = allowed(uow, actor, Action.NETWORK_EDIT if network_id else Action.NETWORK_CREATE)
    with uow as session:
        before = _network_people(session, network_id) if network_id else set()
        data, errors = secretariat.read_network(actor.t, session, values, network_id)
        if errors or data is None:
            return errors
        network = secretariat.save_network(session, me, data, network_id)
        after = _network_people(session, network.id or 0)
    text = actor.t("secretariat.network.saved", name=network.name)
    return Done(text, _refresh(before | after | {me.id}))


# --- who is secretariat, failed deliveries, erasure ----------------------------------------


def role_form(uow: UnitOfWork, actor: Actor) -> ui.Form:
    allowed(uow, actor, Action.SECRETARIAT_GRANT)
    return secretariat.role_form(actor.t)


def set_role(uow: UnitOfWork, actor: Actor, values: dict[str, str | None]) -> Done:
    me = allowed(uow, actor, Action.SECRETARIAT_GRANT)
    email = values.get("email") or ""
    grant = values.get("change") != secretariat.REVOKE
    with uow as session:
        try:
            target = secretariat.set_secretariat(session, me, email, grant)
        except PermissionDenied as unknown:
            raise Refusal("secretariat.error.unknown_email", email=email[:80]) from unknown
    key = "secretariat.role.granted" if grant else "secretariat.role.revoked"
    return Done(actor.t(key, name=target.name), _refresh({me.id, target.id}))


def retry_deliveries(uow: UnitOfWork, actor: Actor, value: str) -> Done:
    me = allowed(uow, actor, Action.DELIVERIES_RETRY)
    with uow as session:
        count = secretariat.retry_deliveries(session, me, int(value) if value.isdigit() else None)
    key = "secretariat.retry.done" if count else "secretariat.retry.none"
    return Done(actor.t(key, count=count), _refresh({me.id}))


def erase_form(uow: UnitOfWork, actor: Actor) -> ui.Form:
    allowed(uow, actor, Action.PERSON_ERASE)
    return secretariat.erase_form(actor.t)


def erase_person(
    uow: UnitOfWork, registry: Registry, actor: Actor, values: dict[str, str | None]
) -> ui.FormErrors | Done:
    me = allowed(uow, actor, Action.PERSON_ERASE)
    with uow as session:
        person, errors = secretariat.read_erase(actor.t, session, values)
        if errors or person is None:
            return errors
        result = secretariat.erase(session, registry, me, person)
    text = actor.t(
        "secretariat.erase.done",
        deleted=result.rows_deleted,
        anonymised=result.rows_anonymised,
        scrubbed=result.traces_scrubbed,
    )
    return Done(text, _refresh({me.id}))
