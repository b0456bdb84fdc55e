"""Points 9 and 10: the personnel leader's own talking points for an employee's next PULS talk.

Written from the checklist (or its summary's button); shown only to the personnel leader, in the
reminder before the employee's next PULS talk (bot/reminders/puls.py). A note belongs to the next
talk after it was written: those written before the previous talk were for that one.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from bot.checklist.my_employees import employee_choice, own_employee
from bot.core import actions, audit, ui
from bot.core.due import local_midnight
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from storage.checklist_models import PulsNote
from storage.models import Person, PulsTalk

TEXT_FIELD = "text"
TEXT_MAX = 3000
NOTES_SHOWN = 10


def add_note(
    session: Session, actor: Person, employee_id: int | None, text: str, point: int | None
) -> PulsNote:
    employee = own_employee(session, actor, employee_id)
    if employee is None:
        raise Refusal("checklist.refusal.no_employees")
    note = PulsNote(
        manager_id=actor.id or 0,
        employee_id=employee.id or 0,
        point=point,
        text=text.strip()[:TEXT_MAX],
    )
    session.add(note)
    session.flush()
    audit.record(session, audit.person_actor(actor.id), "puls_note.added", "puls_note", note.id)
    session.commit()
    session.refresh(note)
    return note


def notes_for_talk(session: Session, talk: PulsTalk, tz: str) -> list[PulsNote]:
    """The manager's notes for this talk: written after the employee's previous talk."""
    previous = session.exec(
        select(col(PulsTalk.talk_date))
        .where(PulsTalk.employee_id == talk.employee_id, col(PulsTalk.talk_date) < talk.talk_date)
        .order_by(col(PulsTalk.talk_date).desc())
    ).first()
    query = select(PulsNote).where(
        PulsNote.employee_id == talk.employee_id, PulsNote.manager_id == talk.manager_id
    )
    if previous is not None:
        query = query.where(col(PulsNote.created_at) >= local_midnight(previous, tz))
    return list(session.exec(query.order_by(col(PulsNote.created_at)).limit(NOTES_SHOWN)).all())


def talking_points(session: Session, t: Translator, talk: PulsTalk, tz: str) -> list[ui.Part]:
    """The notes as one part of the PULS reminder to the personnel leader (nothing if none)."""
    notes = notes_for_talk(session, talk, tz)
    if not notes:
        return []
    return [ui.Text(t("checklist.puls.points", lines=ui.bullets(n.text for n in notes)))]


def puls_form(
    t: Translator, employees: list[Person], point: int | None, initial: str | None
) -> ui.Form:
    text = initial or (t(f"checklist.puls.initial.{point}") if point in (9, 10) else None)
    return ui.Form(
        callback=actions.PULS_NOTE_FORM,
        title=t("checklist.puls.title"),
        submit=t("checklist.puls.submit"),
        close=t("checklist.puls.close"),
        items=(
            ui.Text(t("checklist.puls.intro")),
            employee_choice(
                t("checklist.puls.employee"),
                employees,
                employees[0].id if len(employees) == 1 else None,
            ),
            ui.TextInput(
                id=TEXT_FIELD,
                label=t("checklist.puls.text"),
                multiline=True,
                max_length=TEXT_MAX,
                initial=text,
            ),
        ),
        metadata=str(point or ""),
    )


def read_point(metadata: str) -> int | None:
    return int(metadata) if metadata.isdigit() else None


def read_values(values: Mapping[str, str | None]) -> str | None:
    return values.get(TEXT_FIELD)
