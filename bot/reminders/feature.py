"""Reminders that are not about one feature's own state (PULS talks, reference leaders,
network themes), the outbox itself (digests, failure reports) and snoozes, declared once
(bot/core/feature.py)."""

from __future__ import annotations

from bot.core.feature import Feature
from bot.reminders import commands, digest, privacy, puls, references, themes
from storage.scheduling_models import OutboxMessage, SchedulerCursor, Snooze, ThemeProposal


def feature() -> Feature:
    return Feature(
        name="reminders",
        tables=(OutboxMessage, SchedulerCursor, Snooze, ThemeProposal),
        rules=(
            ("puls", puls.puls_rule),
            ("reference_leader", references.reference_rule),
            ("theme_invite", themes.theme_invite_rule),
            ("theme_proposal", themes.theme_proposal_rule),
        ),
        builders={
            "puls_manager": puls.puls_manager,
            "puls_employee": puls.puls_employee,
            "reference_intro": references.reference_intro,
            "reference_sparring": references.reference_sparring,
            "theme_invite": themes.theme_invite,
            "theme_proposal": themes.theme_proposal,
            digest.DIGEST_KIND: digest.digest,
            digest.FAILURE_REPORT_KIND: digest.failures,
        },
        erasers={
            "outbox": privacy.erase_outbox,
            "theme_proposals": privacy.erase_theme_proposals,
        },
        commands=(commands.PULS, commands.THEME, commands.PAUSE),
    )
