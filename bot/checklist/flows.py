"""The checklist's use cases end to end: change the state, build what each person reads in their
own language, and send it as direct messages through the chat port (bot/core/chat.py). Handlers
call these with the acting person.

Who is told what is decided here: a point's message replaces the message clicked (`origin`), or
arrives as a new direct message when the click came from elsewhere (App Home); a form's
`submit_…` checks and stores before the form closes, its `tell_…` tells people after."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from bot.checklist import domain as checklist
from bot.checklist import messages as checklist_messages
from bot.checklist import puls_notes, recommend, talent
from bot.checklist.domain import RoundState
from bot.checklist.interest import interest_message
from bot.checklist.my_employees import employees_of, own_employee
from bot.checklist.steps import steps_for
from bot.core import ui
from bot.core.actor import Actor
from bot.core.chat import DirectMessages
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.formatting import format_date
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.organisation.people import employees_in_networks, person_by_platform_id
from storage.checklist_models import Recommendation, TalentNomination
from storage.models import Network, Person

# The message clicked ({"channel", "ts"}), or None when the click came from App Home.
Origin = dict[str, str] | None
FormValues = dict[str, str | None]
_SHOWN_MAX = 40  # of a word the person typed, repeated in an answer


class ChecklistFlow:
    def __init__(self, deps: Deps, notifier: DirectMessages) -> None:
        self.deps = deps
        self.notifier = notifier

    def t(self, person: Person) -> Translator:
        return Translator(self.deps.language_of(person))

    def _today(self, person: Person) -> date:
        return now().astimezone(ZoneInfo(self.deps.timezone_of(person))).date()

    def show(self, actor: Person, origin: Origin, message: ui.Message) -> ui.Message:
        """In place of the message clicked, or as a new DM when clicked elsewhere (App Home)."""
        if origin is not None:
            self.notifier.replace(origin["channel"], origin["ts"], message)
        else:
            self.notifier.send(actor, message)
        return message

    def _confirm(self, actor: Person, text: str) -> None:
        self.notifier.send(actor, ui.Message(text))

    # --- the round --------------------------------------------------------------------------------

    def check_start(self, actor: Actor) -> str:
        """`/netvaerk tjekliste`'s answer, before the round is sent: a personnel leader's."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            if not checklist.is_personnel_leader(session, me.id or 0):
                raise Refusal("checklist.refusal.not_manager")
        return actor.t("checklist.round.started_ephemeral")

    def start(self, actor: Person, started_by: str) -> ui.Message:
        """Start a round (or resume the open one) and send its current point as a new DM."""
        with self.deps.db.session() as session:
            round_, _created = checklist.start_round(session, actor, started_by, now())
            state = checklist.state_of(session, round_)
        message = self.message_for(actor, state, state.position)
        self.notifier.send(actor, message)
        return message

    def resume(self, actor: Person, round_id: int, origin: Origin) -> ui.Message:
        """Where the round stopped (its first unanswered point), or its summary."""
        with self.deps.db.session() as session:
            state = checklist.state_of(session, checklist.own_round(session, actor, round_id))
        return self.show(actor, origin, self.message_for(actor, state, state.position))

    def message_for(self, actor: Person, state: RoundState, point: int | None) -> ui.Message:
        """The point to show, or the summary when there is none left."""
        t = self.t(actor)
        if point is None:
            return self.summary(actor, state)
        return checklist_messages.point_message(t, state, point)

    def summary(self, actor: Person, state: RoundState) -> ui.Message:
        t = self.t(actor)
        with self.deps.db.session() as session:
            before = checklist.previous_round(session, state.round)
            previous = checklist.state_of(session, before) if before else None
            steps = steps_for(session, t, actor, state)
        when = None
        if before is not None and before.completed_at is not None:
            local = before.completed_at.astimezone(ZoneInfo(self.deps.timezone_of(actor)))
            when = format_date(local.date(), t.language)
        return checklist_messages.summary(t, state, previous, when, steps)

    def answer(
        self, actor: Person, round_id: int, point: int, value: str, origin: Origin
    ) -> ui.Message:
        with self.deps.db.session() as session:
            outcome = checklist.answer(session, actor, round_id, point, value, now())
        return self.show(actor, origin, self.message_for(actor, outcome.state, outcome.next_point))

    def goto(self, actor: Person, round_id: int, point: int, origin: Origin) -> ui.Message:
        with self.deps.db.session() as session:
            state = checklist.view(session, actor, round_id, point)
        return self.show(actor, origin, self.message_for(actor, state, point))

    def pause(self, actor: Person, round_id: int, origin: Origin) -> ui.Message:
        with self.deps.db.session() as session:
            state = checklist.state_of(session, checklist.own_round(session, actor, round_id))
        if state.done:
            return self.show(actor, origin, self.summary(actor, state))
        return self.show(actor, origin, checklist_messages.paused(self.t(actor), state))

    def note_form(
        self, actor: Person, round_id: int, point: int, origin: dict[str, str] | None
    ) -> ui.Form:
        with self.deps.db.session() as session:
            state = checklist.view(session, actor, round_id, point)
        return checklist_messages.note_form(self.t(actor), state, point, origin)

    def submit_note(self, actor: Person, metadata: str, values: FormValues) -> dict[str, object]:
        """Store the note; the point's message (to refresh where it was opened) and its origin."""
        ref = json.loads(metadata)
        round_id, point = int(ref["round"]), int(ref["point"])
        text = values.get(checklist_messages.NOTE_FIELD)
        with self.deps.db.session() as session:
            state = checklist.set_note(session, actor, round_id, point, text, now())
        message = checklist_messages.point_message(self.t(actor), state, point)
        return {"message": message, "origin": ref.get("origin")}

    def tell_note(self, actor: Person, stored: dict[str, object]) -> None:
        origin, message = stored.get("origin"), stored["message"]
        if isinstance(origin, dict) and isinstance(message, ui.Message):
            self.notifier.replace(origin["channel"], origin["ts"], message)

    # --- point 1: talent --------------------------------------------------------------------------

    def talent_form(self, actor: Person, employee_id: int | None = None) -> ui.Form:
        with self.deps.db.session() as session:
            people = talent.candidates(session, actor)
        if not people:
            raise Refusal("checklist.refusal.no_employees")
        return talent.talent_form(self.t(actor), people, employee_id)

    def nominate(self, actor: Person, employee: Person, note: str | None, tell: bool) -> int:
        with self.deps.db.session() as session:
            nomination = talent.nominate(session, actor, employee, note, tell)
        assert nomination.id is not None
        return nomination.id

    def nominate_named(self, actor: Actor, user_id: str | None, args: str) -> str:
        """`/netvaerk talent @person [note]`: the nomination, without telling the employee."""
        me = actor.require_person()
        with self.deps.db.session() as session:
            employee = person_by_platform_id(session, actor.platform, user_id) if user_id else None
        if employee is None or not employee.active:
            who = args.split()[0][:_SHOWN_MAX]
            unknown = actor.t("checklist.talent.unknown_person", who=who)
            return ui.join("\n", (unknown, actor.t("checklist.talent.usage")))
        self.nominate(me, employee, args.partition(" ")[2].strip() or None, tell=False)
        return actor.t("checklist.talent.done", name=employee.name)

    def submit_talent(
        self, actor: Person, _metadata: str, values: FormValues
    ) -> ui.FormErrors | int:
        employee_id, note_text, tell, errors = talent.read_talent(self.t(actor), values)
        if errors:
            return errors
        with self.deps.db.session() as session:
            employee = session.get(Person, employee_id)
        if employee is None or not employee.active:
            raise Refusal("checklist.talent.not_allowed")
        return self.nominate(actor, employee, note_text, tell)

    def tell_talent(self, actor: Person, nomination_id: int) -> None:
        self._confirm(actor, self.notify_nomination(actor, int(nomination_id)))

    def notify_nomination(self, actor: Person, nomination_id: int) -> str:
        """Tell the employee if the nominator chose so; the confirmation for the nominator.
        (The secretariat gets the nomination through the outbox: talent.talent_rule.)"""
        with self.deps.db.session() as session:
            nomination = session.get(TalentNomination, nomination_id)
            employee = session.get(Person, nomination.employee_id) if nomination else None
        if nomination is None or employee is None:
            raise Refusal("checklist.refusal.gone")
        t = self.t(actor)
        if nomination.employee_told:
            self.notifier.send(employee, talent.told_message(self.t(employee), actor))
            return t("checklist.talent.done_told", name=employee.name)
        return t("checklist.talent.done", name=employee.name)

    # --- point 3: recommend a network -------------------------------------------------------------

    def networks_text(self, actor: Person | None, language: str) -> str:
        t = self.t(actor) if actor else Translator(language)
        today = self._today(actor) if actor else now().date()
        with self.deps.db.session() as session:
            return recommend.networks_text(session, t, today)

    def recommend_form(self, actor: Person) -> ui.Form:
        with self.deps.db.session() as session:
            employees = employees_of(session, actor.id or 0)
            networks = recommend.open_networks(session, self._today(actor))
        if not employees:
            raise Refusal("checklist.refusal.no_employees")
        if not networks:
            raise Refusal("checklist.refusal.no_networks")
        return recommend.recommend_form(self.t(actor), employees, networks)

    def recommend(self, actor: Person, employee_id: int | None, network_id: int | None) -> int:
        with self.deps.db.session() as session:
            found = recommend.recommend_network(
                session, actor, employee_id, network_id, self._today(actor)
            )
        assert found.id is not None
        return found.id

    def submit_recommend(
        self, actor: Person, _metadata: str, values: FormValues
    ) -> ui.FormErrors | int:
        employee_id, network_id, errors = recommend.read_recommend(self.t(actor), values)
        if errors:
            return errors
        return self.recommend(actor, employee_id, network_id)

    def tell_recommend(self, actor: Person, recommendation_id: int) -> None:
        self._confirm(actor, self.notify_recommendation(int(recommendation_id)))

    def _recommendation(
        self, recommendation_id: int
    ) -> tuple[Recommendation, Person, Person, Network | None]:
        with self.deps.db.session() as session:
            found = session.get(Recommendation, recommendation_id)
            if found is None:
                raise Refusal("checklist.refusal.gone")
            manager = session.get(Person, found.manager_id)
            employee = session.get(Person, found.employee_id)
            network = session.get(Network, found.network_id) if found.network_id else None
        assert manager is not None and employee is not None
        return found, manager, employee, network

    def notify_recommendation(self, recommendation_id: int, note: str | None = None) -> str:
        found, manager, employee, network = self._recommendation(recommendation_id)
        t = self.t(manager)
        if found.kind == recommend.PRESENT:
            with self.deps.db.session() as session:
                names = recommend.network_names(session, employee.id or 0)
            message = recommend.present_message(self.t(employee), found, manager, names, note)
            self.notifier.send(employee, message)
            return t("checklist.present.done", employee=employee.name)
        assert network is not None
        with self.deps.db.session() as session:
            leader = session.get(Person, network.leader_id)
        assert leader is not None
        message = recommend.recommendation_message(
            self.t(employee), found, manager, network, leader
        )
        self.notifier.send(employee, message)
        return t("checklist.recommend.done", employee=employee.name, network=network.name)

    def answer_recommendation(
        self, actor: Person, recommendation_id: int, kind: str, yes: bool, origin: Origin
    ) -> ui.Message:
        """The employee's answer: tell the manager (and for a network, ask its leader); what
        the employee reads replaces the question."""
        return self.show(actor, origin, self._answered(actor, recommendation_id, kind, yes))

    def _answered(self, actor: Person, recommendation_id: int, kind: str, yes: bool) -> ui.Message:
        with self.deps.db.session() as session:
            outcome = recommend.answer(session, actor, recommendation_id, kind, yes, now())
        found, manager, employee, network = self._recommendation(recommendation_id)
        t = self.t(actor)
        if kind == recommend.PRESENT:
            if outcome.changed:
                key = "checklist.present.manager_yes" if yes else "checklist.present.manager_no"
                self.notifier.send(
                    manager, ui.Message(self.t(manager)(key, employee=employee.name))
                )
            key = "checklist.present.thanks_yes" if yes else "checklist.present.thanks_no"
            return ui.Message(t(key, manager=manager.name))
        assert network is not None
        with self.deps.db.session() as session:
            leader = session.get(Person, network.leader_id)
        assert leader is not None
        if outcome.changed:
            tm = self.t(manager)
            key = "checklist.recommend.manager_yes" if yes else "checklist.recommend.manager_no"
            self.notifier.send(
                manager, ui.Message(tm(key, employee=employee.name, network=network.name))
            )
            if yes:
                ask = recommend.leader_ask_message(
                    self.t(leader), found, employee, manager, network
                )
                self.notifier.send(leader, ask)
        if yes:
            return ui.Message(
                t("checklist.recommend.asked", leader=leader.name, network=network.name)
            )
        return ui.Message(t("checklist.recommend.declined"))

    def add_member(self, actor: Person, recommendation_id: int, origin: Origin) -> ui.Message:
        with self.deps.db.session() as session:
            outcome = recommend.add_member(session, actor, recommendation_id, now())
        _found, _manager, employee, network = self._recommendation(recommendation_id)
        assert network is not None
        if outcome.changed:
            self.notifier.send(
                employee,
                ui.Message(
                    self.t(employee)("checklist.recommend.added_employee", network=network.name)
                ),
            )
        added = self.t(actor)(
            "checklist.recommend.added", employee=employee.name, network=network.name
        )
        return self.show(actor, origin, ui.Message(added))

    # --- points 6 and 8: present at the department meeting ----------------------------------------

    def present_form(self, actor: Person) -> ui.Form:
        with self.deps.db.session() as session:
            in_networks = {e.id: e for e, _ in employees_in_networks(session, actor.id or 0)}
            employees = list(in_networks.values()) or employees_of(session, actor.id or 0)
        if not employees:
            raise Refusal("checklist.refusal.no_employees")
        return recommend.present_form(self.t(actor), employees)

    def invite_to_present(self, actor: Person, employee_id: int | None) -> int:
        with self.deps.db.session() as session:
            found = recommend.invite_to_present(session, actor, employee_id)
        assert found.id is not None
        return found.id

    def submit_present(
        self, actor: Person, _metadata: str, values: FormValues
    ) -> ui.FormErrors | dict[str, object]:
        employee_id, note_text, errors = recommend.read_employee_and_text(
            self.t(actor), values, recommend.NOTE_FIELD, required=False
        )
        if errors:
            return errors
        return {"id": self.invite_to_present(actor, employee_id), "note": note_text}

    def tell_present(self, actor: Person, stored: dict[str, object]) -> None:
        note = stored.get("note")
        text = self.notify_recommendation(int(str(stored["id"])), str(note) if note else None)
        self._confirm(actor, text)

    # --- point 7: recognition ---------------------------------------------------------------------

    def recognise_form(self, actor: Person) -> ui.Form:
        with self.deps.db.session() as session:
            employees = employees_of(session, actor.id or 0)
        if not employees:
            raise Refusal("checklist.refusal.no_employees")
        return recommend.recognise_form(self.t(actor), employees)

    def check_employee(self, actor: Person, employee_id: int | None) -> Person:
        with self.deps.db.session() as session:
            employee = own_employee(session, actor, employee_id)
        if employee is None:
            raise Refusal("checklist.refusal.no_employees")
        return employee

    def submit_recognise(
        self, actor: Person, _metadata: str, values: FormValues
    ) -> ui.FormErrors | dict[str, object]:
        employee_id, text, errors = recommend.read_employee_and_text(
            self.t(actor), values, recommend.MESSAGE_FIELD, required=True
        )
        if errors:
            return errors
        employee = self.check_employee(actor, employee_id)
        return {"employee_id": employee.id, "text": text}

    def tell_recognise(self, actor: Person, stored: dict[str, object]) -> None:
        """Sent, not stored: what was written is between the two of them."""
        employee = self.check_employee(actor, int(str(stored["employee_id"])))
        text = str(stored["text"])
        self.notifier.send(employee, recommend.recognition_message(self.t(employee), actor, text))
        self._confirm(actor, self.t(actor)("checklist.recognise.done", employee=employee.name))

    # --- point 5: interest, now -------------------------------------------------------------------

    def send_interest(self, actor: Person) -> None:
        """Who of the employees is interested now, as a new DM."""
        t = self.t(actor)
        with self.deps.db.session() as session:
            message = interest_message(session, t, actor, now())
        self.notifier.send(actor, message or ui.Message(t("checklist.interest.none")))

    # --- points 9 and 10: PULS talking points -----------------------------------------------------

    def puls_form(self, actor: Person, round_id: int | None, point: int | None) -> ui.Form:
        with self.deps.db.session() as session:
            employees = employees_of(session, actor.id or 0)
            initial = None
            if round_id is not None and point is not None:
                initial = checklist.view(session, actor, round_id, point).note_of(point)
        if not employees:
            raise Refusal("checklist.refusal.no_employees")
        return puls_notes.puls_form(self.t(actor), employees, point, initial)

    def submit_puls_note(
        self, actor: Person, metadata: str, values: FormValues
    ) -> ui.FormErrors | str:
        employee_id, text, errors = recommend.read_employee_and_text(
            self.t(actor), values, puls_notes.TEXT_FIELD, required=True
        )
        if errors:
            return errors
        point = puls_notes.read_point(metadata)
        with self.deps.db.session() as session:
            note = puls_notes.add_note(session, actor, employee_id, text or "", point)
            employee = session.get(Person, note.employee_id)
        assert employee is not None
        return self.t(actor)("checklist.puls.done", employee=employee.name)

    def tell_puls_note(self, actor: Person, done: str) -> None:
        self._confirm(actor, str(done))
