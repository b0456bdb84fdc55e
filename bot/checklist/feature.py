"""The personnel leader's 10 points and their next steps (talent, recommendations, interest,
PULS notes), declared once (bot/core/feature.py)."""

from __future__ import annotations

from bot.checklist import aggregate, commands, interest, privacy, rules, talent
from bot.core.feature import Feature, HomeSlot
from storage.checklist_models import (
    ChecklistAnswer,
    ChecklistRound,
    PulsNote,
    Recommendation,
    TalentNomination,
)


def feature() -> Feature:
    return Feature(
        name="checklist",
        tables=(ChecklistRound, ChecklistAnswer, TalentNomination, PulsNote, Recommendation),
        rules=(
            ("checklist_invite", rules.invite_rule),
            ("checklist_reminder", rules.reminder_rule),
            ("checklist_interest", interest.interest_rule),
            ("talent_nomination", talent.talent_rule),
        ),
        builders={
            rules.INVITE_KIND: rules.checklist_invite,
            rules.REMINDER_KIND: rules.checklist_reminder,
            "checklist_interest": interest.checklist_interest,
            "talent_nomination": talent.talent_nomination,
        },
        home=(
            (HomeSlot.MY_EMPLOYEES, aggregate.manager_section),  # my rounds over time
            (HomeSlot.SECRETARIAT, aggregate.secretariat_section),  # counts, k ≥ 5
        ),
        # Answers point at their round: one eraser takes both, answers first.
        erasers={
            "checklist_rounds": privacy.erase_rounds,
            "checklist_answers": privacy.erase_rounds,
        },
        retention={"checklist_answers": privacy.purge_old},
        commands=(commands.CHECKLIST, commands.TALENT, commands.NETWORKS),
    )
