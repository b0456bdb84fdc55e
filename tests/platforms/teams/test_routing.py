"""Two platforms, one delivery: a result posted once to every department Teams channel, a
department on Slack and Teams posted in both, a person's messages on the one platform they were
last seen on (never both), and someone on no platform reported to the secretariat once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlmodel import select

from bot.core import identity, ui
from bot.core.routing import RoutedChat
from bot.reminders.digest import FAILURE_REPORT_KIND
from bot.showcase import channel_posts
from bot.showcase import domain as showcase
from bot.showcase.domain import ResultInput
from emulator import SlackWebAPI
from emulator.microsoft import MicrosoftCloud
from netvaerk.app import build_transport
from platforms.teams.identity import remember
from schedules.delivery import UNREACHABLE
from schedules.planner import plan
from storage.db import Database
from storage.models import Department, NetworkMember, Person
from storage.scheduling_models import OutboxStatus
from storage.showcase_models import ChannelPost, PostKind, PostStatus
from tests.delivery_support import MONDAY
from tests.platforms.teams.support import (
    on_teams,
    outbox_ids_posted,
    queue,
    run,
    teams_chat,
    teams_deps,
)
from tests.schedule_support import (  # noqa: F401  (a fixture)
    TOKEN,
    Org,
    make_deps,
    only_scheduler_rules,
    outbox,
)
from tests.slack_ids import slack_id

pytestmark = pytest.mark.usefixtures("only_scheduler_rules")


@pytest.fixture
def slack() -> Iterator[SlackWebAPI]:
    with SlackWebAPI(tokens=[TOKEN]) as started:
        started.add_channel("C0BYMILJO1", "by-og-miljoe")
        yield started


def _render(_session: object) -> ui.Message:
    return ui.Message("Et resultat", (ui.Heading("Skybrudsplan"), ui.Text("Et resultat")))


def _departments(db: Database, org: Org, channels: list[tuple[str | None, str]]) -> None:
    """Anne (the leader), Søren and Mette (members of her network) each in their own department,
    with these (Slack channel, Teams channel)."""
    with db.session() as s:
        for person, (slack_channel, teams_channel) in zip(
            (org.anne, org.soren, org.mette), channels, strict=True
        ):
            department = Department(
                name=f"Afdeling {person.name}", channel=slack_channel, teams_channel=teams_channel
            )
            s.add(department)
            s.flush()
            row = s.get(Person, person.id)
            assert row is not None
            row.department_id = department.id
            s.add(row)
        s.add(NetworkMember(network_id=org.network.id or 0, person_id=org.mette.id or 0))
        s.commit()


def _publish(db: Database, org: Org) -> int:
    with db.session() as s:
        anne = s.get(Person, org.anne.id)
        assert anne is not None
        draft = showcase.save_draft(
            s, anne, ResultInput(org.network.id or 0, "Skybrud", "opnået", "betyder", None)
        )
        showcase.publish(s, anne, draft.id or 0)
        return draft.id or 0


def test_a_result_is_posted_once_to_each_of_three_department_teams_channels(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = teams_deps(db, cloud)
    channels = [cloud.add_channel(name) for name in ("By og Miljø", "Kultur", "Skole")]
    _departments(db, org, [(None, c.id) for c in channels])
    with freeze_time(MONDAY):
        result_id = _publish(db, org)
        port = teams_chat(deps)
        outcome = channel_posts.post_all(db, port, PostKind.RESULT, result_id, _render)
        assert len(outcome.posted) == 3 and outcome.failed == []
        # Again (a double click, the secretariat's retry): nothing more.
        with db.session() as s:
            anne = s.get(Person, org.anne.id)
            assert anne is not None
            showcase.publish(s, anne, result_id)
        channel_posts.post_all(db, port, PostKind.RESULT, result_id, _render)
        updated = channel_posts.update_all(
            db, port, PostKind.RESULT, result_id, ui.Message("Anerkendt", (ui.Text("Anerkendt"),))
        )
    assert updated == 3
    for channel in channels:
        [post] = cloud.messages_in(channel.id)
        assert post.updates == 1 and post.cards[0]["body"][0]["text"] == "Anerkendt"
    created = cloud.calls_to("create_conversation")
    assert len(created) == 3  # one new thread per channel, each tagged with its post row
    tags = {c.body["activity"]["channelData"]["netvaerk"]["channel_post"] for c in created}
    assert len(tags) == 3
    assert cloud.warnings == []


def test_a_department_on_both_platforms_gets_one_post_in_each(
    db: Database, cloud: MicrosoftCloud, slack: SlackWebAPI, org: Org
) -> None:
    deps = make_deps(db, slack.api_url, **cloud.teams_settings())
    teams_channel = cloud.add_channel("By og Miljø")
    _departments(
        db,
        org,
        [
            ("C0BYMILJO1", teams_channel.id),
            (None, "19:nowhere0001@thread.tacv2"),
            (None, teams_channel.id),
        ],
    )
    port = build_transport(deps)
    assert isinstance(port, RoutedChat) and port.platforms == ("slack", "teams")
    with freeze_time(MONDAY):
        result_id = _publish(db, org)
        outcome = channel_posts.post_all(db, port, PostKind.RESULT, result_id, _render)
    slack_posts = [m for channel, m in slack.message_log() if channel == "C0BYMILJO1"]
    assert len(slack_posts) == 1
    assert len(cloud.messages_in(teams_channel.id)) == 1  # two departments, one channel
    assert len(outcome.posted) == 3
    [failed] = outcome.failed  # a Teams channel the bot is not in: reported, not hidden
    assert (
        failed.channel == "19:nowhere0001@thread.tacv2" and failed.error == "ConversationNotFound"
    )
    with db.session() as s:
        rows = s.exec(select(ChannelPost).where(ChannelPost.ref_id == result_id)).all()
    assert sorted(p.status for p in rows) == sorted(
        [PostStatus.POSTED, PostStatus.POSTED, PostStatus.POSTED, PostStatus.FAILED]
    )


def test_a_person_on_both_platforms_hears_on_the_one_last_seen_only(
    db: Database, cloud: MicrosoftCloud, slack: SlackWebAPI, org: Org
) -> None:
    deps = make_deps(db, slack.api_url, **cloud.teams_settings())
    for person in (org.anne, org.soren):
        slack.add_user(slack_id(person), person.email, person.name)
    # Both have Slack ids (from the import); Søren is then seen on Teams, which is newer.
    with freeze_time(MONDAY - timedelta(days=1)):
        users = on_teams(db, cloud, [org.soren], known=True)
    with freeze_time(MONDAY - timedelta(days=3)), db.session() as s:
        # Anne was seen on Teams before her Slack id was last confirmed.
        user = cloud.add_user(org.anne.name, org.anne.email)
        remember(s, org.anne.id or 0, user.teams_id)
        s.commit()
    with freeze_time(MONDAY - timedelta(days=2)), db.session() as s:
        identity.link(s, org.anne.id or 0, "slack", "U0ANNE0NEW")
        s.commit()
    slack.add_user("U0ANNE0NEW", org.anne.email, org.anne.name)
    queue(db, deps, [org.anne, org.soren])
    port = build_transport(deps)
    assert port is not None
    stats = run(deps, port, MONDAY)
    assert stats.sent == 2
    rows = {row.recipient_id: row for row in outbox(db)}
    anne_row, soren_row = rows[org.anne.id], rows[org.soren.id]
    slack_ids = {
        str(m.get("metadata", {}).get("event_payload", {}).get("outbox_id"))
        for _c, m in slack.message_log()
    }
    assert slack_ids == {str(anne_row.id)}
    assert dict(outbox_ids_posted(cloud)) == {str(soren_row.id): 1}
    assert [m.id for m in cloud.messages_to(users[org.soren.id or 0])] == [soren_row.sent_ts]


def test_someone_on_no_platform_is_reported_to_the_secretariat_once(
    db: Database, cloud: MicrosoftCloud, org: Org
) -> None:
    deps = teams_deps(db, cloud)
    on_teams(db, cloud, [org.ida], known=True)  # the secretariat is on Teams; Anne is not yet
    queue(db, deps, [org.anne], per_person=2)
    stats = run(deps, teams_chat(deps), MONDAY)
    assert stats.failed == 1 and stats.drop_reasons == {"no_address": 1}
    failed = outbox(db, status=OutboxStatus.FAILED)
    assert [(r.recipient_id, r.last_error) for r in failed] == [(org.anne.id, UNREACHABLE)]
    with freeze_time(MONDAY + timedelta(minutes=1)):
        plan(deps, MONDAY + timedelta(minutes=1))
        plan(deps, MONDAY + timedelta(minutes=2))
    [report] = outbox(db, kind=FAILURE_REPORT_KIND)
    assert report.recipient_id == org.ida.id and report.payload == {"items": [failed[0].id]}
    run(deps, teams_chat(deps), MONDAY + timedelta(minutes=3))
    [report] = outbox(db, kind=FAILURE_REPORT_KIND)
    assert report.status == OutboxStatus.SENT
    [message] = cloud.messages_in(report.sent_channel or "")
    assert org.anne.name in str(message.cards[0])
