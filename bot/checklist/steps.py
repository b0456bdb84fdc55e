"""The next step each gap leads to — a button the bot can carry out at once, not advice.

Point 1 → nominate a talent; 2 and 4 → the agreement (or book the conversation first);
3 → recommend a network; 5 → the networks' latest, now; 6 and 8 → invite to present at the
department meeting; 7 → send recognition; 9 and 10 → a note for the next PULS talk.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.booking.domain import latest_conversation
from bot.checklist.domain import RoundState, gaps
from bot.checklist.messages import Step
from bot.core import actions, ui
from bot.core.i18n import Translator
from bot.organisation.people import employees_in_networks
from storage.models import ConversationStatus, Person

# At most this many "agreement with …" buttons per point; the rest are in App Home.
AGREEMENT_BUTTONS_MAX = 2
_AGREEABLE = (ConversationStatus.BOOKED, ConversationStatus.HELD)


def _agreement_buttons(session: Session, t: Translator, manager: Person) -> tuple[ui.Button, ...]:
    assert manager.id is not None
    seen: set[int] = set()
    buttons: list[ui.Button] = []
    for employee, _network in employees_in_networks(session, manager.id):
        if employee.id in seen or employee.id is None:
            continue
        seen.add(employee.id)
        latest = latest_conversation(session, employee.id, manager.id)
        if latest is not None and latest.status in _AGREEABLE:
            buttons.append(
                ui.Button(
                    t("checklist.button.agreement", name=employee.name),
                    actions.AGREEMENT_OPEN,
                    str(latest.id),
                )
            )
        else:
            buttons.append(
                ui.Button(
                    t("checklist.button.book", name=employee.name),
                    actions.BOOKING_OPEN,
                    str(employee.id),
                )
            )
        if len(buttons) >= AGREEMENT_BUTTONS_MAX:
            break
    if not buttons:  # nobody in a network yet: the first step is to encourage someone
        buttons.append(ui.Button(t("checklist.button.recommend"), actions.CHECKLIST_RECOMMEND))
    return tuple(buttons)


def step_for(
    session: Session, t: Translator, manager: Person, state: RoundState, point: int
) -> Step:
    rid = state.round.id
    simple = {
        1: ("checklist.button.talent", actions.CHECKLIST_TALENT),
        3: ("checklist.button.recommend", actions.CHECKLIST_RECOMMEND),
        5: ("checklist.button.interest", actions.CHECKLIST_INTEREST),
        6: ("checklist.button.present", actions.CHECKLIST_PRESENT),
        7: ("checklist.button.recognise", actions.CHECKLIST_RECOGNISE),
        8: ("checklist.button.present", actions.CHECKLIST_PRESENT),
    }
    if point in simple:
        key, action = simple[point]
        return Step(point, (ui.Button(t(key), action, "", "primary"),))
    if point in (2, 4):
        return Step(point, _agreement_buttons(session, t, manager))
    return Step(
        point,
        (
            ui.Button(
                t("checklist.button.puls"), actions.CHECKLIST_PULS, f"{rid}:{point}", "primary"
            ),
        ),
    )


def steps_for(session: Session, t: Translator, manager: Person, state: RoundState) -> list[Step]:
    return [step_for(session, t, manager, state, point) for point in gaps(state)]
