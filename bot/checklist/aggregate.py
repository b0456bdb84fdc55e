"""What the checklist shows beyond the person who answered: nothing personal.

- A person sees their own rounds (App Home: progress over time).
- The secretariat sees counts per point over everyone's latest completed round, and per
  department only where at least `K_ANONYMITY` (5) people answered; below that "for få svar"
  (GDPR: answers about how one leads are personal; k-anonymity keeps anyone from being singled
  out). The whole organisation's counts follow the same threshold.

`aggregate` is a pure function of the responses, so the threshold is tested without a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.checklist.domain import (
    ANSWERS,
    GAPS,
    POINTS,
    completed_rounds,
    is_personnel_leader,
    open_round,
    state_of,
)
from bot.core import actions, ui
from bot.core.i18n import Translator
from bot.home.sections import K_ANONYMITY, HomeContext
from storage.checklist_models import ChecklistAnswer, ChecklistRound
from storage.models import Department, Person

HISTORY_SHOWN = 4
GAP_POINTS_SHOWN = 3


@dataclass(frozen=True)
class Response:
    """One respondent's latest completed round: the unit that is counted."""

    department: str | None
    answers: Mapping[int, str]  # point → answer


@dataclass(frozen=True)
class Group:
    name: str | None  # None: the whole organisation
    respondents: int
    counts: Mapping[int, Mapping[str, int]] | None  # point → answer → count; None: too few


@dataclass(frozen=True)
class Aggregate:
    overall: Group
    departments: tuple[Group, ...]


def _group(name: str | None, responses: Sequence[Response], k: int) -> Group:
    if len(responses) < k:
        return Group(name, len(responses), None)
    counts = {
        point: dict(Counter(r.answers[point] for r in responses if point in r.answers))
        for point in POINTS
    }
    return Group(name, len(responses), counts)


def aggregate(responses: Iterable[Response], k: int = K_ANONYMITY) -> Aggregate:
    """Counts per point, overall and per department, each only over at least `k` respondents."""
    found = list(responses)
    by_department: dict[str | None, list[Response]] = {}
    for response in found:
        by_department.setdefault(response.department, []).append(response)
    departments = tuple(
        _group(name, group, k)
        for name, group in sorted(
            by_department.items(), key=lambda item: (item[0] is None, item[0] or "")
        )
    )
    return Aggregate(_group(None, found, k), departments)


def latest_responses(session: Session) -> list[Response]:
    """Every active person's latest completed round, with their current department."""
    rounds = session.exec(
        select(ChecklistRound, Person)
        .join(Person, col(Person.id) == col(ChecklistRound.person_id))
        .where(col(ChecklistRound.completed_at).is_not(None), col(Person.active).is_(True))
        .order_by(col(ChecklistRound.started_at).desc(), col(ChecklistRound.id).desc())
    ).all()
    latest: dict[int, tuple[ChecklistRound, Person]] = {}
    for round_, person in rounds:
        latest.setdefault(round_.person_id, (round_, person))
    if not latest:
        return []
    ids = [r.id for r, _ in latest.values()]
    answers: dict[int, dict[int, str]] = {}
    for row in session.exec(select(ChecklistAnswer).where(col(ChecklistAnswer.round_id).in_(ids))):
        if row.answer in ANSWERS:
            answers.setdefault(row.round_id, {})[row.point] = row.answer or ""
    departments = {d.id: d.name for d in session.exec(select(Department))}
    return [
        Response(
            departments.get(person.department_id) if person.department_id else None,
            answers.get(round_.id or 0, {}),
        )
        for round_, person in latest.values()
    ]


# --- rendering --------------------------------------------------------------------------------


def _counts_text(t: Translator, counts: Mapping[str, int]) -> str:
    return t("checklist.home.counts", **{a: counts.get(a, 0) for a in ANSWERS})


def _gap_points(t: Translator, group: Group) -> list[str]:
    assert group.counts is not None
    scored = sorted(
        ((sum(group.counts[p].get(a, 0) for a in GAPS), p) for p in POINTS),
        key=lambda x: (-x[0], x[1]),
    )
    return [
        f"{p}) {t(f'checklist.short.{p}')}" for gaps, p in scored[:GAP_POINTS_SHOWN] if gaps > 0
    ]


def aggregate_parts(t: Translator, result: Aggregate, k: int = K_ANONYMITY) -> list[ui.Part]:
    """The secretariat's view; never a count over fewer than `k` people."""
    parts: list[ui.Part] = [ui.Heading(t("checklist.aggregate.heading"))]
    overall = result.overall
    if overall.counts is None:
        parts.append(ui.Text(t("checklist.aggregate.overall_too_few", k=k)))
        return parts
    parts.append(ui.Text(t("checklist.aggregate.respondents", count=overall.respondents)))
    parts.append(
        ui.Text(
            ui.join(
                "\n",
                (
                    t(
                        "checklist.aggregate.point_line",
                        point=f"{p}) {t(f'checklist.short.{p}')}",
                        counts=_counts_text(t, overall.counts[p]),
                    )
                    for p in POINTS
                ),
            )
        )
    )
    lines = [t("checklist.aggregate.departments", k=k)]
    for group in result.departments:
        name = group.name or t("checklist.aggregate.no_department")
        if group.counts is None:
            lines.append(t("checklist.aggregate.department_few", name=name))
            continue
        points = _gap_points(t, group)
        if points:
            lines.append(
                t(
                    "checklist.aggregate.department_line",
                    name=name,
                    count=group.respondents,
                    points=", ".join(points),
                )
            )
        else:
            lines.append(
                t("checklist.aggregate.department_none", name=name, count=group.respondents)
            )
    parts.append(ui.Text(ui.join("\n", lines)))
    return parts


def secretariat_section(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    return aggregate_parts(ctx.t, aggregate(latest_responses(session)))


def manager_section(session: Session, person: Person, ctx: HomeContext) -> list[ui.Part]:
    """The person's own checklist: where an open round stands, and their rounds over time."""
    t = ctx.t
    if person.id is None or not is_personnel_leader(session, person.id):
        return []
    parts: list[ui.Part] = [ui.Heading(t("checklist.home.heading"))]
    current = open_round(session, person.id, ctx.now)
    if current is not None:
        state = state_of(session, current)
        parts.append(ui.Text(t("checklist.home.open", n=state.position or len(POINTS))))
        parts.append(
            ui.Buttons(
                (
                    ui.Button(
                        t("checklist.round.resume"),
                        actions.CHECKLIST_RESUME,
                        str(current.id),
                        "primary",
                    ),
                )
            )
        )
    rounds = completed_rounds(session, person.id)
    if not rounds and current is None:
        parts.append(ui.Text(t("checklist.home.never")))
    if rounds:
        lines = []
        for i, round_ in enumerate(rounds[:HISTORY_SHOWN]):
            counts = Counter(
                a for a in (state_of(session, round_).answer_of(p) for p in POINTS) if a
            )
            assert round_.completed_at is not None
            day = ctx.date(round_.completed_at.astimezone(ctx.now.tzinfo).date())
            key = "checklist.home.latest" if i == 0 else "checklist.home.round_line"
            if i == 1:
                lines.append(t("checklist.home.history"))
            lines.append(t(key, date=day, counts=_counts_text(t, counts)))
        parts.append(ui.Text(ui.join("\n", lines)))
    if current is None:
        parts.append(
            ui.Buttons(
                (ui.Button(t("checklist.round.start"), actions.CHECKLIST_START, "home", "primary"),)
            )
        )
    return parts
