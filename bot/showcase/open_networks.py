"""Open networks (the seed's task 3): the personnel leader "opfordrer medarbejdere til at deltage
i netværksarbejde med relevans for afdelingen".

A network leader posts "Netværket søger deltagere" to the department channels they choose, with
"Vil du være med?". A click is a request to the network leader, who says yes or no; on yes the
employee joins the network and their personnel leader is told (and, from then on, the scheduler
nudges them to book the conversation like for any new member).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.core import actions, audit, ui
from bot.core.clock import now
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.organisation.people import in_network, join_network
from bot.showcase.domain import create_posts, running
from storage.models import Department, Network, Person
from storage.showcase_models import JoinRequest, JoinStatus, OpenCall, PostKind

NOTE_MAX = 1000


def led_networks(session: Session, person_id: int) -> list[Network]:
    today = now().date()
    networks = session.exec(
        select(Network).where(Network.leader_id == person_id).order_by(col(Network.name))
    ).all()
    return [n for n in networks if running(n, today)]


def open_call_form(
    t: Translator, networks: Sequence[Network], departments: Sequence[Department]
) -> ui.Form:
    options = tuple(ui.Option(str(n.id), n.name) for n in networks)
    return ui.Form(
        callback=actions.OPEN_CALL_FORM,
        title=t("showcase.open.form.title"),
        submit=t("showcase.open.form.submit"),
        close=t("showcase.form.close"),
        items=(
            ui.Text(t("showcase.open.form.intro")),
            ui.Choice(
                "network",
                t("showcase.form.network"),
                options,
                initial=options[0].value if len(options) == 1 else None,
            ),
            ui.MultiChoice(
                "departments",
                t("showcase.open.form.departments"),
                tuple(
                    ui.Option(str(d.id), f"{d.name} ({d.channel})")
                    for d in departments
                    if d.channel
                ),
                placeholder=t("showcase.open.form.departments_placeholder"),
            ),
            ui.TextInput(
                "note",
                t("showcase.open.form.note"),
                optional=True,
                multiline=True,
                max_length=NOTE_MAX,
                hint=t("showcase.open.form.note_hint"),
            ),
        ),
    )


def create_call(
    session: Session, t: Translator, actor: Person, values: dict[str, str | None]
) -> tuple[OpenCall | None, ui.FormErrors]:
    errors = ui.FormErrors()
    network_id = values.get("network") or ""
    chosen = [int(v) for v in (values.get("departments") or "").split("\n") if v.isdigit()]
    allowed = {n.id for n in led_networks(session, actor.id or 0)}
    if not network_id.isdigit() or int(network_id) not in allowed:
        errors.add("network", t("showcase.refusal.not_leader"))
    if not chosen:
        errors.add("departments", t("showcase.error.required"))
    if errors:
        return None, errors
    call = OpenCall(
        network_id=int(network_id),
        posted_by_id=actor.id or 0,
        note=(values.get("note") or "")[:NOTE_MAX] or None,
    )
    session.add(call)
    session.flush()
    audit.record(session, audit.person_actor(actor.id), "open_call.created", "open_call", call.id)
    session.commit()
    session.refresh(call)
    departments = list(
        session.exec(
            select(Department).where(col(Department.id).in_(chosen)).order_by(col(Department.name))
        ).all()
    )
    create_posts(session, PostKind.OPEN_CALL, call.id or 0, departments)
    return call, errors


def open_call_post(t: Translator, call: OpenCall, network: Network, leader: Person) -> ui.Message:
    parts: list[ui.Part] = [
        ui.Heading(t("showcase.open.post.heading", network=network.name)),
        ui.Text(
            t(
                "showcase.open.post.body",
                network=network.name,
                theme=network.theme,
                leader=leader.name,
            )
        ),
    ]
    if call.note:
        parts.append(ui.Text(t("showcase.open.post.note", note=call.note)))
    parts += [
        ui.Note(t("showcase.open.post.why")),
        ui.Buttons(
            (
                ui.Button(
                    t("showcase.button.join"), actions.OPEN_CALL_JOIN, str(call.id), "primary"
                ),
            ),
            id=f"open-call-{call.id}",
        ),
    ]
    return ui.Message(text=t("showcase.open.post.text", network=network.name), parts=tuple(parts))


def render_call(session: Session, t: Translator, call_id: int) -> ui.Message | None:
    call = session.get(OpenCall, call_id)
    if call is None:
        return None
    network = session.get(Network, call.network_id)
    leader = session.get(Person, network.leader_id) if network else None
    if network is None or leader is None:
        return None
    return open_call_post(t, call, network, leader)


# --- joining ------------------------------------------------------------------------------


def request_join(session: Session, actor: Person, call_id: int) -> tuple[JoinRequest, bool]:
    """An employee's "Vil du være med?". Returns the request and whether it is new (or asked
    again after a no)."""
    call = session.get(OpenCall, call_id)
    network = session.get(Network, call.network_id) if call else None
    if call is None or network is None or not running(network, now().date()):
        raise Refusal("showcase.refusal.call_closed")
    if in_network(session, actor.id or 0, network):
        raise Refusal("showcase.refusal.already_member", network=network.name)
    existing = session.exec(
        select(JoinRequest).where(
            JoinRequest.network_id == network.id, JoinRequest.person_id == actor.id
        )
    ).first()
    if existing is not None:
        if existing.status != JoinStatus.DECLINED:
            return existing, False
        existing.status, existing.call_id = JoinStatus.PENDING, call_id
        existing.decided_at, existing.decided_by_id, existing.created_at = None, None, now()
        session.add(existing)
        session.commit()
        return existing, True
    request = JoinRequest(network_id=network.id or 0, person_id=actor.id or 0, call_id=call_id)
    session.add(request)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return request_join(session, actor, call_id)
    audit.record(
        session, audit.person_actor(actor.id), "join.requested", "join_request", request.id
    )
    session.commit()
    session.refresh(request)
    return request, True


def decide_join(
    session: Session, actor: Person, request_id: int, yes: bool
) -> tuple[JoinRequest, bool]:
    """The network leader's answer. On yes the employee becomes a participant."""
    request = session.get(JoinRequest, request_id)
    network = session.get(Network, request.network_id) if request else None
    if request is None or network is None:
        raise Refusal("showcase.refusal.gone")
    if network.leader_id != actor.id:
        raise Refusal("showcase.refusal.not_leader")
    status = JoinStatus.ACCEPTED if yes else JoinStatus.DECLINED
    changed = session.execute(
        update(JoinRequest)
        .where(col(JoinRequest.id) == request_id, col(JoinRequest.status) == JoinStatus.PENDING)
        .values(status=status, decided_at=now(), decided_by_id=actor.id)
    )
    new = changed.rowcount == 1  # type: ignore[attr-defined]
    if new and yes:
        join_network(session, network, request.person_id)
    if new:
        audit.record(
            session,
            audit.person_actor(actor.id),
            "join.accepted" if yes else "join.declined",
            "join_request",
            request_id,
        )
    session.commit()
    session.refresh(request)
    return request, new


