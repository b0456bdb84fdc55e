"""The checklist round: the seed's 10 points, one at a time, for a personnel leader.

The seed ends its list with "Kan du genkende dig selv og dit blik for det tværgående og
netværksbaserede arbejde i punkterne?"; a round asks that of each point. Answers are "yes",
"partly", "not_yet" and "skip", each with an optional note ("Hvad vil du gøre?").

A round can be left and resumed (the first unanswered point is where it stopped), an answer can
be changed at any time, and answering the same button twice (a double click, a Slack retry)
leaves one answer: there is one row per (round, point), and the round is completed by a guarded
UPDATE, so the summary's "completed" moment happens once.

Privacy: answers are read back only to the person who gave them (see checklist_aggregate.py
for what the secretariat sees). Nothing here logs or audits what was answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.core import audit
from bot.core.refusal import Refusal
from storage.checklist_models import ChecklistAnswer, ChecklistRound
from storage.models import Network, NetworkMember, Person

POINTS = tuple(range(1, 11))  # the seed's numbering
ANSWERS = ("yes", "partly", "not_yet", "skip")
GAPS = ("partly", "not_yet")  # answers that lead to a next step
# Order for "better or worse since last time"; a skipped point is not compared.
SCORE = {"yes": 3, "partly": 2, "not_yet": 1}
# An unfinished round older than this is left behind: the next start begins a new one.
ROUND_OPEN_DAYS = 90
NOTE_MAX = 3000
STARTED_BY = ("command", "reflection", "scheduler", "home")


@dataclass(frozen=True)
class RoundState:
    round: ChecklistRound
    answers: dict[int, ChecklistAnswer]  # point → its row (answer may be None: a note only)

    @property
    def answered(self) -> set[int]:
        return {p for p, a in self.answers.items() if a.answer in ANSWERS}

    @property
    def done(self) -> bool:
        return self.answered >= set(POINTS)

    @property
    def position(self) -> int | None:
        """The first unanswered point: where the round stopped (None when all are answered)."""
        return next((p for p in POINTS if p not in self.answered), None)

    def answer_of(self, point: int) -> str | None:
        row = self.answers.get(point)
        return row.answer if row else None

    def note_of(self, point: int) -> str | None:
        row = self.answers.get(point)
        return row.note if row else None

    def after(self, point: int) -> int | None:
        """Where to go after answering `point`: the next unanswered point after it, else the
        first unanswered one, else None (the round is complete)."""
        later = [p for p in POINTS if p > point and p not in self.answered]
        return later[0] if later else self.position


@dataclass(frozen=True)
class Answered:
    state: RoundState
    next_point: int | None  # None: every point is answered, show the summary
    changed: bool  # False when the click repeated the answer already stored
    completed_now: bool  # True exactly once per round


# --- who takes the checklist -----------------------------------------------------------------


def is_personnel_leader(session: Session, person_id: int) -> bool:
    return (
        session.exec(
            select(Person.id).where(Person.manager_id == person_id, col(Person.active).is_(True))
        ).first()
        is not None
    )


def leaders_with_employees_in_networks(session: Session) -> list[int]:
    """Active personnel leaders with at least one active employee who leads or joins a network
    (the scheduler invites these; the seed's points are about such employees)."""
    return sorted(network_leadership_since(session))


def network_leadership_since(session: Session) -> dict[int, datetime]:
    """personnel leader → since when they have had an employee in a network (the earliest of
    their employees' memberships, counted from when they became that employee's manager)."""
    employee = aliased(Person)
    base = [col(Person.active).is_(True), col(employee.active).is_(True)]
    led = (
        select(Person.id, employee.manager_since, Network.leader_since)
        .join(employee, col(employee.manager_id) == col(Person.id))
        .join(Network, col(Network.leader_id) == col(employee.id))
        .where(*base)
    )
    joined = (
        select(Person.id, employee.manager_since, NetworkMember.joined_at)
        .join(employee, col(employee.manager_id) == col(Person.id))
        .join(NetworkMember, col(NetworkMember.person_id) == col(employee.id))
        .where(*base)
    )
    found: dict[int, datetime] = {}
    for rows in (session.exec(led).all(), session.exec(joined).all()):
        for manager_id, manager_since, member_since in rows:
            if manager_id is None:
                continue
            since = max(manager_since, member_since)
            if manager_id not in found or since < found[manager_id]:
                found[manager_id] = since
    return found


# --- rounds ----------------------------------------------------------------------------------


def latest_round(session: Session, person_id: int) -> ChecklistRound | None:
    return session.exec(
        select(ChecklistRound)
        .where(ChecklistRound.person_id == person_id)
        .order_by(col(ChecklistRound.started_at).desc(), col(ChecklistRound.id).desc())
    ).first()


def open_round(session: Session, person_id: int, now: datetime) -> ChecklistRound | None:
    """The person's unfinished round, if it is recent enough to resume."""
    return session.exec(
        select(ChecklistRound)
        .where(
            ChecklistRound.person_id == person_id,
            col(ChecklistRound.completed_at).is_(None),
            col(ChecklistRound.started_at) >= now - timedelta(days=ROUND_OPEN_DAYS),
        )
        .order_by(col(ChecklistRound.started_at).desc(), col(ChecklistRound.id).desc())
    ).first()


def previous_round(session: Session, current: ChecklistRound) -> ChecklistRound | None:
    """The person's last completed round before `current` (for "Sidst: … → nu: …")."""
    return session.exec(
        select(ChecklistRound)
        .where(
            ChecklistRound.person_id == current.person_id,
            col(ChecklistRound.completed_at).is_not(None),
            col(ChecklistRound.id) != current.id,
            col(ChecklistRound.started_at) <= current.started_at,
        )
        .order_by(col(ChecklistRound.started_at).desc(), col(ChecklistRound.id).desc())
    ).first()


def completed_rounds(session: Session, person_id: int) -> list[ChecklistRound]:
    """The person's completed rounds, newest first (their progress over time)."""
    return list(
        session.exec(
            select(ChecklistRound)
            .where(
                ChecklistRound.person_id == person_id,
                col(ChecklistRound.completed_at).is_not(None),
            )
            .order_by(col(ChecklistRound.started_at).desc(), col(ChecklistRound.id).desc())
        ).all()
    )


def state_of(session: Session, round_: ChecklistRound) -> RoundState:
    rows = session.exec(select(ChecklistAnswer).where(ChecklistAnswer.round_id == round_.id)).all()
    return RoundState(round_, {row.point: row for row in rows})


def start_round(
    session: Session, person: Person, started_by: str, now: datetime
) -> tuple[ChecklistRound, bool]:
    """The person's open round, or a new one. (round, created)."""
    assert person.id is not None
    if not is_personnel_leader(session, person.id):
        raise Refusal("checklist.refusal.not_manager")
    found = open_round(session, person.id, now)
    if found is not None:
        return found, False
    round_ = ChecklistRound(
        person_id=person.id,
        started_by=started_by if started_by in STARTED_BY else "command",
        started_at=now,
        updated_at=now,
    )
    session.add(round_)
    session.flush()
    audit.record(
        session, audit.person_actor(person.id), "checklist.started", "checklist_round", round_.id
    )
    session.commit()
    session.refresh(round_)
    # Two clicks at the same moment may each have created a round: keep the first.
    first = session.exec(
        select(ChecklistRound)
        .where(
            ChecklistRound.person_id == person.id,
            col(ChecklistRound.completed_at).is_(None),
            col(ChecklistRound.started_at) >= now - timedelta(days=ROUND_OPEN_DAYS),
        )
        .order_by(col(ChecklistRound.id))
    ).first()
    if first is not None and first.id != round_.id:
        session.delete(round_)
        session.commit()
        return first, False
    return round_, True


def own_round(session: Session, person: Person, round_id: int) -> ChecklistRound:
    round_ = session.get(ChecklistRound, round_id)
    if round_ is None:
        raise Refusal("checklist.refusal.gone")
    if round_.person_id != person.id:
        # Answers are private: nobody acts on, or sees, another person's round.
        raise Refusal("checklist.refusal.not_yours")
    return round_


def _check_point(point: int) -> None:
    if point not in POINTS:
        raise Refusal("checklist.refusal.gone")


def _row(session: Session, round_: ChecklistRound, point: int, now: datetime) -> ChecklistAnswer:
    """The (round, point) row, created if missing; a concurrent insert of the same row (two
    clicks at once) is caught by the unique constraint and the winner's row is used."""
    query = select(ChecklistAnswer).where(
        ChecklistAnswer.round_id == round_.id, ChecklistAnswer.point == point
    )
    row = session.exec(query).first()
    if row is not None:
        return row
    row = ChecklistAnswer(
        round_id=round_.id or 0, person_id=round_.person_id, point=point, updated_at=now
    )
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        row = session.exec(query).one()
    return row


def answer(
    session: Session, person: Person, round_id: int, point: int, value: str, now: datetime
) -> Answered:
    """Record (or change) the answer to one point; complete the round when it was the last."""
    _check_point(point)
    if value not in ANSWERS:
        raise Refusal("checklist.refusal.gone")
    round_ = own_round(session, person, round_id)
    row = _row(session, round_, point, now)
    changed = row.answer != value
    if changed:
        row.answer = value
        row.answered_at = now
        row.updated_at = now
        round_.updated_at = now
        session.add(row)
        session.add(round_)
        session.commit()
    state = state_of(session, round_)
    completed_now = False
    if state.done and round_.completed_at is None:
        result = session.execute(
            update(ChecklistRound)
            .where(
                col(ChecklistRound.id) == round_.id,
                col(ChecklistRound.completed_at).is_(None),
            )
            .values(completed_at=now)
        )
        completed_now = result.rowcount == 1  # type: ignore[attr-defined]
        if completed_now:
            audit.record(
                session,
                audit.person_actor(person.id),
                "checklist.completed",
                "checklist_round",
                round_.id,
            )
        session.commit()
        session.refresh(round_)
        state = state_of(session, round_)
    return Answered(state, state.after(point), changed, completed_now)


def set_note(
    session: Session, person: Person, round_id: int, point: int, text: str | None, now: datetime
) -> RoundState:
    """Store the note for a point ("Hvad vil du gøre?"); an empty text removes it."""
    _check_point(point)
    round_ = own_round(session, person, round_id)
    row = _row(session, round_, point, now)
    row.note = (text or "").strip()[:NOTE_MAX] or None
    row.updated_at = now
    session.add(row)
    session.commit()
    return state_of(session, round_)


def view(session: Session, person: Person, round_id: int, point: int) -> RoundState:
    """The round, for showing one point of it (navigation back and forth)."""
    _check_point(point)
    return state_of(session, own_round(session, person, round_id))


# --- comparison with the last round ------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    point: int
    before: str
    now: str


def changes(current: RoundState, previous: RoundState | None) -> list[Change]:
    """Points whose answer differs from the last completed round."""
    if previous is None:
        return []
    found = []
    for point in POINTS:
        before, now_ = previous.answer_of(point), current.answer_of(point)
        if before and now_ and before != now_:
            found.append(Change(point, before, now_))
    return found


def trend(found: list[Change]) -> tuple[int, int]:
    """(points that went up, points that went down), skipped points not counted."""
    up = sum(
        1 for c in found if c.before in SCORE and c.now in SCORE and SCORE[c.now] > SCORE[c.before]
    )
    down = sum(
        1 for c in found if c.before in SCORE and c.now in SCORE and SCORE[c.now] < SCORE[c.before]
    )
    return up, down


def gaps(state: RoundState) -> list[int]:
    """The points answered "Delvist" or "Ikke endnu": each gets a next step."""
    return [p for p in POINTS if state.answer_of(p) in GAPS]
