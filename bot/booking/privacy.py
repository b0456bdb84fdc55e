"""The conversation and the agreement in privacy (GDPR art. 17).

What stays, anonymously: the conversation happened and the agreement was made (its hours
count in the secretariat's overview). What the two wrote goes: the note, the place, and the
agreement's free-text fields. The rows keep pointing at the person's placeholder.
"""

from __future__ import annotations

from sqlalchemy import or_, update
from sqlmodel import Session, col

from bot.privacy.domain import affected
from storage.models import Agreement, Conversation


def erase_conversations(session: Session, pid: int) -> int:
    return affected(
        session.connection().execute(
            update(Conversation)
            .where(
                or_(
                    col(Conversation.employee_id) == pid,
                    col(Conversation.manager_id) == pid,
                    col(Conversation.proposed_by_id) == pid,
                )
            )
            .values(note=None, place_text=None)
        )
    )


def erase_agreements(session: Session, pid: int) -> int:
    return affected(
        session.connection().execute(
            update(Agreement)
            .where(or_(col(Agreement.employee_id) == pid, col(Agreement.manager_id) == pid))
            .values(reprioritised=None, secretariat_time=None, competence=None, showcase=None)
        )
    )
