"""A personnel leader's own employees: who the next steps may concern, and the form field that
picks one of them."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.core import ui
from storage.models import Person

EMPLOYEE_FIELD = "employee"


def employees_of(session: Session, manager_id: int) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .where(Person.manager_id == manager_id, col(Person.active).is_(True))
            .order_by(col(Person.name))
        ).all()
    )


def own_employee(session: Session, manager: Person, employee_id: int | None) -> Person | None:
    """The employee, if they are `manager`'s active employee (checked again at submission:
    the data may have changed since the form opened)."""
    if employee_id is None:
        return None
    employee = session.get(Person, employee_id)
    if employee is None or not employee.active or employee.manager_id != manager.id:
        return None
    return employee


def employee_choice(
    label: str, people: list[Person], initial: int | None = None, id: str = EMPLOYEE_FIELD
) -> ui.Choice:
    return ui.Choice(
        id=id,
        label=label,
        options=tuple(ui.Option(str(p.id), p.name) for p in people),
        initial=str(initial) if initial is not None else None,
    )


def int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
