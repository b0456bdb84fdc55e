"""Department meetings' use cases end to end: the department's settings form, the invitation to
tell about network work at the meeting, the employee's answer, and "Blev netværksarbejdet
præsenteret?".

Handlers call these with the acting person; these call the domain (domain.py) and decide who is
told what: the person who clicked gets a `Reply`, the others a direct message in their language.
"""

from __future__ import annotations

import json
from datetime import date

from bot.core import ui
from bot.core.actor import Actor
from bot.core.chat import ChatPort, DeliveryError, DirectMessages
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.core.reply import Reply
from bot.meetings import domain as meetings
from bot.showcase import domain as showcase
from bot.showcase import messages
from storage.models import Department, Person

FormValues = dict[str, str | None]


class MeetingFlow:
    def __init__(self, deps: Deps, chat: ChatPort) -> None:
        self.deps = deps
        self.notifier = DirectMessages(chat, deps.db)
        self.port = chat

    def t(self, person: Person) -> Translator:
        return Translator(self.deps.language_of(person))

    # --- the department's settings ---------------------------------------------------------

    def department_form(
        self, actor: Actor, wanted: str = "", department_id: int | None = None
    ) -> ui.Form:
        """The settings of the department named `wanted` (or with `department_id`), else of
        the person's own department, else of the first they may change."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            allowed = meetings.departments_for(session, me)
            if not allowed:
                raise Refusal("showcase.refusal.not_department_leader")
            if department_id is not None:
                department = session.get(Department, department_id)
                wanted = department.name if department else ""
            chosen = next(
                (d for d in allowed if wanted and d.name.lower() == wanted.strip().lower()), None
            ) or next((d for d in allowed if d.id == me.department_id), allowed[0])
            settings = showcase.showcase_settings(session, chosen.id or 0)
        return meetings.department_form(actor.t, allowed, chosen, settings)

    def submit_department(
        self, actor: Person, metadata: str, values: FormValues
    ) -> ui.FormErrors | dict[str, object]:
        data, errors = meetings.read_department_form(self.t(actor), values)
        if errors or data is None:
            return errors
        department_id = int(json.loads(metadata)["department"])
        with self.deps.db.session() as session:
            department, switched_on = meetings.save_department(session, actor, department_id, data)
        return {"id": department.id, "join": switched_on}

    def tell_department(self, actor: Person, stored: dict[str, object]) -> None:
        """Saved; with the digest switched on, the bot joins the department's channel now
        (the digest goes through the outbox, which does not join channels)."""
        with self.deps.db.session() as session:
            department = session.get(Department, int(str(stored["id"])))
        if department is None:
            return
        t = self.t(actor)
        lines = [t("showcase.department.saved", department=department.name)]
        if stored["join"] and department.channel:
            try:
                self.port.join(department.channel)
            except DeliveryError as error:
                reason = t(messages.reason_key(error.code))
                lines.append(
                    t("showcase.department.join_failed", channel=department.channel, reason=reason)
                )
        self.notifier.send(actor, messages.answered(ui.join("\n", lines)))

    # --- the meeting -----------------------------------------------------------------------

    def invite(self, actor: Actor, department_id: int, meeting: date, person_id: int) -> Reply:
        """ "Invitér til at fortælle på mødet": the employee is asked by direct message."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            invitation, new = meetings.invite(
                session, me, department_id, meeting, person_id, now().date()
            )
            employee = session.get(Person, invitation.person_id)
            department = session.get(Department, invitation.department_id)
        assert employee is not None and department is not None
        key = "showcase.meeting.already_invited"
        if new:
            message = meetings.invitation_message(self.t(employee), invitation, department, me)
            sent = self.notifier.send(employee, message)
            key = "showcase.meeting.invited" if sent else "showcase.meeting.invite_failed"
        return Reply.text(actor.t(key, name=employee.name))

    def answer_invitation(self, actor: Actor, invitation_id: int, yes: bool) -> Reply:
        """The employee's answer replaces the invitation; the one who invited is told."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            invitation, changed = meetings.answer_invitation(session, me, invitation_id, yes)
            department = session.get(Department, invitation.department_id)
            inviter = session.get(Person, invitation.invited_by_id)
        assert department is not None
        if changed and inviter is not None:
            text = meetings.invitation_answer_text(self.t(inviter), invitation, department, me)
            self.notifier.send(inviter, messages.answered(text))
        return Reply.instead(meetings.own_answer_text(actor.t, invitation, department))

    def presented(self, actor: Actor, department_id: int, meeting: date, yes: bool) -> Reply:
        """The answer to "Blev netværksarbejdet præsenteret?" replaces the question."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            meetings.record_presented(session, me, department_id, meeting, yes)
        return Reply.instead(actor.t(f"showcase.meeting.follow_up.thanks_{'yes' if yes else 'no'}"))
