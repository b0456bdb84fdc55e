"""Clocks that freezegun cannot stop.

Tests of the bot freeze time with freezegun, but the emulator must keep real time for things
that happen on Slack's side in the real world: a trigger_id expires 3 s after the click no
matter what date the test pretends it is, and `Call.at` should order calls as they really
happened.

freezegun replaces `time.time` and friends, and on `start()` it also rewrites every *module
attribute* that still points at the real functions. So `_real_time = time.time` at module
level would be swapped for the fake. Keeping the originals inside a dict hides
them from that sweep. If this module is first imported while time is already frozen, the
originals are taken from freezegun itself.

`app_time()` is deliberately the other kind of clock: it follows whatever `time.time` is
right now, frozen or not, because the Bolt app runs in the same process and sees that clock
(its `SignatureVerifier` rejects timestamps more than five minutes off, and message `ts`
values should agree with the app's idea of "now").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def _original(name: str) -> Callable[[], float]:
    current: Any = getattr(time, name)
    if getattr(current, "__module__", "") == "freezegun.api":
        import freezegun.api

        real: Callable[[], float] = getattr(freezegun.api, f"real_{name}")
        return real
    original: Callable[[], float] = current
    return original


# A dict, not module attributes: freezegun's sweep only looks at module attributes.
_REAL: dict[str, Callable[[], float]] = {
    "time": _original("time"),
    "monotonic": _original("monotonic"),
}


def real_time() -> float:
    """Wall-clock seconds since the epoch, ignoring freezegun."""
    return _REAL["time"]()


def real_monotonic() -> float:
    """Monotonic seconds, ignoring freezegun."""
    return _REAL["monotonic"]()


def app_time() -> float:
    """Seconds since the epoch as the app in this process sees them (frozen if frozen)."""
    return time.time()
