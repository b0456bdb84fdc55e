"""Posting to department channels, exactly once per department, nothing lost.

Results and open calls are a person's action, so they go out at once (like the booking DMs),
not through the outbox and its sending window. The rules that make that safe:

- each department's copy is a `ChannelPost` row, unique per (kind, ref, department);
- an attempt claims the row with a guarded UPDATE (`pending` → `posting`), so a double click, a
  Slack retry or the secretariat's "Prøv igen" never post twice;
- the post carries its row id in the message metadata: a row left `posting` (the process died
  mid-call) is retried only after the channel's history shows the post is not there;
- two departments sharing one channel get one post (the second copies the first's ts);
- the bot joins a public channel it is not in (`channels:join`) and tries again; anything else
  (archived, private, no channel) marks the row failed with the reason, which the poster is told
  and the secretariat gets in its report (bot/showcase/rules.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from bot.core import ui
from bot.core.chat import ChatPort, DeliveryError, Sent
from bot.core.clock import now
from bot.showcase.domain import channels_of, posts_of
from storage.db import Database
from storage.models import Department
from storage.showcase_models import ChannelPost, PostStatus

log = logging.getLogger(__name__)

# A row still `posting` after this long belongs to an attempt that died: its outcome is unknown.
STALE_AFTER = timedelta(minutes=2)
METADATA_KEY = "channel_post"


@dataclass
class PostOutcome:
    posted: list[ChannelPost] = field(default_factory=list)
    digest: list[ChannelPost] = field(default_factory=list)
    failed: list[ChannelPost] = field(default_factory=list)

    @property
    def all(self) -> list[ChannelPost]:
        return self.posted + self.digest + self.failed


def _claim(session: Session, post: ChannelPost, moment: datetime) -> bool:
    """pending (or a stale posting) → posting, if nobody else got there first."""
    result = session.execute(
        update(ChannelPost)
        .where(
            col(ChannelPost.id) == post.id,
            col(ChannelPost.status) == post.status,
            col(ChannelPost.attempts) == post.attempts,
        )
        .values(status=PostStatus.POSTING, attempts=post.attempts + 1, updated_at=moment)
    )
    session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def _finish(
    db: Database, post_id: int, *, sent: Sent | None = None, error: str | None = None
) -> ChannelPost:
    with db.session() as session:
        post = session.get(ChannelPost, post_id)
        assert post is not None
        moment = now()
        if sent is not None:
            post.status, post.error = PostStatus.POSTED, None
            post.posted_channel, post.ts, post.posted_at = sent.channel, sent.ts, moment
        else:
            post.status, post.error = PostStatus.FAILED, (error or "unknown")[:100]
        post.updated_at = moment
        session.add(post)
        session.commit()
        session.refresh(post)
        return post


def _posted_places(db: Database, kind: str, ref_id: int) -> list[tuple[ChannelPost, Sent]]:
    """Where (kind, ref) stands posted, each place once: two departments may share a channel."""
    with db.session() as session:
        posts = [p for p in posts_of(session, kind, ref_id) if p.status == PostStatus.POSTED]
    places: dict[tuple[str, str], ChannelPost] = {}
    for post in posts:
        where = (post.posted_channel or post.channel or "", post.ts or "")
        if all(where):
            places.setdefault(where, post)
    return [(post, Sent(*where)) for where, post in places.items()]


def _ready(post: ChannelPost, moment: datetime) -> bool:
    if post.status == PostStatus.PENDING:
        return True
    return post.status == PostStatus.POSTING and post.updated_at < moment - STALE_AFTER


def post_all(
    db: Database,
    port: ChatPort,
    kind: str,
    ref_id: int,
    render: Callable[[Session], ui.Message | None],
) -> PostOutcome:
    """Post every pending copy of (kind, ref); returns where it went and where it did not."""
    outcome = PostOutcome()
    with db.session() as session:
        posts = posts_of(session, kind, ref_id)
        message = render(session)
        moment = now()
        claimed = [p for p in posts if _ready(p, moment) and _claim(session, p, moment)]
    done: dict[str, Sent] = {
        p.channel: Sent(p.posted_channel or p.channel, p.ts)
        for p in posts
        if p.status == PostStatus.POSTED and p.channel and p.ts
    }
    for post in claimed:
        post_id = post.id or 0
        if message is None:
            _finish(db, post_id, error="gone")
            continue
        channel = post.channel or ""
        if channel in done:  # two departments, one channel: one post
            _finish(db, post_id, sent=done[channel])
            continue
        tagged = replace(message, metadata={METADATA_KEY: str(post_id)})
        try:
            sent = _place(port, channel, tagged, post, moment)
        except DeliveryError as error:
            log.warning("channel post %s failed: %s", post_id, error.code)
            _finish(db, post_id, error=error.code)
            continue
        done[channel] = sent
        _finish(db, post_id, sent=sent)
    with db.session() as session:
        for post in posts_of(session, kind, ref_id):
            if post.status == PostStatus.POSTED:
                outcome.posted.append(post)
            elif post.status == PostStatus.DIGEST:
                outcome.digest.append(post)
            elif post.status == PostStatus.FAILED:
                outcome.failed.append(post)
    return outcome


def _place(
    port: ChatPort, channel: str, message: ui.Message, post: ChannelPost, moment: datetime
) -> Sent:
    if post.status == PostStatus.POSTING:  # an earlier attempt died: did it get through?
        try:
            found = port.find(channel, METADATA_KEY, str(post.id), post.updated_at - STALE_AFTER)
        except DeliveryError:
            found = None
        if found is not None:
            return found
    try:
        return port.send(channel, message)
    except DeliveryError as error:
        if error.code != "not_in_channel":
            raise
    port.join(channel)  # a public channel the bot is not in yet; raises when it may not join
    return port.send(channel, message)


def retry_failed(db: Database, kind: str, ref_id: int) -> int:
    """Put failed copies back to pending (the secretariat's "Prøv igen"); the channel may have
    been configured, or the bot invited, since. Returns how many."""
    with db.session() as session:
        result = session.execute(
            update(ChannelPost)
            .where(
                col(ChannelPost.kind) == kind,
                col(ChannelPost.ref_id) == ref_id,
                col(ChannelPost.status) == PostStatus.FAILED,
            )
            .values(status=PostStatus.PENDING, updated_at=now())
        )
        # The department's channels as they are now (the import may have given one since).
        posts = posts_of(session, kind, ref_id)
        for post in posts:
            if post.status != PostStatus.PENDING:
                continue
            department = session.get(Department, post.department_id)
            channels = channels_of(department) if department else []
            if post.channel not in channels:
                taken = {p.channel for p in posts if p.department_id == post.department_id}
                post.channel = next((c for c in channels if c not in taken), None)
            if not post.channel:
                post.status, post.error = PostStatus.FAILED, "no_channel"
            session.add(post)
        session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def update_all(db: Database, port: ChatPort, kind: str, ref_id: int, message: ui.Message) -> int:
    """Replace every posted copy (e.g. with the new "Anerkendt af …" line). Returns how many."""
    places = _posted_places(db, kind, ref_id)
    for post, sent in places:
        try:
            port.update(sent, replace(message, metadata=None))
        except DeliveryError as error:
            log.warning("updating channel post %s failed: %s", post.id, error.code)
    return len(places)


def reply_all(db: Database, port: ChatPort, kind: str, ref_id: int, message: ui.Message) -> int:
    """A follow-up in the thread of every posted copy."""
    places = _posted_places(db, kind, ref_id)
    for post, sent in places:
        try:
            port.send(sent.channel, message, thread=sent.ts)
        except DeliveryError as error:
            log.warning("follow-up to channel post %s failed: %s", post.id, error.code)
    return len(places)
