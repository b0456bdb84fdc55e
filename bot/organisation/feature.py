"""The organisation (departments, people, networks, memberships, PULS talks), imported from
the CSV files HR and the secretariat have; declared once (bot/core/feature.py)."""

from __future__ import annotations

from bot.core.feature import Feature
from bot.organisation import privacy
from storage.models import (
    DeliveryReceipt,
    Department,
    Download,
    Network,
    NetworkMember,
    Person,
    PlatformIdentity,
    PulsTalk,
)


def feature() -> Feature:
    return Feature(
        name="organisation",
        tables=(
            Department,
            Person,
            PlatformIdentity,
            Network,
            NetworkMember,
            PulsTalk,
            DeliveryReceipt,
            Download,
        ),
        # Memberships, platform identities, delivery receipts and downloads need no eraser:
        # the generic one deletes the person's rows.
        erasers={
            "networks": privacy.erase_reference_leader,
            "puls_talks": privacy.erase_puls_talks,
        },
    )
