"""Points 3, 6, 7 and 8: the personnel leader encourages and recognises.

- 3 "opfordrer medarbejdere til at deltage i netværksarbejde": recommend an open network to an
  employee; the employee answers "Vil du være med?" with one click, which asks the network
  leader, who can add them as a participant with one click.
- 6 and 8 "opfordre medarbejdere … til at præsentere netværksarbejdet på afdelingsmøder": invite
  an employee to present at the next department meeting; the personnel leader hears the answer.
- 7 "anerkender medarbejderens opgaveløsning": a word of recognition, delivered by the bot
  (sent, not stored: what was written is between the two of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.checklist.my_employees import employee_choice, int_or_none, own_employee
from bot.core import actions, audit, ui
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.organisation.people import in_network, join_network, networks_of
from storage.checklist_models import Recommendation
from storage.models import Network, Person

NETWORK_FIELD = "network"
NOTE_FIELD = "note"
MESSAGE_FIELD = "message"
NETWORK = "network"
PRESENT = "present"


@dataclass(frozen=True)
class Answer:
    recommendation: Recommendation
    changed: bool  # False when it was answered before (a double click, a retry)


def open_networks(session: Session, today: date) -> list[Network]:
    """Networks running today (started, not ended), by name."""
    return list(
        session.exec(
            select(Network)
            .where(
                (col(Network.start_date).is_(None)) | (col(Network.start_date) <= today),
                (col(Network.end_date).is_(None)) | (col(Network.end_date) >= today),
            )
            .order_by(col(Network.name))
        ).all()
    )


def networks_text(session: Session, t: Translator, today: date) -> ui.Rich:
    networks = open_networks(session, today)
    if not networks:
        return t("checklist.recommend.list_none")
    lines = [t("checklist.recommend.list_heading")]
    for network in networks:
        leader = session.get(Person, network.leader_id)
        lines.append(
            t(
                "checklist.recommend.list_line",
                network=network.name,
                theme=network.theme,
                leader=leader.name if leader else "–",
            )
        )
    return ui.join("\n", lines)


def _store(
    session: Session, actor: Person, employee: Person, kind: str, network_id: int | None
) -> Recommendation:
    recommendation = Recommendation(
        kind=kind, manager_id=actor.id or 0, employee_id=employee.id or 0, network_id=network_id
    )
    session.add(recommendation)
    session.flush()
    audit.record(
        session,
        audit.person_actor(actor.id),
        f"recommendation.{kind}",
        "recommendation",
        recommendation.id,
    )
    session.commit()
    session.refresh(recommendation)
    return recommendation


def recommend_network(
    session: Session, actor: Person, employee_id: int | None, network_id: int | None, today: date
) -> Recommendation:
    employee = own_employee(session, actor, employee_id)
    if employee is None:
        raise Refusal("checklist.refusal.no_employees")
    network = next((n for n in open_networks(session, today) if n.id == network_id), None)
    if network is None:
        raise Refusal("checklist.refusal.no_networks")
    if in_network(session, employee.id or 0, network):
        raise Refusal("checklist.recommend.already", employee=employee.name, network=network.name)
    return _store(session, actor, employee, NETWORK, network.id)


def invite_to_present(session: Session, actor: Person, employee_id: int | None) -> Recommendation:
    employee = own_employee(session, actor, employee_id)
    if employee is None:
        raise Refusal("checklist.refusal.no_employees")
    return _store(session, actor, employee, PRESENT, None)


def answer(
    session: Session, actor: Person, recommendation_id: int, kind: str, yes: bool, now: datetime
) -> Answer:
    """The employee's answer; only the employee may give it, and only once."""
    recommendation = session.get(Recommendation, recommendation_id)
    if recommendation is None or recommendation.kind != kind:
        raise Refusal("checklist.refusal.gone")
    if recommendation.employee_id != actor.id:
        raise Refusal("checklist.refusal.not_yours")
    if recommendation.status != "sent":
        return Answer(recommendation, False)
    recommendation.status = "accepted" if yes else "declined"
    recommendation.answered_at = now
    session.add(recommendation)
    session.commit()
    session.refresh(recommendation)
    return Answer(recommendation, True)


def add_member(session: Session, actor: Person, recommendation_id: int, now: datetime) -> Answer:
    """The network leader adds the employee who said yes."""
    recommendation = session.get(Recommendation, recommendation_id)
    if recommendation is None or recommendation.network_id is None:
        raise Refusal("checklist.refusal.gone")
    network = session.get(Network, recommendation.network_id)
    if network is None or network.leader_id != actor.id:
        raise Refusal("checklist.recommend.not_leader")
    if recommendation.status == "added":
        return Answer(recommendation, False)
    join_network(session, network, recommendation.employee_id)
    recommendation.status = "added"
    recommendation.answered_at = now
    session.add(recommendation)
    audit.record(
        session, audit.person_actor(actor.id), "network.member_added", "network", network.id
    )
    session.commit()
    session.refresh(recommendation)
    return Answer(recommendation, True)


# --- forms ------------------------------------------------------------------------------------


def recommend_form(t: Translator, employees: list[Person], networks: list[Network]) -> ui.Form:
    return ui.Form(
        callback=actions.RECOMMEND_FORM,
        title=t("checklist.recommend.title"),
        submit=t("checklist.recommend.submit"),
        close=t("checklist.recommend.close"),
        items=(
            ui.Text(t("checklist.recommend.intro")),
            employee_choice(t("checklist.recommend.employee"), employees),
            ui.Choice(
                id=NETWORK_FIELD,
                label=t("checklist.recommend.network"),
                options=tuple(ui.Option(str(n.id), n.name) for n in networks),
            ),
        ),
    )