def join_request_message(
    t: Translator, request: JoinRequest, network: Network, employee: Person, department: str
) -> ui.Message:
    return ui.Message(
        text=t("showcase.open.request.text", name=employee.name, network=network.name),
        parts=(
            ui.Heading(t("showcase.open.request.heading", network=network.name)),
            ui.Text(
                t(
                    "showcase.open.request.body",
                    name=employee.name,
                    department=department,
                    network=network.name,
                )
            ),
            ui.Buttons(
                (
                    ui.Button(
                        t("showcase.button.accept_member"),
                        actions.JOIN_DECIDE,
                        f"{request.id}:yes",
                        "primary",
                    ),
                    ui.Button(
                        t("showcase.button.not_now"), actions.JOIN_DECIDE, f"{request.id}:no"
                    ),
                ),
                id=f"join-request-{request.id}",
            ),
        ),
    )


def manager_told(t: Translator, employee: Person, network: Network, leader: Person) -> ui.Message:
    """To the new participant's personnel leader: the seed's task 2 starts here."""
    return ui.Message(
        text=t("showcase.open.manager.text", name=employee.name, network=network.name),
        parts=(
            ui.Heading(t("showcase.open.manager.heading", name=employee.name)),
            ui.Text(
                t(
                    "showcase.open.manager.body",
                    name=employee.name,
                    network=network.name,
                    theme=network.theme,
                    leader=leader.name,
                )
            ),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.book"),
                        actions.BOOKING_OPEN,
                        str(employee.id),
                        "primary",
                    ),
                ),
                id=f"joined-{employee.id}-{network.id}",
            ),
        ),
    )
