"""The audit trail: who changed what. Details name fields and ids, never what people wrote."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.core.clock import now
from storage.models import AuditEntry


def person_actor(person_id: int | None) -> str:
    return f"person:{person_id}"


def record(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            at=now(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            details=details,
        )
    )
