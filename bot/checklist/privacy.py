"""The checklist's part of privacy (bot/privacy/domain.py): erasure and retention.

- Erasure (GDPR art. 17): a person's rounds go with their answers and notes (answers point at
  their round, so they are deleted first).
- Retention (art. 5(1)(e)): rounds older than `checklist_answers_months` are deleted with their
  answers, and so are PULS talking points older than that.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from bot.privacy.domain import RetentionPolicy, affected, left_before
from storage.checklist_models import ChecklistAnswer, ChecklistRound, PulsNote


def erase_rounds(session: Session, person_id: int) -> int:
    """Declared for both tables (bot/checklist/feature.py); the second call finds nothing."""
    connection = session.connection()
    rounds = sa_select(col(ChecklistRound.id)).where(col(ChecklistRound.person_id) == person_id)
    connection.execute(delete(ChecklistAnswer).where(col(ChecklistAnswer.round_id).in_(rounds)))
    connection.execute(delete(ChecklistAnswer).where(col(ChecklistAnswer.person_id) == person_id))
    return affected(
        connection.execute(delete(ChecklistRound).where(col(ChecklistRound.person_id) == person_id))
    )


def purge_old(session: Session, moment: datetime, policy: RetentionPolicy) -> int:
    cutoff = left_before(moment, policy.checklist_answers_months)
    connection = session.connection()
    old = sa_select(col(ChecklistRound.id)).where(col(ChecklistRound.started_at) < cutoff)
    connection.execute(delete(ChecklistAnswer).where(col(ChecklistAnswer.round_id).in_(old)))
    result = connection.execute(
        delete(ChecklistRound).where(col(ChecklistRound.started_at) < cutoff)
    )
    notes = connection.execute(delete(PulsNote).where(col(PulsNote.created_at) < cutoff))
    return int(result.rowcount or 0) + int(notes.rowcount or 0)
