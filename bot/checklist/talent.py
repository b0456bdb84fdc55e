"""Point 1: "spotter ledertalenter i afdelingen og medarbejdere med tværgående kompetencer".

A personnel leader nominates an employee with cross-cutting potential to the secretariat
(`/netvaerk talent @person [note]`, or the checklist's button). The employee is not told unless
the personnel leader chooses so. The planner forwards each new nomination to the secretariat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, col, select

from bot.checklist.my_employees import employee_choice, int_or_none
from bot.core import actions, audit, ui
from bot.core.due import BuildContext, Due, PlanWindow, for_each_target
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from storage.checklist_models import TalentNomination
from storage.models import Department, Person

NOTE_FIELD = "note"
TELL_FIELD = "tell"
NOTE_MAX = 3000


def candidates(session: Session, actor: Person) -> list[Person]:
    """Whom `actor` may nominate: their employees and colleagues in their department."""
    query = select(Person).where(col(Person.active).is_(True), Person.id != actor.id)
    if actor.department_id is not None:
        query = query.where(
            (Person.manager_id == actor.id) | (Person.department_id == actor.department_id)
        )
    else:
        query = query.where(Person.manager_id == actor.id)
    return list(session.exec(query.order_by(col(Person.name))).all())


def nominate(
    session: Session, actor: Person, employee: Person, note: str | None, tell: bool
) -> TalentNomination:
    if employee.id == actor.id:
        raise Refusal("checklist.talent.self")
    if employee.id not in {p.id for p in candidates(session, actor)}:
        raise Refusal("checklist.talent.not_allowed")
    nomination = TalentNomination(
        nominated_by_id=actor.id or 0,
        employee_id=employee.id or 0,
        note=(note or "").strip()[:NOTE_MAX] or None,
        employee_told=tell,
    )
    session.add(nomination)
    session.flush()
    audit.record(
        session,
        audit.person_actor(actor.id),
        "talent.nominated",
        "talent_nomination",
        nomination.id,
    )
    session.commit()
    session.refresh(nomination)
    return nomination


def talent_form(t: Translator, people: list[Person], initial: int | None = None) -> ui.Form:
    return ui.Form(
        callback=actions.TALENT_FORM,
        title=t("checklist.talent.title"),
        submit=t("checklist.talent.submit"),
        close=t("checklist.talent.close"),
        items=(
            ui.Text(t("checklist.talent.intro")),
            employee_choice(t("checklist.talent.employee"), people, initial),
            ui.TextInput(
                id=NOTE_FIELD,
                label=t("checklist.talent.note"),
                optional=True,
                multiline=True,
                max_length=NOTE_MAX,
            ),
            ui.Choice(
                id=TELL_FIELD,
                label=t("checklist.talent.tell"),
                options=(
                    ui.Option("no", t("checklist.talent.tell_no")),
                    ui.Option("yes", t("checklist.talent.tell_yes")),
                ),
                initial="no",
            ),
            ui.Note(t("checklist.talent.privacy")),
        ),
    )


def read_talent(
    t: Translator, values: Mapping[str, str | None]
) -> tuple[int | None, str | None, bool, ui.FormErrors]:
    errors = ui.FormErrors()
    employee_id = int_or_none(values.get("employee"))
    if employee_id is None:
        errors.add("employee", t("checklist.form.employee_missing"))
    return employee_id, values.get(NOTE_FIELD), values.get(TELL_FIELD) == "yes", errors


def told_message(t: Translator, manager: Person) -> ui.Message:
    return ui.Message(
        text=t("checklist.talent.told_text", manager=manager.name),
        parts=(
            ui.Heading(t("checklist.talent.told_heading")),
            ui.Text(t("checklist.talent.told_body", manager=manager.name)),
        ),
    )


# --- to the secretariat, through the outbox ---------------------------------------------------


def talent_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Every tick: nominations made since the last tick go to the secretariat (uncapped)."""
    seen = int(window.cursors.get("talent_nomination_id") or "0")
    newest = (
        session.exec(
            select(TalentNomination.id).order_by(col(TalentNomination.id).desc()).limit(1)
        ).first()
        or 0
    )
    window.cursors.set("talent_nomination_id", str(newest))
    if newest <= seen:
        return []
    found: list[Due] = []
    for nomination_id in session.exec(
        select(TalentNomination.id).where(col(TalentNomination.id) > seen)
    ).all():
        found += for_each_target(
            session,
            window,
            key=f"talent:{nomination_id}",
            kind="talent_nomination",
            subject=f"talent:{nomination_id}",
            due_on=window.today,
            payload={"nomination_id": nomination_id},
        )
    return found


def talent_nomination(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    nomination = ctx.session.get(TalentNomination, int(payload["nomination_id"]))
    if nomination is None:
        return None
    manager = ctx.session.get(Person, nomination.nominated_by_id)
    employee = ctx.session.get(Person, nomination.employee_id)
    if manager is None or employee is None or not employee.active:
        return None
    department = (
        ctx.session.get(Department, employee.department_id) if employee.department_id else None
    )
    t = ctx.t
    parts: list[ui.Part] = [
        ui.Heading(t("checklist.talent.secretariat_heading")),
        ui.Facts(
            (
                (t("checklist.talent.who"), employee.name),
                (t("checklist.talent.department"), department.name if department else "–"),
                (t("checklist.talent.from"), manager.name),
                (
                    t("checklist.talent.told"),
                    t(
                        "checklist.talent.told_yes"
                        if nomination.employee_told
                        else "checklist.talent.told_no"
                    ),
                ),
            )
        ),
    ]
    if nomination.note:
        parts.append(ui.Text(nomination.note))
    return ui.Message(
        text=t("checklist.talent.secretariat_text", manager=manager.name, employee=employee.name),
        parts=tuple(parts),
    )