def read_recommend(
    t: Translator, values: Mapping[str, str | None]
) -> tuple[int | None, int | None, ui.FormErrors]:
    errors = ui.FormErrors()
    employee_id, network_id = (
        int_or_none(values.get("employee")),
        int_or_none(values.get(NETWORK_FIELD)),
    )
    if employee_id is None:
        errors.add("employee", t("checklist.form.employee_missing"))
    if network_id is None:
        errors.add(NETWORK_FIELD, t("checklist.form.network_missing"))
    return employee_id, network_id, errors


def present_form(t: Translator, employees: list[Person]) -> ui.Form:
    return ui.Form(
        callback=actions.PRESENT_FORM,
        title=t("checklist.present.title"),
        submit=t("checklist.present.submit"),
        close=t("checklist.present.close"),
        items=(
            ui.Text(t("checklist.present.intro")),
            employee_choice(t("checklist.present.employee"), employees),
            ui.TextInput(
                id=NOTE_FIELD,
                label=t("checklist.present.note"),
                optional=True,
                multiline=True,
                max_length=1000,
            ),
        ),
    )


def recognise_form(t: Translator, employees: list[Person]) -> ui.Form:
    return ui.Form(
        callback=actions.RECOGNISE_FORM,
        title=t("checklist.recognise.title"),
        submit=t("checklist.recognise.submit"),
        close=t("checklist.recognise.close"),
        items=(
            ui.Text(t("checklist.recognise.intro")),
            employee_choice(t("checklist.recognise.employee"), employees),
            ui.TextInput(
                id=MESSAGE_FIELD,
                label=t("checklist.recognise.message"),
                multiline=True,
                max_length=2000,
            ),
        ),
    )


def read_employee_and_text(
    t: Translator, values: Mapping[str, str | None], text_field: str, required: bool
) -> tuple[int | None, str | None, ui.FormErrors]:
    errors = ui.FormErrors()
    employee_id = int_or_none(values.get("employee"))
    if employee_id is None:
        errors.add("employee", t("checklist.form.employee_missing"))
    text = values.get(text_field)
    if required and not text:
        errors.add(text_field, t("checklist.form.text_missing"))
    return employee_id, text, errors


# --- messages ---------------------------------------------------------------------------------


def recommendation_message(
    t: Translator, recommendation: Recommendation, manager: Person, network: Network, leader: Person
) -> ui.Message:
    return ui.Message(
        text=t("checklist.recommend.text", manager=manager.name, network=network.name),
        parts=(
            ui.Heading(t("checklist.recommend.heading")),
            ui.Text(
                t(
                    "checklist.recommend.body",
                    manager=manager.name,
                    network=network.name,
                    theme=network.theme,
                    leader=leader.name,
                )
            ),
            ui.Buttons(
                (
                    ui.Button(
                        t("checklist.recommend.yes"),
                        actions.RECOMMEND_YES,
                        str(recommendation.id),
                        "primary",
                    ),
                    ui.Button(
                        t("checklist.recommend.no"), actions.RECOMMEND_NO, str(recommendation.id)
                    ),
                ),
                id=f"recommend-{recommendation.id}",
            ),
        ),
    )


def leader_ask_message(
    t: Translator,
    recommendation: Recommendation,
    employee: Person,
    manager: Person,
    network: Network,
) -> ui.Message:
    return ui.Message(
        text=t("checklist.recommend.leader_text", employee=employee.name, network=network.name),
        parts=(
            ui.Heading(t("checklist.recommend.leader_heading", employee=employee.name)),
            ui.Text(
                t(
                    "checklist.recommend.leader_body",
                    employee=employee.name,
                    network=network.name,
                    manager=manager.name,
                )
            ),
            ui.Buttons(
                (
                    ui.Button(
                        t("checklist.recommend.add"),
                        actions.RECOMMEND_ADD,
                        str(recommendation.id),
                        "primary",
                    ),
                ),
                id=f"recommend-add-{recommendation.id}",
            ),
        ),
    )


def present_message(
    t: Translator,
    recommendation: Recommendation,
    manager: Person,
    employee_networks: str,
    note: str | None,
) -> ui.Message:
    parts: list[ui.Part] = [
        ui.Heading(t("checklist.present.heading")),
        ui.Text(t("checklist.present.body", manager=manager.name, networks=employee_networks)),
    ]
    if note:
        parts.append(ui.Text(ui.quote(note)))
    parts.append(
        ui.Buttons(
            (
                ui.Button(
                    t("checklist.present.yes"),
                    actions.PRESENT_YES,
                    str(recommendation.id),
                    "primary",
                ),
                ui.Button(t("checklist.present.no"), actions.PRESENT_NO, str(recommendation.id)),
            ),
            id=f"present-{recommendation.id}",
        )
    )
    return ui.Message(text=t("checklist.present.text", manager=manager.name), parts=tuple(parts))


def recognition_message(t: Translator, manager: Person, text: str) -> ui.Message:
    return ui.Message(
        text=t("checklist.recognise.text", manager=manager.name),
        parts=(ui.Heading(t("checklist.recognise.heading", manager=manager.name)), ui.Text(text)),
    )


def network_names(session: Session, employee_id: int) -> str:
    return ", ".join(n.name for n in networks_of(session, employee_id)) or "–"
