"""The booking use cases end to end: check, change the conversation, tell both parties.

Handlers call these with the acting person; these call the domain (booking.py), build what
each party reads in their own language and time zone, and send it as direct messages through
the chat port (bot/core/chat.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.booking import domain as booking
from bot.booking import forms as booking_forms
from bot.booking import messages as booking_messages
from bot.booking import outlook
from bot.booking.calendar_port import CalendarBusy
from bot.booking.free_times import Interval
from bot.booking.invitation import invitation
from bot.core import ui
from bot.core.actor import Actor
from bot.core.chat import DirectMessages
from bot.core.clock import now
from bot.core.deps import Deps
from bot.core.formatting import format_datetime
from bot.core.i18n import Translator
from bot.core.refusal import Refusal
from bot.core.unit_of_work import UnitOfWork
from bot.organisation.people import Standing, person_by_platform_id
from storage.models import Conversation, Network, Person


@dataclass(frozen=True)
class Parties:
    employee: Person
    manager: Person
    network: Network | None

    def other(self, person_id: int | None) -> Person:
        return self.manager if person_id == self.employee.id else self.employee


class BookingFlow:
    def __init__(self, deps: Deps, notifier: DirectMessages) -> None:
        self.deps = deps
        self.notifier = notifier

    def _t(self, person: Person) -> Translator:
        return Translator(self.deps.language_of(person))

    def _parties(self, conversation: Conversation) -> Parties:
        with self.deps.db.session() as session:
            employee = session.get(Person, conversation.employee_id)
            manager = session.get(Person, conversation.manager_id)
            network = (
                session.get(Network, conversation.network_id) if conversation.network_id else None
            )
        assert employee is not None and manager is not None
        return Parties(employee, manager, network)

    # --- forms ------------------------------------------------------------------------------

    def booking_form(
        self,
        actor: Person,
        other: Person | None = None,
        employee_id: int | None = None,
        standing: Standing | None = None,
    ) -> ui.Form:
        t = self._t(actor)
        with self.deps.db.session() as session:
            pairings = booking.pairings_for(session, actor, other, standing)
        chosen = None
        if employee_id is not None:
            matching = [p for p in pairings if p.employee.id == employee_id]
            chosen = matching[0].value if matching else None
        tz = self.deps.timezone_of(actor)
        today = now().astimezone(ZoneInfo(tz)).date()
        if chosen is None and len(pairings) == 1:
            chosen = pairings[0].value
        offer = None
        if self.deps.outlook is not None and chosen is not None:
            pairing = next(p for p in pairings if p.value == chosen)
            offer = outlook.offer(
                self.deps.outlook,
                self.deps.calendar,
                (pairing.employee, pairing.manager),
                self.deps.calendar.policy.default_duration,
                now(),
                tz,
            )
        return booking_forms.booking_form(
            t, pairings, actor.id, self.deps.calendar, today, chosen, offer
        )

    def counter_form(
        self, actor: Person, conversation_id: int, revision: int, origin: dict[str, str] | None
    ) -> ui.Form:
        with self.deps.db.session() as session:
            conversation = booking.get_conversation(session, conversation_id)
            booking.check_answerable(conversation, actor, revision)
        today = now().astimezone(ZoneInfo(self.deps.timezone_of(actor))).date()
        return booking_forms.counter_form(
            self._t(actor), conversation, self.deps.calendar, today, origin
        )

    def reschedule_form(self, actor: Person, conversation_id: int) -> ui.Form:
        with self.deps.db.session() as session:
            conversation = booking.check_reschedulable(session, actor, conversation_id)
        return booking_forms.reschedule_form(
            self._t(actor), conversation, self.deps.calendar, self.deps.timezone_of(actor)
        )

    def agreement_form(self, actor: Person, conversation_id: int) -> ui.Form:
        with self.deps.db.session() as session:
            conversation = booking.check_agreement_allowed(session, actor, conversation_id)
            existing = booking.agreement_for(session, conversation_id)
        review = existing.review_date if existing else booking.default_review_date(now().date())
        return booking_forms.agreement_form(self._t(actor), conversation, existing, review)

    # --- submissions: validate and store (before the ack), then notify (after) -------------
    # Each returns the form's problems, or the conversation whose parties are to be told
    # (None when nothing changed).

    def submit_booking(
        self, actor: Person, _metadata: str, values: dict[str, str | None]
    ) -> tuple[ui.FormErrors, int | None]:
        t = self._t(actor)
        proposal, errors = booking_forms.read_proposal(
            t, values, self.deps.calendar, self.deps.timezone_of(actor), now()
        )
        with self.deps.db.session() as session:
            try:
                pairing = booking.resolve_pairing(session, actor, values.get("pair"))
            except Refusal as refusal:
                errors.add("pair", t(refusal.key, **refusal.values))
                return errors, None
            other = pairing.manager if pairing.employee.id == actor.id else pairing.employee
            if self.notifier.address(other) is None:  # not on this chat platform (yet)
                platform = self.notifier.chat.platform.capitalize()  # "Slack", "Teams"
                errors.add(
                    "pair",
                    t("booking.refusal.other_not_on_platform", name=other.name, platform=platform),
                )
            if errors or proposal is None:
                return errors, None
            self._refuse_busy(
                t, errors, values, (actor, other), proposal.times, proposal.duration_minutes
            )
            if errors:
                return errors, None
            try:
                conversation = booking.propose(session, actor, pairing, proposal)
            except Refusal as refusal:
                errors.add("pair", self.refusal_text(refusal, actor))
                return errors, None
        return errors, conversation.id

    def submit_counter(
        self, actor: Person, metadata: str, values: dict[str, str | None]
    ) -> tuple[ui.FormErrors, int | None]:
        t = self._t(actor)
        ref = json.loads(metadata)
        proposal, errors = booking_forms.read_proposal(
            t, values, self.deps.calendar, self.deps.timezone_of(actor), now()
        )
        if errors or proposal is None:
            return errors, None
        parties = self._parties(self.conversation(ref["conversation"]))
        people = (parties.employee, parties.manager)
        self._refuse_busy(t, errors, values, people, proposal.times, proposal.duration_minutes)
        if errors:
            return errors, None
        with self.deps.db.session() as session:
            conversation = booking.counter_propose(
                session, actor, ref["conversation"], ref["revision"], proposal
            )
        return errors, conversation.id

    def submit_reschedule(
        self, actor: Person, metadata: str, values: dict[str, str | None]
    ) -> tuple[ui.FormErrors, int | None]:
        t = self._t(actor)
        errors = ui.FormErrors()
        duration = booking_forms.read_duration(values, self.deps.calendar)
        times = booking_forms.read_times(
            t, values, errors, self.deps.calendar, self.deps.timezone_of(actor), duration, now()
        )
        if errors or not times:
            return errors, None
        current = self.conversation(json.loads(metadata)["conversation"])
        parties = self._parties(current)
        own = None
        if current.starts_at is not None:  # its own event is busy time, not a collision
            own_end = current.starts_at + timedelta(minutes=current.duration_minutes)
            own = Interval(current.starts_at, own_end)
        people = (parties.employee, parties.manager)
        self._refuse_busy(t, errors, values, people, times[:1], duration, own)
        if errors:
            return errors, None
        with self.deps.db.session() as session:
            outcome = booking.reschedule(
                session, actor, json.loads(metadata)["conversation"], times[0], duration
            )
        return errors, outcome.conversation.id if outcome.changed else None

    def submit_agreement(
        self, actor: Person, metadata: str, values: dict[str, str | None]
    ) -> tuple[ui.FormErrors, int | None]:
        t = self._t(actor)
        data, errors = booking_forms.read_agreement(t, values, now().date())
        if errors or data is None:
            return errors, None
        conversation_id = int(json.loads(metadata)["conversation"])
        with self.deps.db.session() as session:
            booking.record_agreement(session, actor, conversation_id, data)
        return errors, conversation_id

    def _refuse_busy(
        self,
        t: Translator,
        errors: ui.FormErrors,
        values: dict[str, str | None],
        people: tuple[Person, Person],
        times: tuple[datetime, ...] | list[datetime],
        minutes: int,
        own: Interval | None = None,
    ) -> None:
        """With the Outlook calendar, a proposed time on anyone's busy time is refused next to
        its field before anything is sent."""
        if self.deps.outlook is None:
            return
        for moment in outlook.colliding(self.deps.outlook, people, times, minutes, own):
            errors.add(booking_forms.field_of(values, moment), t("booking.outlook.busy"))

    # --- the Outlook event --------------------------------------------------------------------

    def _create_event(self, conversation: Conversation) -> Conversation:
        """The booked conversation as one Outlook event in the inviter's mailbox (the one whose
        proposal was accepted), the other invited; its id stored with the conversation."""
        if self.deps.outlook is None or conversation.outlook_event_id:
            return conversation
        parties = self._parties(conversation)
        organiser = outlook.organiser_of(conversation, parties.employee, parties.manager)
        attendee = parties.other(organiser.id)
        text = outlook.event_text(
            self._t(organiser), attendee, parties.network.name if parties.network else None
        )
        try:
            event = outlook.create(self.deps.outlook, conversation, organiser, attendee, text)
        except CalendarBusy:
            event = None  # still throttled: the mailbox marks it for the tick to finish
        else:
            if event is None:
                return conversation
        with self.deps.db.session() as session:
            stored = booking.get_conversation(session, conversation.id or 0)
            stored.outlook_mailbox = organiser.email
            stored.outlook_event_id = event.id if event else None
            session.add(stored)
            session.commit()
            session.refresh(stored)
            return stored

    def _cancel_event(self, conversation: Conversation, by: Person) -> None:
        if self.deps.outlook is None or not conversation.outlook_event_id:
            return
        comment = self._t(by)("booking.outlook.cancel_comment", name=by.name)
        if outlook.cancel(self.deps.outlook, conversation, comment):
            with self.deps.db.session() as session:
                stored = booking.get_conversation(session, conversation.id or 0)
                stored.outlook_event_id = None
                session.add(stored)
                session.commit()

    # --- telling people ---------------------------------------------------------------------

    def refusal_text(self, refusal: Refusal, reader: Person) -> str:
        return refusal.text(self._t(reader), self.deps.timezone_of(reader))

    def notify_proposal(self, conversation: Conversation) -> bool:
        """DM the party who must answer, and confirm to the proposer. False if unreachable."""
        parties = self._parties(conversation)
        proposer = (
            parties.employee
            if conversation.proposed_by_id == parties.employee.id
            else parties.manager
        )
        recipient = parties.other(proposer.id)
        t = self._t(recipient)
        message = booking_messages.proposal(
            t, conversation, proposer, recipient, parties.network, self.deps.timezone_of(recipient)
        )
        if self.notifier.send(recipient, message) is None:
            self.notifier.send(
                proposer,
                booking_messages.answered(
                    self._t(proposer)("booking.refusal.send_failed", name=recipient.name)
                ),
            )
            return False
        self.notifier.send(
            proposer,
            booking_messages.proposal_sent(
                self._t(proposer), conversation, recipient, self.deps.timezone_of(proposer)
            ),
        )
        return True

    def notify_booked(self, conversation: Conversation, moved: bool = False) -> None:
        parties = self._parties(conversation)
        organiser = parties.employee  # the seed: the network leader invites
        for me in (parties.employee, parties.manager):
            t = self._t(me)
            message = booking_messages.confirmation(
                t,
                conversation,
                me,
                parties.other(me.id),
                parties.network,
                self.deps.timezone_of(me),
                moved=moved,
            )
            ics = invitation(
                t,
                conversation,
                parties.employee,
                parties.manager,
                organiser,
                parties.network.name if parties.network else None,
            )
            self.notifier.send(me, message, ics)

    def notify_declined(self, conversation: Conversation, decliner: Person) -> None:
        parties = self._parties(conversation)
        proposer = parties.other(decliner.id)
        self.notifier.send(proposer, booking_messages.declined(self._t(proposer), decliner))

    def notify_cancelled(self, conversation: Conversation, by: Person) -> None:
        parties = self._parties(conversation)
        for me in (parties.employee, parties.manager):
            t = self._t(me)
            other = parties.other(me.id)
            message = booking_messages.cancelled(
                t, conversation, by, other, self.deps.timezone_of(me), own=me.id == by.id
            )
            attachment = None
            if conversation.starts_at is not None:
                attachment = invitation(
                    t,
                    conversation,
                    parties.employee,
                    parties.manager,
                    parties.employee,
                    parties.network.name if parties.network else None,
                )
            self.notifier.send(me, message, attachment)

    def notify_agreement(self, conversation_id: int, recorded_by: Person) -> None:
        with self.deps.db.session() as session:
            conversation = booking.get_conversation(session, conversation_id)
            record = booking.agreement_for(session, conversation_id)
        assert record is not None
        parties = self._parties(conversation)
        for me in (parties.employee, parties.manager):
            self.notifier.send(me, booking_messages.agreement(self._t(me), record, recorded_by))

    # --- answers to a proposal ---------------------------------------------------------------

    def accept(
        self, actor: Person, conversation_id: int, revision: int, index: int
    ) -> booking.Outcome:
        with self.deps.db.session() as session:
            return booking.accept(session, actor, conversation_id, revision, index)

    def decline(self, actor: Person, conversation_id: int, revision: int) -> booking.Outcome:
        with self.deps.db.session() as session:
            return booking.decline(session, actor, conversation_id, revision)

    def cancel(self, actor: Person, conversation_id: int) -> booking.Outcome:
        with self.deps.db.session() as session:
            return booking.cancel(session, actor, conversation_id)

    def answered_text(self, actor: Person, key: str, conversation: Conversation) -> str:
        t = self._t(actor)
        other = self._parties(conversation).other(actor.id)
        when = ""
        if conversation.starts_at is not None:
            when = format_datetime(conversation.starts_at, t.language, self.deps.timezone_of(actor))
        return t(key, name=other.name, when=when)

    def conversation(self, conversation_id: int) -> Conversation:
        with self.deps.db.session() as session:
            return booking.get_conversation(session, conversation_id)

    # --- a click or a form, told to everyone concerned ------------------------------------
    # Each returns the conversation whose parties' Home has changed, or None.

    def _answer_origin(self, origin: dict[str, str] | None, text: str) -> None:
        """The message answered shows what was answered, in place of its buttons."""
        if origin:
            self.notifier.replace(origin["channel"], origin["ts"], booking_messages.answered(text))

    def accept_proposal(
        self, actor: Person, ids: list[int], origin: dict[str, str] | None
    ) -> int | None:
        conversation_id, revision, index = ids
        outcome = self.accept(actor, conversation_id, revision, index)
        text = self.answered_text(actor, "booking.answered.accepted", outcome.conversation)
        self._answer_origin(origin, text)
        if not outcome.changed:
            return None
        self.notify_booked(self._create_event(outcome.conversation))
        return outcome.conversation.id

    def decline_proposal(
        self, actor: Person, ids: list[int], origin: dict[str, str] | None
    ) -> int | None:
        conversation_id, revision = ids
        outcome = self.decline(actor, conversation_id, revision)
        text = self.answered_text(actor, "booking.answered.declined", outcome.conversation)
        self._answer_origin(origin, text)
        if not outcome.changed:
            return None
        self.notify_declined(outcome.conversation, actor)
        return outcome.conversation.id

    def cancel_conversation(self, actor: Person, conversation_id: int) -> int | None:
        outcome = self.cancel(actor, conversation_id)
        if not outcome.changed:
            return None
        self._cancel_event(outcome.conversation, actor)
        self.notify_cancelled(outcome.conversation, actor)
        return outcome.conversation.id

    def tell_booking(self, actor: Person, conversation_id: int, _metadata: str) -> None:
        self.notify_proposal(self.conversation(conversation_id))

    def tell_counter(self, actor: Person, conversation_id: int, metadata: str) -> None:
        conversation = self.conversation(conversation_id)
        origin = json.loads(metadata).get("origin")
        if origin:
            text = self.answered_text(actor, "booking.answered.countered", conversation)
            self._answer_origin(origin, text)
        self.notify_proposal(conversation)

    def tell_reschedule(self, actor: Person, conversation_id: int, _metadata: str) -> None:
        conversation = self.conversation(conversation_id)
        if self.deps.outlook is not None:
            outlook.move(self.deps.outlook, conversation)  # the same event, PATCHed
        self.notify_booked(conversation, moved=True)

    def tell_agreement(self, actor: Person, conversation_id: int, _metadata: str) -> None:
        self.notify_agreement(conversation_id, actor)


def other_party(uow: UnitOfWork, actor: Actor, user_id: str | None, typed: str) -> Person:
    """The person a `/netvaerk book @person` names (`user_id` on the actor's platform), or the
    refusal that says who was not found."""
    with uow as session:
        found = person_by_platform_id(session, actor.platform, user_id) if user_id else None
    if found is None:
        raise Refusal("booking.refusal.unknown_person", who=typed.split()[0][:40])
    return found
