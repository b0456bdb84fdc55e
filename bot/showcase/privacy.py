"""Results and open networks in privacy (GDPR art. 17 erasure, art. 5(1)(e) retention).

Without these erasers the generic one would delete every row naming the person in table order,
which trips over other people's recognitions of their results. A person's own results and open
calls go with their channel posts and the recognitions they got; what they decided on someone
else's join request stays, by no one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from bot.privacy.domain import RetentionPolicy, affected
from bot.showcase.domain import delete_old_drafts
from storage.showcase_models import (
    ChannelPost,
    JoinRequest,
    NetworkResult,
    OpenCall,
    PostKind,
    Recognition,
)


def erase_results(session: Session, pid: int) -> int:
    ids = list(session.exec(select(NetworkResult.id).where(NetworkResult.posted_by_id == pid)))
    if not ids:
        return 0
    session.execute(delete(Recognition).where(col(Recognition.result_id).in_(ids)))
    session.execute(
        delete(ChannelPost).where(
            col(ChannelPost.kind) == PostKind.RESULT, col(ChannelPost.ref_id).in_(ids)
        )
    )
    return affected(session.execute(delete(NetworkResult).where(col(NetworkResult.id).in_(ids))))


def erase_open_calls(session: Session, pid: int) -> int:
    ids = list(session.exec(select(OpenCall.id).where(OpenCall.posted_by_id == pid)))
    if not ids:
        return 0
    session.execute(
        update(JoinRequest).where(col(JoinRequest.call_id).in_(ids)).values(call_id=None)
    )
    session.execute(
        delete(ChannelPost).where(
            col(ChannelPost.kind) == PostKind.OPEN_CALL, col(ChannelPost.ref_id).in_(ids)
        )
    )
    return affected(session.execute(delete(OpenCall).where(col(OpenCall.id).in_(ids))))


def erase_join_requests(session: Session, pid: int) -> int:
    deleted = session.execute(delete(JoinRequest).where(col(JoinRequest.person_id) == pid))
    decided = session.execute(
        update(JoinRequest).where(col(JoinRequest.decided_by_id) == pid).values(decided_by_id=None)
    )
    return affected(deleted) + affected(decided)


def erase_recognitions(session: Session, pid: int) -> int:
    return affected(session.execute(delete(Recognition).where(col(Recognition.person_id) == pid)))


def purge_drafts(session: Session, moment: datetime, _policy: RetentionPolicy) -> int:
    """Previews nobody shared are deleted by the nightly privacy job."""
    return delete_old_drafts(session, moment)
