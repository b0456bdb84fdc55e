"""Point 5: "udviser interesse for medarbejderens netværksledelse, netværksdeltagelse og
netværksarbejde".

Once a month (the first working day) every personnel leader with employees in networks gets
what those networks posted lately, with a prompt to ask about it. The checklist's button sends
the same message at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.checklist.domain import leaders_with_employees_in_networks
from bot.core import ui
from bot.core.due import BuildContext, Due, PlanWindow
from bot.core.formatting import format_date
from bot.core.i18n import Translator
from bot.organisation.people import employees_in_networks
from storage.models import Network, NetworkMember, Person

# "Lately": what the networks posted in this many days.
RECENT_DAYS = 31


@dataclass(frozen=True)
class NetworkPost:
    network_id: int
    title: str
    posted_on: date


def recent_network_posts(
    session: Session, network_ids: Iterable[int], since: datetime
) -> list[NetworkPost]:
    """What these networks posted since `since`, newest first: the results their leaders and
    participants shared (bot/showcase/domain.py)."""
    from bot.showcase import (
        domain as showcase,  # the showcase feature; imported late, it imports much
    )

    wanted = set(network_ids)
    if not wanted:
        return []
    networks = session.exec(select(Network).where(col(Network.id).in_(wanted))).all()
    by_name = {n.name: n.id for n in networks if n.id is not None}
    people = {n.leader_id for n in networks} | set(
        session.exec(
            select(NetworkMember.person_id).where(col(NetworkMember.network_id).in_(wanted))
        ).all()
    )
    return [
        NetworkPost(by_name[r.network], r.title, r.posted_on)
        for r in showcase.recent_results(session, sorted(people), since)
        if r.network in by_name
    ]


def interest_message(
    session: Session, t: Translator, manager: Person, now: datetime, news_only: bool = False
) -> ui.Message | None:
    """What the manager's employees' networks posted lately, and a prompt to ask about it;
    None when no employee leads or joins a network (or, with `news_only`, nothing was posted)."""
    assert manager.id is not None
    pairs = employees_in_networks(session, manager.id)
    if not pairs:
        return None
    posts = recent_network_posts(
        session, {n.id for _, n in pairs if n.id is not None}, now - timedelta(days=RECENT_DAYS)
    )
    if news_only and not posts:
        return None
    by_network: dict[int, list[NetworkPost]] = {}
    for post in posts:
        by_network.setdefault(post.network_id, []).append(post)
    lines = []
    for employee, network in pairs:
        role = "leader" if network.leader_id == employee.id else "participant"
        lines.append(t(f"checklist.interest.{role}", employee=employee.name, network=network.name))
        for post in by_network.get(network.id or 0, [])[:3]:
            lines.append(
                t(
                    "checklist.interest.post",
                    title=post.title,
                    date=format_date(post.posted_on, t.language),
                )
            )
    parts: list[ui.Part] = [
        ui.Heading(t("checklist.interest.heading")),
        ui.Text(t("checklist.interest.intro")),
        ui.Text(ui.join("\n", lines)),
    ]
    if not posts:
        parts.append(ui.Note(t("checklist.interest.nothing")))
    parts.append(ui.Text(t("checklist.interest.ask")))
    return ui.Message(text=t("checklist.interest.text"), parts=tuple(parts))


def first_working_day(window: PlanWindow, day: date) -> date:
    return window.workdays.on_or_after(day.replace(day=1))


def interest_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On the month's first working day: one message per personnel leader whose employees'
    networks posted something in the last month (capped: it counts toward the weekly cap). A
    month without news sends nothing — a nudge without news is noise that uses up the cap."""
    if not window.new_day:
        return []
    day = first_working_day(window, window.today)
    if not window.fresh(day):
        return []
    month = day.strftime("%Y-%m")
    since = window.now - timedelta(days=RECENT_DAYS)
    found = []
    for person_id in leaders_with_employees_in_networks(session):
        networks = {n.id for _, n in employees_in_networks(session, person_id) if n.id is not None}
        if not recent_network_posts(session, networks, since):
            continue
        found.append(
            Due(
                key=f"interest:{person_id}:{month}",
                kind="checklist_interest",
                subject=f"interest:{person_id}",
                due_on=day,
                recipient_id=person_id,
                payload={"month": month},
            )
        )
    return found


def checklist_interest(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    if ctx.recipient is None or not ctx.recipient.active:
        return None
    return interest_message(ctx.session, ctx.t, ctx.recipient, ctx.now, news_only=True)
