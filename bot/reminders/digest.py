"""The two messages that are about the outbox itself: the weekly-cap digest (more than
`nudges_per_week` nudges become one message) and the report of failed deliveries to the
secretariat. Every other kind of outbox message belongs to a feature, which declares its planner
rule and its builder in its `feature.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import col, select

from bot.core import ui
from bot.core.due import BuildContext
from storage.models import Person
from storage.scheduling_models import OutboxMessage

DIGEST_KIND = "digest"
FAILURE_REPORT_KIND = "delivery_failures"
# A digest holds at most this many items (to stay readable), and fewer when the platform's
# message limit is reached first (`BuildContext.fits`).
DIGEST_ITEMS_MAX = 8


def digest(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    items = ctx.session.exec(
        select(OutboxMessage).where(col(OutboxMessage.id).in_(payload.get("items", [])))
    ).all()
    messages = [m for m in (ctx.build(row.kind, row.payload) for row in items) if m is not None]
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
                parts.append(ui.Text(ui.bold(part.text)) if isinstance(part, ui.Heading) else part)
        if len(messages) > shown:
            parts.append(ui.Note(t("scheduler.digest.more", count=len(messages) - shown)))
        return ui.Message(text=t("scheduler.digest.text", count=shown), parts=tuple(parts))

    return ui.fit_items(digest, min(len(messages), DIGEST_ITEMS_MAX), ctx.fits)


def failures(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
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
                ui.Text(ui.join("\n", listed)),
                ui.Note(t("scheduler.failures.note")),
            ),
        )

    return ui.fit_items(report, len(lines), ctx.fits)[0]
