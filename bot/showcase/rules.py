"""The scheduler's rules and builders for results (declared in bot/showcase/feature.py):

- `recognition_rule`: when an employee shares a result, their personnel leader is nudged to
  recognise it (a nudge: counts toward the weekly cap; dropped once they have recognised it);
- `digest_rule`: departments that chose a weekly digest get their week's results in one post;
- `undelivered_rule`: copies that could not be posted (or whose attempt died) are reported to
  the secretariat, with "Prøv igen".

Settings live in bot/policy.toml `[showcase]`; the defaults here apply when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.core import actions, ui
from bot.core.due import BuildContext, Due, PlanWindow, for_each_target
from bot.core.working_calendar import WorkingCalendar
from bot.showcase import domain as showcase
from bot.showcase import messages
from bot.showcase.channel_posts import STALE_AFTER
from storage.models import Department, Network, Person
from storage.showcase_models import (
    ChannelPost,
    NetworkResult,
    OpenCall,
    PostKind,
    PostStatus,
    ResultStatus,
)

DEFAULTS: dict[str, Any] = {
    "recognition_nudge": True,
    "recognition_within_days": 7,
    "digest_weekday": 5,
    "meeting_prompt_working_days_before": 3,
    "meeting_follow_up_working_days_after": 1,
    "meeting_suggest_after_months": 6,
    "undelivered_report_days": 14,
}


def setting(calendar: WorkingCalendar, name: str) -> Any:
    return calendar.policy.section("showcase").get(name, DEFAULTS[name])


# --- recognition nudge ----------------------------------------------------------------------


def recognition_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Every tick: results shared in the last days whose poster has a personnel leader."""
    if not setting(window.calendar, "recognition_nudge"):
        return []
    since = window.now - timedelta(days=int(setting(window.calendar, "recognition_within_days")))
    rows = session.exec(
        select(NetworkResult.id, NetworkResult.created_at, Person.manager_id)
        .join(Person, col(Person.id) == col(NetworkResult.posted_by_id))
        .where(
            NetworkResult.status == ResultStatus.PUBLISHED,
            col(NetworkResult.created_at) >= since,
            col(Person.active).is_(True),
            col(Person.manager_id).is_not(None),
        )
    ).all()
    found = []
    for result_id, created_at, manager_id in rows:
        if manager_id is None or result_id is None:
            continue
        found.append(
            Due(
                key=f"recognise:{result_id}:{manager_id}",
                kind="recognition_nudge",
                subject=f"result:{result_id}",
                due_on=window.local_date(created_at),
                recipient_id=manager_id,
                payload={"result_id": result_id},
            )
        )
    return found


