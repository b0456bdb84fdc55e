"""The showcase domain: who may share, where results go, posting exactly once per department
(two departments in one channel, a dead attempt), recognition once per person, recent results
for PULS, and erasure."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.core import ui
from bot.core.chat import DeliveryError, Failure, Sent
from bot.core.refusal import Refusal
from bot.privacy import domain as privacy
from bot.reminders import puls
from bot.showcase import channel_posts
from bot.showcase import domain as showcase
from bot.showcase.domain import ResultInput
from netvaerk.features import registry
from storage.db import Database
from storage.models import Department, Person
from storage.showcase_models import (
    ChannelPost,
    DepartmentShowcase,
    NetworkResult,
    PostKind,
    PostStatus,
    Recognition,
)
from tests.factories import Org, build_org

NOW = "2027-03-01 09:00:00"


class Channels:
    """A chat platform in memory: which channels exist, which the bot is in, what it posted."""

    def __init__(self, joined: set[str], joinable: set[str] | None = None) -> None:
        self.joined, self.joinable = set(joined), set(joinable or ())
        self.posts: list[tuple[str, ui.Message]] = []
        self.updates: list[str] = []

    platform = "slack"

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Sent:
        if to not in self.joined:
            failure = "not_in_channel" if to in self.joinable else "is_archived"
            raise DeliveryError(Failure.PERMANENT, failure)
        self.posts.append((to, message))
        return Sent(to, f"{len(self.posts)}.0")

    def attach(self, to: str, attachment: ui.Attachment, *, thread: str | None = None) -> None:
        raise AssertionError("channel posts carry no files")

    def update(self, sent: Sent, message: ui.Message) -> None:
        self.updates.append(sent.ts)

    def join(self, channel: str) -> None:
        if channel not in self.joinable:
            raise DeliveryError(Failure.PERMANENT, "is_archived")
        self.joined.add(channel)

    def find(self, to: str, key: str, value: str, since: datetime) -> Sent | None:
        for n, (where, message) in enumerate(self.posts, start=1):
            if where == to and (message.metadata or {}).get(key) == value:
                return Sent(to, f"{n}.0")
        return None

    def fits(self, message: ui.Message) -> bool:
        return True


def _render(session: object) -> ui.Message:
    return ui.Message("Et resultat", (ui.Text("Et resultat"),))


def _result(db: Database, who: Person, org: Org, title: str = "Skybrud") -> NetworkResult:
    with db.session() as s:
        draft = showcase.save_draft(
            s, who, ResultInput(org.network.id or 0, title, "opnået", "betyder", None)
        )
        showcase.publish(s, who, draft.id or 0)
        return showcase.get_result(s, draft.id or 0)


def _second_department(db: Database, org: Org, channel: str | None) -> Department:
    with db.session() as s:
        department = Department(name="Økonomi og Stab", channel=channel)
        s.add(department)
        s.flush()
        mette = s.get(Person, org.mette.id)
        assert mette is not None
        mette.department_id = department.id
        s.add(mette)
        s.commit()
        s.refresh(department)
        return department


@freeze_time(NOW)
def test_only_members_may_share_and_only_from_their_networks(db: Database) -> None:
    org = build_org(db)
    with db.session() as s:
        with pytest.raises(Refusal) as refused:
            showcase.save_draft(
                s, org.fatima, ResultInput(org.network.id or 0, "t", "a", "m", None)
            )
        assert refused.value.key == "showcase.refusal.not_member"
        with pytest.raises(Refusal):  # Anne does not join Ole's network
            showcase.save_draft(
                s, org.anne, ResultInput(org.other_network.id or 0, "t", "a", "m", None)
            )
        found = showcase.networks_for_poster(s, org.soren.id or 0, date(2027, 3, 1))
        assert [n.name for n in found] == ["Klimatilpasning"]


@freeze_time(NOW)
def test_posted_once_per_channel_even_when_two_departments_share_it(db: Database) -> None:
    org = build_org(db)
    _second_department(db, org, "C0BYMILJO")  # the reference leader's department, same channel
    result = _result(db, org.anne, org)
    port = Channels(joined={"C0BYMILJO"})
    outcome = channel_posts.post_all(db, port, PostKind.RESULT, result.id or 0, _render)
    assert [channel for channel, _ in port.posts] == ["C0BYMILJO"]
    assert len(outcome.posted) == 2 and {p.ts for p in outcome.posted} == {"1.0"}
    # Publishing and posting again (a double click, a Slack retry) changes nothing.
    with db.session() as s:
        showcase.publish(s, org.anne, result.id or 0)
    channel_posts.post_all(db, port, PostKind.RESULT, result.id or 0, _render)
    assert len(port.posts) == 1


@freeze_time(NOW)
def test_joins_a_public_channel_and_reports_what_it_cannot_reach(db: Database) -> None:
    org = build_org(db)
    _second_department(db, org, "#oekonomi")
    result = _result(db, org.anne, org)
    port = Channels(joined=set(), joinable={"C0BYMILJO"})
    outcome = channel_posts.post_all(db, port, PostKind.RESULT, result.id or 0, _render)
    assert [channel for channel, _ in port.posts] == ["C0BYMILJO"]
    assert [(p.channel, p.error) for p in outcome.failed] == [("#oekonomi", "is_archived")]
    # Put back to pending by "Prøv igen", posted once the bot may join.
    port.joinable.add("#oekonomi")
    channel_posts.retry_failed(db, PostKind.RESULT, result.id or 0)
    outcome = channel_posts.post_all(db, port, PostKind.RESULT, result.id or 0, _render)
    assert [channel for channel, _ in port.posts] == ["C0BYMILJO", "#oekonomi"]
    assert outcome.failed == []


def test_an_attempt_that_died_is_not_posted_twice(db: Database) -> None:
    org = build_org(db)
    with freeze_time(NOW):
        result = _result(db, org.anne, org)
    port = Channels(joined={"C0BYMILJO"})
    with db.session() as s:
        (post,) = s.exec(select(ChannelPost)).all()
        post_id = post.id
    # The process posted, then died before recording it: the row is left "posting".
    port.posts.append(("C0BYMILJO", ui.Message("x", metadata={"channel_post": str(post_id)})))
    with freeze_time(NOW), db.session() as s:
        row = s.get(ChannelPost, post_id)
        assert row is not None
        row.status, row.attempts = PostStatus.POSTING, 1
        s.add(row)
        s.commit()
    with freeze_time(datetime.fromisoformat(NOW) + timedelta(seconds=30)):
        channel_posts.post_all(db, port, PostKind.RESULT, result.id or 0, _render)
        assert len(port.posts) == 1  # still in progress, perhaps: left alone
    with freeze_time(datetime.fromisoformat(NOW) + timedelta(minutes=5)):
        outcome = channel_posts.post_all(db, port, PostKind.RESULT, result.id or 0, _render)
    assert len(port.posts) == 1 and [p.ts for p in outcome.posted] == ["1.0"]


@freeze_time(NOW)
def test_digest_departments_wait_and_channelless_departments_fail(db: Database) -> None:
    org = build_org(db)
    other = _second_department(db, org, None)
    with db.session() as s:
        by = s.exec(select(Department).where(Department.name == "By og Miljø")).one()
        s.add(DepartmentShowcase(department_id=by.id or 0, digest=True))
        s.commit()
    result = _result(db, org.anne, org)
    with db.session() as s:
        posts = {p.department_id: p for p in showcase.posts_of(s, PostKind.RESULT, result.id or 0)}
    assert posts[by.id or 0].status == PostStatus.DIGEST
    assert (posts[other.id or 0].status, posts[other.id or 0].error) == ("failed", "no_channel")


@freeze_time(NOW)
def test_recognition_once_per_person_and_recent_results_for_puls(db: Database) -> None:
    org = build_org(db)
    result = _result(db, org.anne, org)
    with db.session() as s:
        assert showcase.recognise(s, org.lars, result.id or 0)
        assert not showcase.recognise(s, org.lars, result.id or 0)
        assert showcase.recognise(s, org.mette, result.id or 0)
        assert showcase.recognisers(s, result.id or 0) == ["Lars Nielsen", "Mette Holm"]
        since = datetime.fromisoformat(NOW + "+00:00") - timedelta(days=30)
        (recent,) = showcase.recent_results(s, [org.anne.id or 0], since)
        assert (recent.title, recent.recognitions, recent.network) == (
            "Skybrud",
            2,
            "Klimatilpasning",
        )
        assert [r.title for r in puls.recent_results(s, org.anne.id or 0, since)] == ["Skybrud"]
        assert puls.recent_results(s, org.soren.id or 0, since) == []


@freeze_time(NOW)
def test_erasing_a_poster_and_a_recogniser(db: Database) -> None:
    org = build_org(db)
    result = _result(db, org.anne, org)
    kept = _result(db, org.soren, org, "Workshop")
    with db.session() as s:
        by = s.exec(select(Department).where(Department.name == "By og Miljø")).one()
        s.add(DepartmentShowcase(department_id=by.id or 0, digest=True, updated_by_id=org.lars.id))
        s.commit()
        showcase.recognise(s, org.lars, result.id or 0)
        showcase.recognise(s, org.lars, kept.id or 0)
        showcase.recognise(s, org.mette, kept.id or 0)
    with db.session() as s:
        anne = s.get(Person, org.anne.id)
        assert anne is not None
        privacy.erase_person(s, registry(), anne, "operator")
    with db.session() as s:
        lars = s.get(Person, org.lars.id)
        assert lars is not None
        privacy.erase_person(s, registry(), lars, "operator")
    with db.session() as s:
        assert [r.title for r in s.exec(select(NetworkResult)).all()] == ["Workshop"]
        assert [r.person_id for r in s.exec(select(Recognition)).all()] == [org.mette.id]
        settings = s.exec(select(DepartmentShowcase)).one()
        assert settings.digest and settings.updated_by_id is None
        assert {p.ref_id for p in s.exec(select(ChannelPost)).all()} == {kept.id}
