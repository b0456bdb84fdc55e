"""Network results (the seed's tasks 7 and 8): share, post to the departments, recognise.

The seed: the personnel leader "understøtter at medarbejderens resultater i netværksarbejdet
synliggøres i afdelingen løbende" and "anerkender medarbejderens opgaveløsning i
netværksarbejdet". So a network leader or participant shares a result once; it goes to the
channel of every department with a member in the network (leader, participants, reference
leader), once per department; anyone may recognise it ("Anerkend"), once each.

A result is stored before anything is posted, so nothing is lost when a channel cannot be
reached: it is shown in App Home and in the PULS talking points either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot.core import audit
from bot.core.clock import now
from bot.core.refusal import Refusal
from bot.organisation.people import networks_of
from storage.models import Department, Network, NetworkMember, Person
from storage.showcase_models import (
    ChannelPost,
    DepartmentShowcase,
    NetworkResult,
    PostKind,
    PostStatus,
    Recognition,
    ResultStatus,
)

TITLE_MAX = 150
TEXT_MAX = 2000
LINK_MAX = 500
# Drafts (a preview nobody shared) are deleted after this long (GDPR: keep no more than needed).
DRAFT_KEEP = timedelta(days=2)


@dataclass(frozen=True)
class ResultInput:
    network_id: int
    title: str
    achieved: str
    meaning: str
    link: str | None
    source_channel: str | None = None
    source_ts: str | None = None


# --- who may share about which network ------------------------------------------------------


def running(network: Network, today: date) -> bool:
    return (network.start_date is None or network.start_date <= today) and (
        network.end_date is None or network.end_date >= today
    )


def networks_for_poster(session: Session, person_id: int, today: date) -> list[Network]:
    """Networks the person leads or joins (the only ones they may share results from)."""
    return [n for n in networks_of(session, person_id) if running(n, today)]


def role_in(session: Session, network: Network, person_id: int) -> str:
    if network.leader_id == person_id:
        return "leader"
    member = session.exec(
        select(NetworkMember.id).where(
            NetworkMember.network_id == network.id, NetworkMember.person_id == person_id
        )
    ).first()
    return "participant" if member is not None else "other"


# --- drafts and publishing ------------------------------------------------------------------


def save_draft(session: Session, actor: Person, data: ResultInput) -> NetworkResult:
    """Store what the form said, as a draft the person sees as a preview before sharing."""
    today = now().date()
    allowed = {n.id for n in networks_for_poster(session, actor.id or 0, today)}
    if data.network_id not in allowed:
        raise Refusal("showcase.refusal.not_member")
    result = NetworkResult(
        network_id=data.network_id,
        posted_by_id=actor.id or 0,
        title=data.title[:TITLE_MAX],
        achieved=data.achieved[:TEXT_MAX],
        meaning=data.meaning[:TEXT_MAX],
        link=data.link[:LINK_MAX] if data.link else None,
        source_channel=data.source_channel,
        source_ts=data.source_ts,
    )
    session.add(result)
    session.commit()
    session.refresh(result)
    return result


def get_result(session: Session, result_id: int) -> NetworkResult:
    result = session.get(NetworkResult, result_id)
    if result is None:
        raise Refusal("showcase.refusal.gone")
    return result


def member_departments(session: Session, network_id: int) -> list[Department]:
    """The departments with a member in the network: its leader, participants and reference
    leader (active people only), each department once, by name."""
    network = session.get(Network, network_id)
    if network is None:
        return []
    ids = {network.leader_id}
    if network.reference_leader_id:
        ids.add(network.reference_leader_id)
    ids.update(
        session.exec(
            select(NetworkMember.person_id).where(NetworkMember.network_id == network_id)
        ).all()
    )
    department_ids = set(
        session.exec(
            select(Person.department_id).where(
                col(Person.id).in_(sorted(ids)),
                col(Person.active).is_(True),
                col(Person.department_id).is_not(None),
            )
        ).all()
    )
    if not department_ids:
        return []
    return list(
        session.exec(
            select(Department)
            .where(col(Department.id).in_(sorted(d for d in department_ids if d is not None)))
            .order_by(col(Department.name))
        ).all()
    )


def showcase_settings(session: Session, department_id: int) -> DepartmentShowcase:
    found = session.get(DepartmentShowcase, department_id)
    return found or DepartmentShowcase(department_id=department_id)


def wants_digest(session: Session, department_id: int) -> bool:
    return showcase_settings(session, department_id).digest


def channels_of(department: Department) -> list[str]:
    """Every channel a department posts to: its Slack channel and its Teams channel, those it
    has (a deployment on one platform leaves the other empty)."""
    return [c for c in (department.channel, department.teams_channel) if c]


def create_posts(
    session: Session, kind: str, ref_id: int, departments: list[Department]
) -> list[ChannelPost]:
    """One post row per department and channel (Slack and Teams), created once (the unique key
    keeps a repeated publish from making more). A department without any channel fails at once,
    so it is reported."""
    existing = {
        p.department_id
        for p in session.exec(
            select(ChannelPost).where(ChannelPost.kind == kind, ChannelPost.ref_id == ref_id)
        ).all()
    }
    moment = now()
    for department in departments:
        if department.id in existing:
            continue
        digest = kind == PostKind.RESULT and wants_digest(session, department.id or 0)
        places: list[str | None] = [*channels_of(department)] or [None]
        for channel in places:
            status, error = PostStatus.PENDING, None
            if channel is None:
                status, error = PostStatus.FAILED, "no_channel"
            elif digest:
                status = PostStatus.DIGEST
            post = ChannelPost(
                kind=kind,
                ref_id=ref_id,
                department_id=department.id or 0,
                channel=channel,
                status=status,
                error=error,
                created_at=moment,
                updated_at=moment,
            )
            session.add(post)
            try:
                session.flush()
            except IntegrityError:  # another request created it at the same moment
                session.rollback()
                break
    session.commit()
    return list(
        session.exec(
            select(ChannelPost)
            .where(ChannelPost.kind == kind, ChannelPost.ref_id == ref_id)
            .order_by(col(ChannelPost.id))
        ).all()
    )


def publish(session: Session, actor: Person, result_id: int) -> list[ChannelPost]:
    """Turn the draft into a shared result and create its department posts. Idempotent: a
    second "Del" (double click, Slack retry) changes nothing and returns the same posts."""
    result = get_result(session, result_id)
    if result.posted_by_id != actor.id:
        raise Refusal("showcase.refusal.not_yours")
    if result.status == ResultStatus.DRAFT:
        changed = session.execute(
            update(NetworkResult)
            .where(
                col(NetworkResult.id) == result_id,
                col(NetworkResult.status) == ResultStatus.DRAFT,
            )
            .values(status=ResultStatus.PUBLISHED, published_at=now(), created_at=now())
        )
        if changed.rowcount == 1:  # type: ignore[attr-defined]
            audit.record(
                session, audit.person_actor(actor.id), "result.published", "result", result_id
            )
        session.commit()
    departments = member_departments(session, result.network_id)
    return create_posts(session, PostKind.RESULT, result_id, departments)


def delete_old_drafts(session: Session, moment: datetime) -> int:
    stale = list(
        session.exec(
            select(NetworkResult.id).where(
                NetworkResult.status == ResultStatus.DRAFT,
                col(NetworkResult.created_at) < moment - DRAFT_KEEP,
            )
        ).all()
    )
    if not stale:
        return 0
    session.execute(delete(NetworkResult).where(col(NetworkResult.id).in_(stale)))
    return len(stale)


# --- recognition ----------------------------------------------------------------------------


def recognise(session: Session, actor: Person, result_id: int) -> bool:
    """Record that `actor` recognises the result; False when they already had."""
    result = get_result(session, result_id)
    if result.status != ResultStatus.PUBLISHED:
        raise Refusal("showcase.refusal.gone")
    if session.exec(
        select(Recognition.id).where(
            Recognition.result_id == result_id, Recognition.person_id == actor.id
        )
    ).first():
        return False
    session.add(Recognition(result_id=result_id, person_id=actor.id or 0))
    try:
        session.flush()
    except IntegrityError:  # the same person clicked twice at once
        session.rollback()
        return False
    audit.record(session, audit.person_actor(actor.id), "result.recognised", "result", result_id)
    session.commit()
    return True


def recognisers(session: Session, result_id: int) -> list[str]:
    """Names of those who recognised the result, first come first."""
    return list(
        session.exec(
            select(Person.name)
            .join(Recognition, col(Recognition.person_id) == col(Person.id))
            .where(Recognition.result_id == result_id)
            .order_by(col(Recognition.created_at), col(Recognition.id))
        ).all()
    )


def has_recognised(session: Session, result_id: int, person_id: int) -> bool:
    return (
        session.exec(
            select(Recognition.id).where(
                Recognition.result_id == result_id, Recognition.person_id == person_id
            )
        ).first()
        is not None
    )


# --- reading results (App Home, PULS, the checklist's interest message) ---------------------


@dataclass(frozen=True)
class RecentResult:
    id: int
    title: str
    posted_on: date
    network: str
    posted_by_id: int
    recognitions: int


def recent_results(
    session: Session,
    person_ids: list[int] | tuple[int, ...],
    since: datetime,
    tz: str = "Europe/Copenhagen",
) -> list[RecentResult]:
    """Results shared by any of `person_ids` since `since`, newest first. For other features:
    the PULS reminder, App Home and the checklist's monthly "interest" message."""
    if not person_ids:
        return []
    rows = session.exec(
        select(NetworkResult, Network.name)
        .join(Network, col(Network.id) == col(NetworkResult.network_id))
        .where(
            col(NetworkResult.posted_by_id).in_(list(person_ids)),
            NetworkResult.status == ResultStatus.PUBLISHED,
            col(NetworkResult.created_at) >= since,
        )
        .order_by(col(NetworkResult.created_at).desc(), col(NetworkResult.id).desc())
    ).all()
    counts = _recognition_counts(session, [r.id or 0 for r, _ in rows])
    zone = ZoneInfo(tz)
    return [
        RecentResult(
            id=result.id or 0,
            title=result.title,
            posted_on=result.created_at.astimezone(zone).date(),
            network=name,
            posted_by_id=result.posted_by_id,
            recognitions=counts.get(result.id or 0, 0),
        )
        for result, name in rows
    ]


def _recognition_counts(session: Session, result_ids: list[int]) -> dict[int, int]:
    if not result_ids:
        return {}
    rows: Any = session.exec(
        select(Recognition.result_id, func.count())
        .where(col(Recognition.result_id).in_(result_ids))
        .group_by(col(Recognition.result_id))
    ).all()
    return {int(result_id): int(count) for result_id, count in rows}


def posts_of(session: Session, kind: str, ref_id: int) -> list[ChannelPost]:
    return list(
        session.exec(
            select(ChannelPost)
            .where(ChannelPost.kind == kind, ChannelPost.ref_id == ref_id)
            .order_by(col(ChannelPost.id))
        ).all()
    )
