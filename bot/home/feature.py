"""App Home: its own sections are built in bot/home/sections.py; other features add theirs in
the slots of `HomeSlot`. Declared once (bot/core/feature.py)."""

from __future__ import annotations

from bot.core.feature import Feature
from bot.core.permissions import Action


def feature() -> Feature:
    return Feature(name="home", permissions=(Action.HOME_VIEW, Action.STATUS_VIEW))
