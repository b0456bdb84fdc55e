"""The secretariat's work in Slack: networks, members, the secretariat itself, failed
deliveries, the overview and the audit trail. Declared once (bot/core/feature.py)."""

from __future__ import annotations

from bot.core.feature import Feature
from bot.core.permissions import Action
from bot.secretariat import commands


def feature() -> Feature:
    return Feature(
        name="secretariat",
        permissions=(
            Action.ORG_OVERVIEW,
            Action.NETWORK_CREATE,
            Action.NETWORK_EDIT,
            Action.NETWORK_CLOSE,
            Action.SECRETARIAT_GRANT,
            Action.DELIVERIES_VIEW,
            Action.DELIVERIES_RETRY,
            Action.REPORT,
            Action.AUDIT_EXPORT,
        ),
        commands=(commands.MENU, commands.REPORT),
    )
