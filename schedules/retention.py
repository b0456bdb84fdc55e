"""The daily retention job: finished outbox rows and expired snoozes are deleted after the
policy's `retention.outbox_days` (GDPR: keep no more than needed).

The window must stay longer than the planner's catch-up, or a message could be derived again
after its row was deleted; the policy keeps 90 days against 14 (and never less than
catch-up + 2).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select

from bot.core.clock import now as clock_now
from bot.core.deps import Deps
from bot.reminders.policy import reminder_policy
from storage.scheduling_models import OutboxMessage, OutboxStatus, Snooze

_FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.DROPPED, OutboxStatus.DIGESTED)


def purge(deps: Deps, now: datetime | None = None) -> tuple[int, int]:
    """Delete what is past retention; returns (outbox rows, snoozes) deleted."""
    moment = now or clock_now()
    policy = reminder_policy(deps.calendar.policy)
    cutoff = moment - timedelta(days=max(policy.retention_days, policy.catch_up_days + 2))
    with deps.db.session() as session:
        connection = session.connection()
        # Digest rows point at nothing; their items point at them: clear items first.
        connection.execute(
            delete(OutboxMessage).where(
                col(OutboxMessage.status).in_(list(_FINISHED)),
                col(OutboxMessage.finished_at) < cutoff,
                col(OutboxMessage.digest_id).is_not(None),
            )
        )
        rows = connection.execute(
            delete(OutboxMessage).where(
                col(OutboxMessage.status).in_(list(_FINISHED)),
                col(OutboxMessage.finished_at) < cutoff,
                col(OutboxMessage.id).not_in(
                    select(OutboxMessage.digest_id).where(col(OutboxMessage.digest_id).is_not(None))
                ),
            )
        ).rowcount
        snoozes = connection.execute(
            delete(Snooze).where(col(Snooze.until).is_not(None), col(Snooze.until) < cutoff)
        ).rowcount
        session.commit()
    return rows or 0, snoozes or 0
