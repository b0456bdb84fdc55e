"""Nudge 7: potential network themes.

The seed: "Personalelederen har ligeledes blik for potentielle netværkstemaer i egen afdeling og
i snitfladerne mellem andre afdelinger." Albertslund chooses themes in January and June with
proposals due 1 May and 1 December (DESIGN.md §1; the dates live in the policy file), so personnel
leaders are invited three weeks before each deadline, and every proposal goes to the secretariat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.core import actions, audit, ui
from bot.core.due import BuildContext, Due, PlanWindow, for_each_target
from bot.core.formatting import format_date
from bot.core.i18n import Translator
from storage.models import Department, Person
from storage.scheduling_models import ThemeProposal

PROPOSAL_MAX = 3000
THEME_FIELD = "theme"


def next_deadline(policy_deadlines: Iterable[tuple[int, int]], today: date) -> date:
    """The first proposal deadline on or after `today`."""
    candidates = [
        date(year, month, day)
        for year in (today.year, today.year + 1)
        for month, day in policy_deadlines
    ]
    return min(d for d in candidates if d >= today)


def _invite_day(window: PlanWindow, deadline: date) -> date:
    return window.workdays.on_or_after(
        deadline - timedelta(days=window.policy.theme_invite_days_before)
    )


def personnel_leaders(session: Session) -> list[int]:
    """Everyone active who is the personnel leader of at least one active employee."""
    employee = aliased(Person)
    rows = session.exec(
        select(Person.id)
        .join(employee, col(employee.manager_id) == col(Person.id))
        .where(col(Person.active).is_(True), col(employee.active).is_(True))
        .distinct()
    ).all()
    return sorted(i for i in rows if i is not None)


def theme_invite_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """On the invitation day before each deadline, one invitation per personnel leader."""
    if not window.new_day:
        return []
    found: list[Due] = []
    for year in (window.today.year, window.today.year + 1):
        for month, day in window.policy.theme_deadlines:
            deadline = date(year, month, day)
            invite = _invite_day(window, deadline)
            if not window.fresh(invite) or deadline <= window.today:
                continue
            found += [
                Due(
                    key=f"theme-invite:{deadline.isoformat()}:{person_id}",
                    kind="theme_invite",
                    subject=f"theme:{deadline.isoformat()}",
                    due_on=invite,
                    recipient_id=person_id,
                    payload={"deadline": deadline.isoformat()},
                )
                for person_id in personnel_leaders(session)
            ]
    return found


def theme_proposal_rule(session: Session, window: PlanWindow) -> Iterable[Due]:
    """Every tick: proposals made since the last tick go to the secretariat."""
    # Proposals exist only through the bot, so without a cursor every one is new; the dedupe
    # keys keep those already forwarded from going twice.
    seen = window.cursors.get("theme_proposal_id") or "0"
    newest = (
        session.exec(
            select(ThemeProposal.id).order_by(col(ThemeProposal.id).desc()).limit(1)
        ).first()
        or 0
    )
    window.cursors.set("theme_proposal_id", str(newest))
    if newest <= int(seen):
        return []
    found: list[Due] = []
    for proposal_id in session.exec(
        select(ThemeProposal.id).where(col(ThemeProposal.id) > int(seen))
    ).all():
        found += for_each_target(
            session,
            window,
            key=f"theme-proposal:{proposal_id}",
            kind="theme_proposal",
            subject=f"theme-proposal:{proposal_id}",
            due_on=window.today,
            payload={"proposal_id": proposal_id},
        )
    return found


def propose(session: Session, actor: Person, text: str) -> ThemeProposal:
    """Store a proposal; the planner forwards it to the secretariat on its next tick."""
    proposal = ThemeProposal(proposed_by_id=actor.id or 0, text=text.strip()[:PROPOSAL_MAX])
    session.add(proposal)
    session.flush()
    audit.record(
        session, audit.person_actor(actor.id), "theme.proposed", "theme_proposal", proposal.id
    )
    session.commit()
    session.refresh(proposal)
    return proposal


def proposal_form(t: Translator, deadline: date | None) -> ui.Form:
    hint = (
        t("scheduler.theme.form.hint", deadline=format_date(deadline, t.language))
        if deadline
        else None
    )
    return ui.Form(
        callback=actions.THEME_FORM,
        title=t("scheduler.theme.form.title"),
        submit=t("scheduler.theme.form.submit"),
        close=t("scheduler.theme.form.close"),
        items=(
            ui.Text(t("scheduler.theme.form.intro")),
            ui.TextInput(
                id=THEME_FIELD,
                label=t("scheduler.theme.form.label"),
                multiline=True,
                max_length=PROPOSAL_MAX,
                hint=hint,
            ),
        ),
    )


# --- messages ------------------------------------------------------------------------------


def theme_invite(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    deadline = date.fromisoformat(payload["deadline"])
    if ctx.recipient is None or deadline <= ctx.now.date():
        return None
    t = ctx.t
    when = format_date(deadline, ctx.language)
    return ui.Message(
        text=t("scheduler.theme.invite.text", deadline=when),
        parts=(
            ui.Heading(t("scheduler.theme.invite.heading")),
            ui.Text(t("scheduler.theme.invite.body", deadline=when)),
            ui.Buttons(
                (
                    ui.Button(
                        t("scheduler.button.propose_theme"), actions.THEME_OPEN, "", "primary"
                    ),
                    ui.Button(
                        t("scheduler.button.no_theme"),
                        actions.NUDGE_DISMISS,
                        f"theme:{deadline.isoformat()}",
                    ),
                ),
                id=f"theme-{deadline.isoformat()}",
            ),
        ),
    )


def theme_proposal(ctx: BuildContext, payload: Mapping[str, Any]) -> ui.Message | None:
    proposal = ctx.session.get(ThemeProposal, int(payload["proposal_id"]))
    if proposal is None:
        return None
    author = ctx.session.get(Person, proposal.proposed_by_id)
    if author is None:
        return None
    department = ctx.session.get(Department, author.department_id) if author.department_id else None
    t = ctx.t
    return ui.Message(
        text=t("scheduler.theme.proposal.text", name=author.name),
        parts=(
            ui.Heading(t("scheduler.theme.proposal.heading")),
            ui.Facts(
                (
                    (t("scheduler.theme.proposal.from"), author.name),
                    (
                        t("scheduler.theme.proposal.department"),
                        department.name if department else "–",
                    ),
                )
            ),
            ui.Text(proposal.text),
        ),
    )
