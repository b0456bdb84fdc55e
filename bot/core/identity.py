"""A person's identity on each chat platform (the `platform_identities` table).

The domain knows people by their row; each platform knows them by its own user id. These few
queries are the only way between the two, so no feature ever handles a platform's id, and a
second platform is one more row per person, not one more column.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from bot.core.clock import now
from storage.models import Person, PlatformIdentity


def user_id(session: Session, person_id: int, platform: str) -> str | None:
    """The person's id on `platform`, if they have been found there."""
    return session.exec(
        select(PlatformIdentity.user_id).where(
            PlatformIdentity.person_id == person_id, PlatformIdentity.platform == platform
        )
    ).first()


def user_ids(
    session: Session, person_ids: list[int], platform: str, *, active_only: bool = False
) -> dict[int, str]:
    """person id → their id on `platform`, for those found there (one query for many)."""
    if not person_ids:
        return {}
    query = select(PlatformIdentity.person_id, PlatformIdentity.user_id).where(
        col(PlatformIdentity.person_id).in_(person_ids), PlatformIdentity.platform == platform
    )
    if active_only:
        query = query.join(Person, col(Person.id) == col(PlatformIdentity.person_id)).where(
            col(Person.active)
        )
    return {person_id: found for person_id, found in session.exec(query).all()}


def person_for(
    session: Session, platform: str, platform_user_id: str, *, active_only: bool = True
) -> Person | None:
    """The person with this id on `platform`: one indexed join (the ack path)."""
    query = (
        select(Person)
        .join(PlatformIdentity, col(PlatformIdentity.person_id) == col(Person.id))
        .where(PlatformIdentity.platform == platform, PlatformIdentity.user_id == platform_user_id)
    )
    if active_only:
        query = query.where(col(Person.active))
    return session.exec(query).first()


def link(session: Session, person_id: int, platform: str, platform_user_id: str) -> bool:
    """Record the person's id on `platform` (replacing an older one); True when it changed.

    An id that belonged to someone else is moved over: the platform says it is this person now
    (e.g. an account handed on after someone left)."""
    current = session.exec(
        select(PlatformIdentity).where(
            PlatformIdentity.person_id == person_id, PlatformIdentity.platform == platform
        )
    ).first()
    if current is not None and current.user_id == platform_user_id:
        return False
    session.exec(
        delete(PlatformIdentity).where(
            col(PlatformIdentity.platform) == platform,
            col(PlatformIdentity.user_id) == platform_user_id,
            col(PlatformIdentity.person_id) != person_id,
        )
    )
    moment = now()
    if current is None:
        current = PlatformIdentity(
            person_id=person_id, platform=platform, created_at=moment, user_id=platform_user_id
        )
    current.user_id, current.updated_at = platform_user_id, moment
    session.add(current)
    session.flush()
    return True


def forget(session: Session, person_id: int) -> int:
    """Remove the person's ids on every platform (erasure); returns how many."""
    result = session.exec(
        delete(PlatformIdentity).where(col(PlatformIdentity.person_id) == person_id)
    )
    return int(result.rowcount or 0)


def reachable(
    session: Session, person_ids: list[int], platforms: tuple[str, ...]
) -> dict[int, tuple[str, str]]:
    """person id → (platform, their id there) on one of `platforms`: where a person is on
    several, the one they were most recently seen on (`updated_at`), so their direct messages go
    to one platform, never to both."""
    if not person_ids or not platforms:
        return {}
    rows = session.exec(
        select(PlatformIdentity)
        .where(
            col(PlatformIdentity.person_id).in_(person_ids),
            col(PlatformIdentity.platform).in_(platforms),
        )
        .order_by(col(PlatformIdentity.updated_at), col(PlatformIdentity.id))
    ).all()
    # Later rows win: the most recently seen platform.
    return {row.person_id: (row.platform, row.user_id) for row in rows}
