"""Privacy: the notice, export, erasure and retention (bot/privacy/domain.py), with its own
bookkeeping and the audit trail; declared once (bot/core/feature.py)."""

from __future__ import annotations

from bot.core.feature import Feature
from bot.core.permissions import Action
from bot.privacy import commands, domain
from storage.home_models import PersonPrivacy
from storage.models import AuditEntry


def feature() -> Feature:
    return Feature(
        name="privacy",
        tables=(PersonPrivacy, AuditEntry),
        erasers=domain.ERASERS,
        permissions=(Action.DATA_EXPORT, Action.PERSON_ERASE),
        commands=(commands.MY_DATA,),
    )
