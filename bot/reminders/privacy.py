"""The scheduler's tables in privacy (GDPR art. 17).

- A theme proposal stays (the secretariat counts them), without its text.
- The person's outbox rows go; rows folded into one of their digests lose the link first.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from bot.privacy.domain import ERASED_TEXT, affected
from storage.scheduling_models import OutboxMessage, ThemeProposal


def erase_theme_proposals(session: Session, pid: int) -> int:
    return affected(
        session.connection().execute(
            update(ThemeProposal)
            .where(col(ThemeProposal.proposed_by_id) == pid)
            .values(text=ERASED_TEXT)
        )
    )


def erase_outbox(session: Session, pid: int) -> int:
    connection = session.connection()
    mine = sa_select(col(OutboxMessage.id)).where(col(OutboxMessage.recipient_id) == pid)
    connection.execute(
        update(OutboxMessage).where(col(OutboxMessage.digest_id).in_(mine)).values(digest_id=None)
    )
    return affected(
        connection.execute(delete(OutboxMessage).where(col(OutboxMessage.recipient_id) == pid))
    )
