"""A request's database work, with explicit transaction boundaries (cf. cosmicpython's unit of
work, with a sqlmodel Session instead of repositories).

`with uow as session:` opens a session for one step of a flow; leaving it closes the session and
rolls back what was not committed. The platform adapter puts one into each request's context
and closes whatever is still open when the request is done.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlmodel import Session

from storage.db import Database


class UnitOfWork:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._open: list[Session] = []

    def __enter__(self) -> Session:
        session = Session(self.db.engine, expire_on_commit=False)
        self._open.append(session)
        return session

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._open.pop().close()

    def close(self) -> None:
        """Close what a failed step left open."""
        while self._open:
            self._open.pop().close()

    def __deepcopy__(self, memo: dict[int, Any]) -> UnitOfWork:
        # Bolt copies the request for each lazy listener, which runs in another thread: it gets
        # a unit of work of its own on the same database.
        return UnitOfWork(self.db)