def recognition_nudge(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    result = ctx.session.get(NetworkResult, int(payload["result_id"]))
    if result is None or result.status != ResultStatus.PUBLISHED or ctx.recipient is None:
        return None
    employee = ctx.session.get(Person, result.posted_by_id)
    network = ctx.session.get(Network, result.network_id)
    if employee is None or network is None or employee.manager_id != ctx.recipient.id:
        return None
    if showcase.has_recognised(ctx.session, result.id or 0, ctx.recipient.id or 0):
        return None  # already recognised: the nudge is dropped
    return messages.recognition_nudge(ctx.t, result, network, employee)


# --- the weekly digest ----------------------------------------------------------------------


def digest_day(window: PlanWindow, monday: date) -> date:
    """The digest day of the week starting `monday`: the configured weekday (1 = Monday), or
    the next working day when that is closed (which may fall in the following week)."""
    weekday = int(setting(window.calendar, "digest_weekday"))
    return window.workdays.on_or_after(monday + timedelta(days=weekday - 1))


def digest_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On the digest day: each digest department's results since the previous digest day."""
    if not window.new_day:
        return []
    this_monday = window.today - timedelta(days=window.today.weekday())
    found: list[Due] = []
    # Last week's digest day may fall in this week (Friday and Monday closed: Tuesday).
    for monday in (this_monday - timedelta(days=7), this_monday):
        day = digest_day(window, monday)
        if window.fresh(day):
            found += _digests_on(session, window, digest_day(window, monday - timedelta(7)), day)
    return found


def _digests_on(session: Session, window: PlanWindow, previous: date, day: date) -> list[Due]:
    posts = session.exec(
        select(ChannelPost).where(
            ChannelPost.kind == PostKind.RESULT,
            ChannelPost.status == PostStatus.DIGEST,
            col(ChannelPost.created_at) >= window.midnight(previous),
            col(ChannelPost.created_at) < window.midnight(day),
        )
    ).all()
    by_place: dict[tuple[int, str], list[int]] = {}
    for post in posts:
        if post.channel:
            by_place.setdefault((post.department_id, post.channel), []).append(post.id or 0)
    found = []
    for (department_id, channel), post_ids in sorted(by_place.items()):
        department = session.get(Department, department_id)
        if department is None or channel not in showcase.channels_of(department):
            continue
        # The Slack channel's key is the one it always had; another channel's names it.
        place = "" if channel == department.channel else f"{channel}:"
        found.append(
            Due(
                key=f"result-digest:{department_id}:{place}{day.isoformat()}",
                kind="result_digest",
                subject=f"digest:{department_id}",
                due_on=day,
                channel=channel,
                capped=False,
                payload={"department_id": department_id, "post_ids": sorted(post_ids)},
            )
        )
    return found


def digest_items(session: Session, post_ids: list[int]) -> list[messages.DigestItem]:
    posts = session.exec(
        select(ChannelPost).where(
            col(ChannelPost.id).in_(post_ids or [0]), ChannelPost.status == PostStatus.DIGEST
        )
    ).all()
    items = []
    for post in sorted(posts, key=lambda p: p.id or 0):
        result = session.get(NetworkResult, post.ref_id)
        if result is None or result.status != ResultStatus.PUBLISHED:
            continue
        network = session.get(Network, result.network_id)
        poster = session.get(Person, result.posted_by_id)
        if network is None or poster is None:
            continue
        names = tuple(showcase.recognisers(session, result.id or 0))
        items.append(messages.DigestItem(result, network, poster, names))
    return items


def result_digest(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    items = digest_items(ctx.session, [int(i) for i in payload.get("post_ids", [])])
    if not items:
        return None
    return ui.fit_items(
        lambda shown: messages.result_digest(ctx.t, items, ctx.outbox_id, shown),
        len(items),
        ctx.fits,
    )[0]


# --- undelivered copies, for the secretariat ------------------------------------------------


def undelivered_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Every tick: copies that failed (or were left unposted) lately, one report per result."""
    since = window.now - timedelta(days=int(setting(window.calendar, "undelivered_report_days")))
    stuck_before = window.now - STALE_AFTER * 5
    posts = session.exec(
        select(ChannelPost).where(
            col(ChannelPost.updated_at) >= since,
            (col(ChannelPost.status) == PostStatus.FAILED)
            | (
                # An attempt that died, or a share whose posting never started (the process
                # stopped right after the modal closed): nothing may be lost silently.
                col(ChannelPost.status).in_([PostStatus.POSTING, PostStatus.PENDING])
                & (col(ChannelPost.updated_at) < stuck_before)
            ),
        )
    ).all()
    groups: dict[tuple[str, int], list[ChannelPost]] = {}
    for post in posts:
        groups.setdefault((post.kind, post.ref_id), []).append(post)
    found: list[Due] = []
    for (kind, ref_id), items in sorted(groups.items()):
        ids = sorted(p.id or 0 for p in items)
        attempts = sum(p.attempts for p in items)
        found += for_each_target(
            session,
            window,
            key=f"showcase-undelivered:{kind}:{ref_id}:{'-'.join(map(str, ids))}:{attempts}",
            kind="showcase_undelivered",
            subject=f"undelivered:{kind}:{ref_id}",
            due_on=window.today,
            payload={"kind": kind, "ref_id": ref_id, "post_ids": ids},
        )
    return found


def _what(session: Session, t: Any, kind: str, ref_id: int) -> str | None:
    if kind == PostKind.RESULT:
        result = session.get(NetworkResult, ref_id)
        if result is None:
            return None
        network = session.get(Network, result.network_id)
        poster = session.get(Person, result.posted_by_id)
        return str(
            t(
                "showcase.undelivered.result",
                title=result.title,
                network=network.name if network else "?",
                name=poster.name if poster else "?",
            )
        )
    call = session.get(OpenCall, ref_id)
    if call is None:
        return None
    network = session.get(Network, call.network_id)
    return str(
        t(
            "showcase.undelivered.open_call",
            network=network.name if network else "?",
        )
    )


def undelivered(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    t, kind, ref_id = ctx.t, str(payload["kind"]), int(payload["ref_id"])
    posts = ctx.session.exec(
        select(ChannelPost).where(
            col(ChannelPost.id).in_([int(i) for i in payload.get("post_ids", [])] or [0]),
            col(ChannelPost.status).in_(
                [PostStatus.FAILED, PostStatus.POSTING, PostStatus.PENDING]
            ),
        )
    ).all()
    what = _what(ctx.session, t, kind, ref_id)
    if not posts or what is None:
        return None  # posted meanwhile (a retry, or the lost attempt got through)
    lines = []
    for post in posts:
        department = ctx.session.get(Department, post.department_id)
        code = (post.error or "other") if post.status == PostStatus.FAILED else "unknown"
        lines.append(
            t(
                "showcase.undelivered.line",
                department=department.name if department else "?",
                channel=post.channel or "–",
                reason=t(messages.reason_key(code)),
            )
        )
    return ui.Message(
        text=t("showcase.undelivered.text", count=len(lines)),
        parts=(
            ui.Heading(t("showcase.undelivered.heading")),
            ui.Text(what),
            ui.Text(ui.join("\n", lines)),
            ui.Note(t("showcase.undelivered.note")),
            ui.Buttons(
                (
                    ui.Button(
                        t("showcase.button.retry"),
                        actions.RESULT_RETRY,
                        f"{kind}:{ref_id}",
                        "primary",
                    ),
                ),
                id=f"undelivered-{kind}-{ref_id}",
            ),
        ),
    )
