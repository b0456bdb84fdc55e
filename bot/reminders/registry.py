"""The registry of reminders: every rule the planner runs, and the builder for every kind of
outbox message. Adding a reminder means adding a rule and a builder here, nothing else.

Also the two messages that are about the outbox itself: the weekly-cap digest (more than
`nudges_per_week` nudges become one message) and the report of failed deliveries to the
secretariat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlmodel import col, select

from bot.booking import conversation_rules as conversation_reminders
from bot.booking import rules as nudges
from bot.checklist import interest, talent
from bot.checklist import rules as checklist_reminders
from bot.core import ui
from bot.core.due import BuildContext, Builder, Rule
from bot.meetings import domain as meetings
from bot.reminders import puls, references, themes
from bot.showcase import rules as showcase_rules
from storage.models import Person
from storage.scheduling_models import OutboxMessage

RULES: tuple[tuple[str, Rule], ...] = (
    ("booking", nudges.booking_rule),
    ("escalation", nudges.escalation_rule),
    ("reflection", conversation_reminders.reflection_rule),
    ("follow_up", conversation_reminders.follow_up_rule),
    ("agreement_review", conversation_reminders.review_rule),
    ("puls", puls.puls_rule),
    ("reference_leader", references.reference_rule),
    ("theme_invite", themes.theme_invite_rule),
    ("theme_proposal", themes.theme_proposal_rule),
    ("checklist_invite", checklist_reminders.invite_rule),
    ("checklist_reminder", checklist_reminders.reminder_rule),
    ("checklist_interest", interest.interest_rule),
    ("talent_nomination", talent.talent_rule),
    ("recognition_nudge", showcase_rules.recognition_rule),
    ("result_digest", showcase_rules.digest_rule),
    ("showcase_undelivered", showcase_rules.undelivered_rule),
    ("meeting_prompt", meetings.meeting_prompt_rule),
    ("meeting_follow_up", meetings.meeting_follow_up_rule),
)

DIGEST_KIND = "digest"
FAILURE_REPORT_KIND = "delivery_failures"
# A digest holds at most this many items (to stay readable), and fewer when the platform's
# message limit is reached first (`BuildContext.fits`).
DIGEST_ITEMS_MAX = 8


def _digest(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    items = ctx.session.exec(
        select(OutboxMessage).where(col(OutboxMessage.id).in_(payload.get("items", [])))
    ).all()
    messages = [m for m in (build(ctx, row.kind, row.payload) for row in items) if m is not None]
    found = digest_message(ctx, messages)
    return found[0] if found else None


def digest_message(
    ctx: BuildContext, messages: Sequence[ui.Message]
) -> tuple[ui.Message, int] | None:
    """Several nudges as one message; each keeps its text and the button that resolves it.
    Returns the message and how many of `messages` it holds (the first ones): as many as fit
    the platform's limits, at most DIGEST_ITEMS_MAX; the rest are counted in a last line and
    stay queued (delivery sends them later)."""
    if not messages:
        return None
    t = ctx.t

    def digest(shown: int) -> ui.Message:
        parts: list[ui.Part] = [
            ui.Heading(t("scheduler.digest.heading")),
            ui.Text(t("scheduler.digest.intro", count=shown)),
        ]
        for message in messages[:shown]:
            parts.append(ui.Divider())
            for part in message.parts:
                parts.append(ui.Text(f"*{part.text}*") if isinstance(part, ui.Heading) else part)
        if len(messages) > shown:
            parts.append(ui.Note(t("scheduler.digest.more", count=len(messages) - shown)))
        return ui.Message(text=t("scheduler.digest.text", count=shown), parts=tuple(parts))

    return ui.fit_items(digest, min(len(messages), DIGEST_ITEMS_MAX), ctx.fits)


def _failures(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    """The secretariat's report of messages that could not be delivered, batched."""
    rows = ctx.session.exec(
        select(OutboxMessage).where(col(OutboxMessage.id).in_(payload.get("items", [])))
    ).all()
    if not rows:
        return None
    t = ctx.t
    lines = []
    for row in rows:
        who = row.channel or "–"
        if row.recipient_id is not None:
            person = ctx.session.get(Person, row.recipient_id)
            who = person.name if person else str(row.recipient_id)
        lines.append(
            t("scheduler.failures.line", who=who, what=row.kind, error=row.last_error or "?")
        )

    def report(shown: int) -> ui.Message:
        listed = lines[:shown]
        if len(lines) > shown:
            listed.append(t("scheduler.failures.more", count=len(lines) - shown))
        return ui.Message(
            text=t("scheduler.failures.text", count=len(rows)),
            parts=(
                ui.Heading(t("scheduler.failures.heading")),
                ui.Text("\n".join(listed)),
                ui.Note(t("scheduler.failures.note")),
            ),
        )

    return ui.fit_items(report, len(lines), ctx.fits)[0]


BUILDERS: dict[str, Builder] = {
    "booking_nudge": nudges.booking_nudge,
    "booking_prompt": nudges.booking_prompt,
    "escalation": nudges.escalation,
    "reflection": conversation_reminders.reflection,
    "follow_up": conversation_reminders.follow_up,
    "agreement_review": conversation_reminders.agreement_review,
    "puls_manager": puls.puls_manager,
    "puls_employee": puls.puls_employee,
    "reference_intro": references.reference_intro,
    "reference_sparring": references.reference_sparring,
    "theme_invite": themes.theme_invite,
    "theme_proposal": themes.theme_proposal,
    checklist_reminders.INVITE_KIND: checklist_reminders.checklist_invite,
    checklist_reminders.REMINDER_KIND: checklist_reminders.checklist_reminder,
    "checklist_interest": interest.checklist_interest,
    "talent_nomination": talent.talent_nomination,
    "recognition_nudge": showcase_rules.recognition_nudge,
    "result_digest": showcase_rules.result_digest,
    "showcase_undelivered": showcase_rules.undelivered,
    "meeting_prompt": meetings.meeting_prompt,
    "meeting_follow_up": meetings.meeting_follow_up,
    DIGEST_KIND: _digest,
    FAILURE_REPORT_KIND: _failures,
}


def build(ctx: BuildContext, kind: str, payload: Mapping[str, Any]) -> ui.Message | None:
    """The message for one outbox row, from the data as it is now; None when its cause is gone
    (or its kind is unknown to this version of the code)."""
    builder: Callable[[BuildContext, Mapping[str, Any]], ui.Message | None] | None = BUILDERS.get(
        kind
    )
    return builder(ctx, payload) if builder is not None else None
