"""The one clock. Every time in the code comes from here, so tests can move it with freezegun
and the playground can move it with its own offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_offset = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC) + _offset


def set_offset(offset: timedelta) -> None:
    """Shift the clock (used by the local playground's "+1 dag")."""
    global _offset
    _offset = offset


def travel_to(moment: datetime) -> None:
    """Make `now()` read `moment` from here on (the playground's clock)."""
    set_offset(moment - datetime.now(UTC))


def offset() -> timedelta:
    return _offset
