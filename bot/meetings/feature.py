"""Department meetings: who could present, and whether network work was presented; declared
once (bot/core/feature.py)."""

from __future__ import annotations

from bot.core.feature import Feature
from bot.meetings import commands, domain, privacy
from storage.showcase_models import DepartmentShowcase, MeetingAnswer, MeetingInvitation


def feature() -> Feature:
    return Feature(
        name="meetings",
        tables=(DepartmentShowcase, MeetingInvitation, MeetingAnswer),
        rules=(
            ("meeting_prompt", domain.meeting_prompt_rule),
            ("meeting_follow_up", domain.meeting_follow_up_rule),
        ),
        builders={
            "meeting_prompt": domain.meeting_prompt,
            "meeting_follow_up": domain.meeting_follow_up,
        },
        erasers={
            "meeting_invitations": privacy.erase_invitations,
            "meeting_answers": privacy.erase_answers,
            "department_showcase": privacy.erase_settings,
        },
        commands=(commands.DEPARTMENT,),
    )
