"""The heartbeat that keeps a working delivery worker's claims alive.

A claim's lease is what lets another worker take over the rows of one that died. A long lease
makes a `kill -9` expensive (its rows wait the whole lease); a short one risks a slow but living
worker losing rows it is still sending. The heartbeat resolves both: the lease is short
(`[delivery] lease_seconds`, 60 s) and a living worker renews its claims every quarter of it,
so only a dead worker's rows run out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy import update
from sqlmodel import col

from storage.db import Database
from storage.scheduling_models import OutboxMessage

log = logging.getLogger(__name__)


def renew(db: Database, worker: str, until: datetime) -> int:
    """Extend every claim `worker` still holds to `until`; returns how many rows."""
    with db.session() as session:
        result = session.connection().execute(
            update(OutboxMessage)
            .where(
                col(OutboxMessage.claimed_by) == worker,
                col(OutboxMessage.claimed_until).is_not(None),
            )
            .values(claimed_until=until)
        )
        session.commit()
        return int(result.rowcount or 0)


class Heartbeat:
    """Renews `worker`'s claims every `lease_seconds / 4` in a background thread while open."""

    def __init__(
        self,
        db: Database,
        worker: str,
        lease_seconds: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.db, self.worker, self.clock = db, worker, clock
        self.lease = timedelta(seconds=lease_seconds)
        self.every = max(lease_seconds / 4, 0.05)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.beats = 0

    def __enter__(self) -> Heartbeat:
        self._thread = threading.Thread(target=self._run, name="lease-heartbeat", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                renew(self.db, self.worker, self.clock() + self.lease)
                self.beats += 1
            except Exception as error:  # the next beat tries again; the lease is the backstop
                log.warning("could not renew delivery claims: %s", type(error).__name__)
