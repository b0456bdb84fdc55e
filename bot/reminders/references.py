"""Nudge 6: the reference leader (referenceleder).

The seed: the reference leader "er netværkstemaets kobling til basisorganisationen og
netværkslederens strategiske medspiller og samarbejdspartner … som indgår i en sparringsrelation
om at løfte netværksarbejdet". So when a network starts the two are introduced to each other, and
while it runs the reference leader is reminded every quarter to spar with the network leader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from bot.core import actions, ui
from bot.core.due import BuildContext, Due, PlanWindow, add_months
from storage.models import Network, Person


def _start(window: PlanWindow, network: Network) -> date:
    return network.start_date or window.local_date(network.created_at)


def _running(network: Network, day: date, start: date) -> bool:
    return start <= day and (network.end_date is None or day <= network.end_date)


def _intro(network: Network, day: date) -> list[Due]:
    assert network.id is not None and network.reference_leader_id is not None
    pair = f"{network.leader_id}:{network.reference_leader_id}"
    payload = {
        "network_id": network.id,
        "leader_id": network.leader_id,
        "reference_leader_id": network.reference_leader_id,
    }
    return [
        Due(
            key=f"reference-intro:{network.id}:{pair}:{person_id}",
            kind="reference_intro",
            subject=f"reference:{network.id}",
            due_on=day,
            recipient_id=person_id,
            payload=payload,
        )
        for person_id in (network.leader_id, network.reference_leader_id)
    ]


def reference_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On each new day: introductions for networks that start (or changed their leader or
    reference leader), and the quarterly sparring nudge. Every tick: introductions for networks
    created since the last tick that have already started."""
    p = window.policy
    found: list[Due] = []
    if window.new_day:
        networks = session.exec(
            select(Network).where(
                col(Network.reference_leader_id).is_not(None),
                (col(Network.end_date).is_(None)) | (col(Network.end_date) > window.since_day),
            )
        ).all()
        for network in networks:
            start = _start(window, network)
            if not _running(network, window.today, start):
                continue
            changed = window.fresh(window.local_date(network.updated_at))
            if p.reference_introduce and (window.fresh(start) or changed):
                found += _intro(network, max(start, window.since_day + timedelta(days=1)))
            found += _sparring(window, network, start)
    found += _new_networks(session, window)
    return found


def _sparring(window: PlanWindow, network: Network, start: date) -> list[Due]:
    every = window.policy.sparring_every_months
    if every <= 0 or network.reference_leader_id is None:
        return []
    quarter = 1
    while (day := window.workdays.on_or_after(add_months(start, every * quarter))) <= window.today:
        if window.fresh(day):
            return [
                Due(
                    key=f"sparring:{network.id}:{quarter}:{network.reference_leader_id}",
                    kind="reference_sparring",
                    subject=f"sparring:{network.id}:{quarter}",
                    due_on=day,
                    recipient_id=network.reference_leader_id,
                    payload={
                        "network_id": network.id,
                        "leader_id": network.leader_id,
                        "reference_leader_id": network.reference_leader_id,
                        "quarter": quarter,
                    },
                )
            ]
        quarter += 1
    return []


def _new_networks(session: Session, window: PlanWindow) -> list[Due]:
    seen = window.cursors.get("network_id")
    newest = session.exec(select(Network.id).order_by(col(Network.id).desc()).limit(1)).first() or 0
    window.cursors.set("network_id", str(newest))
    if seen is None or newest <= int(seen) or not window.policy.reference_introduce:
        return []
    networks = session.exec(
        select(Network).where(
            col(Network.id) > int(seen), col(Network.reference_leader_id).is_not(None)
        )
    ).all()
    return [
        due
        for network in networks
        if _running(network, window.today, _start(window, network))
        for due in _intro(network, window.today)
    ]


# --- messages ------------------------------------------------------------------------------


def _pair(ctx: BuildContext, payload: Mapping[str, Any]) -> tuple[Network, Person, Person] | None:
    """The network and its two leaders, if the pair is still the one the message was for."""
    network = ctx.session.get(Network, int(payload["network_id"]))
    if network is None:
        return None
    if (network.leader_id, network.reference_leader_id) != (
        payload["leader_id"],
        payload["reference_leader_id"],
    ):
        return None
    today = ctx.now.date()
    if network.end_date is not None and network.end_date < today:
        return None
    leader = ctx.session.get(Person, network.leader_id)
    reference = ctx.session.get(Person, network.reference_leader_id or 0)
    if leader is None or reference is None or not (leader.active and reference.active):
        return None
    return network, leader, reference


def reference_intro(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    found = _pair(ctx, payload)
    if found is None or ctx.recipient is None:
        return None
    network, leader, reference = found
    t = ctx.t
    if ctx.recipient.id == leader.id:
        body = t(
            "scheduler.reference.intro.to_leader",
            other=ctx.mention(reference),
            network=network.name,
        )
    elif ctx.recipient.id == reference.id:
        body = t(
            "scheduler.reference.intro.to_reference",
            other=ctx.mention(leader),
            network=network.name,
            theme=network.theme,
        )
    else:
        return None
    return ui.Message(
        text=t("scheduler.reference.intro.text", network=network.name),
        parts=(
            ui.Heading(t("scheduler.reference.intro.heading", network=network.name)),
            ui.Text(body),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.talked"),
                        actions.NUDGE_DISMISS,
                        f"reference:{network.id}",
                        "primary",
                    ),
                ),
                id=f"reference-{network.id}",
            ),
        ),
    )


def reference_sparring(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    found = _pair(ctx, payload)
    if found is None or ctx.recipient is None:
        return None
    network, leader, reference = found
    if ctx.recipient.id != reference.id:
        return None
    t = ctx.t
    return ui.Message(
        text=t("scheduler.reference.sparring.text", leader=leader.name, network=network.name),
        parts=(
            ui.Heading(t("scheduler.reference.sparring.heading")),
            ui.Text(
                t(
                    "scheduler.reference.sparring.body",
                    leader=ctx.mention(leader),
                    network=network.name,
                )
            ),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.sparred"),
                        actions.NUDGE_DISMISS,
                        f"sparring:{network.id}:{payload['quarter']}",
                        "primary",
                    ),
                    ui.Button(
                        t("scheduler.button.snooze"),
                        actions.NUDGE_SNOOZE,
                        f"sparring:{network.id}:{payload['quarter']}",
                    ),
                ),
                id=f"sparring-{network.id}-{payload['quarter']}",
            ),
        ),
    )
