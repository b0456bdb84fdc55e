"""Department meetings in privacy (GDPR art. 17): who was invited or answered goes; the count
stays (a meeting was or was not presented at), and so do a department's settings, which the
person once changed."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, col

from bot.privacy.domain import affected
from storage.showcase_models import DepartmentShowcase, MeetingAnswer, MeetingInvitation


def erase_invitations(session: Session, pid: int) -> int:
    return affected(
        session.execute(
            delete(MeetingInvitation).where(
                (col(MeetingInvitation.person_id) == pid)
                | (col(MeetingInvitation.invited_by_id) == pid)
            )
        )
    )


def erase_answers(session: Session, pid: int) -> int:
    return affected(
        session.execute(
            update(MeetingAnswer)
            .where(col(MeetingAnswer.answered_by_id) == pid)
            .values(answered_by_id=None)
        )
    )


def erase_settings(session: Session, pid: int) -> int:
    return affected(
        session.execute(
            update(DepartmentShowcase)
            .where(col(DepartmentShowcase.updated_by_id) == pid)
            .values(updated_by_id=None)
        )
    )
