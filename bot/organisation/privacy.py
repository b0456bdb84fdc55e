"""The organisation's tables in privacy (GDPR art. 17).

A network keeps its leader (the placeholder: a network had a leader) but loses its reference
leader. A PULS talk is the employee's: it goes with them, and stays when the person erased was
only the personnel leader in it (it is the employee's talk). Memberships go (the generic
eraser).
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import Session, col

from bot.privacy.domain import affected
from storage.models import Network, PulsTalk


def erase_reference_leader(session: Session, pid: int) -> int:
    return affected(
        session.connection().execute(
            update(Network)
            .where(col(Network.reference_leader_id) == pid)
            .values(reference_leader_id=None)
        )
    )


def erase_puls_talks(session: Session, pid: int) -> int:
    return affected(
        session.connection().execute(delete(PulsTalk).where(col(PulsTalk.employee_id) == pid))
    )
