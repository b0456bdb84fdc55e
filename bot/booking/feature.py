"""Booking the conversation: its tables, reminders and privacy, declared once
(bot/core/feature.py)."""

from __future__ import annotations

from bot.booking import commands, conversation_rules, outlook_rules, privacy, rules
from bot.core.feature import Feature
from storage.models import Agreement, Conversation


def feature() -> Feature:
    return Feature(
        name="booking",
        tables=(Conversation, Agreement),
        rules=(
            ("booking", rules.booking_rule),
            ("escalation", rules.escalation_rule),
            ("reflection", conversation_rules.reflection_rule),
            ("follow_up", conversation_rules.follow_up_rule),
            ("agreement_review", conversation_rules.review_rule),
            ("outlook", outlook_rules.outlook_rule),
        ),
        builders={
            "booking_nudge": rules.booking_nudge,
            "booking_prompt": rules.booking_prompt,
            "escalation": rules.escalation,
            "reflection": conversation_rules.reflection,
            "follow_up": conversation_rules.follow_up,
            "agreement_review": conversation_rules.agreement_review,
            outlook_rules.MOVED: outlook_rules.moved_in_outlook,
            outlook_rules.CANCELLED: outlook_rules.cancelled_in_outlook,
        },
        erasers={
            "conversations": privacy.erase_conversations,
            "agreements": privacy.erase_agreements,
        },
        commands=(commands.BOOK,),
    )
