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
# A digest holds at most this many items; Slack allows 50 blocks in a message.
DIGEST_ITEMS_MAX = 8


def digest(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    items = ctx.session.exec(
        select(OutboxMessage).where(col(OutboxMessage.id).in_(payload.get("items", [])))
    ).all()
    messages = [m for m in (ctx.build(row.kind, row.payload) for row in items) if m is not None]
    return digest_message(ctx, messages)


def digest_message(ctx: BuildContext, messages: Sequence[ui.Message]) -> ui.Message | None:
    """Several nudges as one message; each keeps its text and the button that resolves it."""
    if not messages:
        return None
    t = ctx.t
    parts: list[ui.Part] = [
        ui.Heading(t("scheduler.digest.heading")),
        ui.Text(t("scheduler.digest.intro", count=len(messages))),
    ]
    for message in messages[:DIGEST_ITEMS_MAX]:
        parts.append(ui.Divider())
        for part in message.parts:
            parts.append(ui.Text(f"*{part.text}*") if isinstance(part, ui.Heading) else part)
    if len(messages) > DIGEST_ITEMS_MAX:
        parts.append(ui.Note(t("scheduler.digest.more", count=len(messages) - DIGEST_ITEMS_MAX)))
    return ui.Message(text=t("scheduler.digest.text", count=len(messages)), parts=tuple(parts))


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
    return ui.Message(
        text=t("scheduler.failures.text", count=len(rows)),
        parts=(
            ui.Heading(t("scheduler.failures.heading")),
            ui.Text("\n".join(lines)),
            ui.Note(t("scheduler.failures.note")),
        ),
    )
