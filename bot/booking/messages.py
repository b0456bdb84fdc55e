"""What the two parties of a conversation read, as neutral messages (bot/core/ui.py)."""

from __future__ import annotations

from datetime import datetime

from bot.core import actions, ui
from bot.core.formatting import format_date, format_datetime
from bot.core.i18n import Translator
from storage.models import Agreement, Conversation, Network, Person


def _when(t: Translator, conversation: Conversation, tz: str) -> str:
    assert conversation.starts_at is not None
    return format_datetime(conversation.starts_at, t.language, tz)


def _place(t: Translator, conversation: Conversation) -> str:
    kind = t(f"booking.place.{conversation.place_kind}")
    return f"{kind}: {conversation.place_text}" if conversation.place_text else kind


def proposal(
    t: Translator,
    conversation: Conversation,
    proposer: Person,
    recipient: Person,
    network: Network | None,
    tz: str,
) -> ui.Message:
    """To the party who must answer: why, and the proposed times as buttons."""
    to_manager = recipient.id == conversation.manager_id
    network_name = network.name if network else "-"
    facts = [
        (
            t("booking.proposal.duration"),
            t("format.minutes", minutes=conversation.duration_minutes),
        ),
        (t("booking.proposal.place"), _place(t, conversation)),
    ]
    parts: list[ui.Part] = [
        ui.Heading(t("booking.proposal.heading")),
        ui.Text(
            t(
                "booking.proposal.to_manager" if to_manager else "booking.proposal.to_employee",
                proposer=proposer.name,
                network=network_name,
            )
        ),
        ui.Facts(tuple(facts)),
    ]
    if conversation.note:
        parts.append(
            ui.Text(
                ui.concat(
                    ui.bold(t("booking.proposal.note", name=proposer.name)), "\n", conversation.note
                )
            )
        )
    ref = f"{conversation.id}:{conversation.revision}"
    times = [
        ui.Button(
            format_datetime(datetime.fromisoformat(p), t.language, tz),
            actions.BOOKING_ACCEPT,
            value=f"{ref}:{i}",
            style="primary" if i == 0 else None,
        )
        for i, p in enumerate(conversation.proposals)
    ]
    parts += [
        ui.Text(t("booking.proposal.choose")),
        ui.Buttons(tuple(times)),
        ui.Buttons(
            (
                ui.Button(t("booking.proposal.counter"), actions.BOOKING_COUNTER, value=ref),
                ui.Button(
                    t("booking.proposal.decline"),
                    actions.BOOKING_DECLINE,
                    value=ref,
                    style="danger",
                ),
            )
        ),
    ]
    return ui.Message(
        text=t("booking.proposal.notification", proposer=proposer.name), parts=tuple(parts)
    )


def proposal_sent(
    t: Translator, conversation: Conversation, recipient: Person, tz: str
) -> ui.Message:
    times = ui.bullets(
        format_datetime(datetime.fromisoformat(p), t.language, tz) for p in conversation.proposals
    )
    text = t("booking.proposal.sent", name=recipient.name)
    return ui.Message(
        text=text,
        parts=(ui.Text(text), ui.Text(ui.join("\n", (t("booking.proposal.sent_times"), times)))),
    )


def answered(text: str) -> ui.Message:
    """Replaces a proposal once it is answered, so its buttons cannot be clicked again."""
    return ui.Message(text=text, parts=(ui.Text(text),))


def confirmation(
    t: Translator,
    conversation: Conversation,
    me: Person,
    other: Person,
    network: Network | None,
    tz: str,
    moved: bool = False,
) -> ui.Message:
    """To each party when a time is agreed (or moved): the facts, what to reflect on, actions."""
    when = _when(t, conversation, tz)
    is_manager = me.id == conversation.manager_id
    ref = str(conversation.id)
    parts: tuple[ui.Part, ...] = (
        ui.Heading(t("booking.confirmed.heading_moved" if moved else "booking.confirmed.heading")),
        ui.Facts(
            (
                (t("booking.confirmed.when"), when),
                (
                    t("booking.proposal.duration"),
                    t("format.minutes", minutes=conversation.duration_minutes),
                ),
                (t("booking.proposal.place"), _place(t, conversation)),
                (t("booking.confirmed.with"), other.name),
                (t("booking.proposal.network"), network.name if network else "-"),
            )
        ),
        ui.Text(
            t(
                "booking.confirmed.reflect_manager"
                if is_manager
                else "booking.confirmed.reflect_employee"
            )
        ),
        ui.Buttons(
            (
                ui.Button(
                    t("booking.confirmed.agreement"),
                    actions.AGREEMENT_OPEN,
                    value=ref,
                    style="primary",
                ),
                ui.Button(t("booking.confirmed.reschedule"), actions.BOOKING_RESCHEDULE, value=ref),
                ui.Button(
                    t("booking.confirmed.cancel"), actions.BOOKING_CANCEL, value=ref, style="danger"
                ),
            )
        ),
        ui.Note(
            t(
                "booking.confirmed.outlook_note"
                if conversation.outlook_event_id
                else "booking.confirmed.invitation_note"
            )
        ),
    )
    key = "booking.confirmed.notification_moved" if moved else "booking.confirmed.notification"
    return ui.Message(text=t(key, name=other.name, when=when), parts=parts)


def declined(t: Translator, decliner: Person) -> ui.Message:
    return ui.Message(
        text=t("booking.declined.notification", name=decliner.name),
        parts=(ui.Text(t("booking.declined.text", name=decliner.name)),),
    )


def cancelled(
    t: Translator, conversation: Conversation, by: Person, other: Person, tz: str, own: bool
) -> ui.Message:
    when = _when(t, conversation, tz)
    text = (
        t("booking.cancelled.own", when=when, name=other.name)
        if own
        else t("booking.cancelled.text", name=by.name, when=when)
    )
    return ui.Message(
        text=t("booking.cancelled.notification", when=when),
        parts=(
            ui.Text(text),
            ui.Buttons(
                (
                    ui.Button(
                        t("booking.cancelled.book_again"),
                        actions.BOOKING_OPEN,
                        value=str(conversation.employee_id),
                    ),
                )
            ),
        ),
    )


def agreement(t: Translator, record: Agreement, recorded_by: Person) -> ui.Message:
    none = t("agreement.message.none")
    hours = f"{record.hours:g}" if t.language == "en" else f"{record.hours:g}".replace(".", ",")
    return ui.Message(
        text=t("agreement.message.notification"),
        parts=(
            ui.Heading(t("agreement.message.heading")),
            ui.Text(t("agreement.message.text", name=recorded_by.name)),
            ui.Facts(
                (
                    (
                        t("agreement.message.hours"),
                        t(
                            "agreement.message.hours_value",
                            hours=hours,
                            period=t(f"agreement.period.{record.hours_period}"),
                        ),
                    ),
                    (t("agreement.form.reprioritised"), record.reprioritised or none),
                    (t("agreement.form.secretariat_time"), record.secretariat_time or none),
                    (t("agreement.form.competence"), record.competence or none),
                    (t("agreement.form.showcase"), record.showcase or none),
                    (t("agreement.message.review"), format_date(record.review_date, t.language)),
                )
            ),
            ui.Buttons(
                (
                    ui.Button(
                        t("agreement.message.edit"),
                        actions.AGREEMENT_OPEN,
                        value=str(record.conversation_id),
                    ),
                )
            ),
        ),
    )
