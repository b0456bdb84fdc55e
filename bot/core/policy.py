"""The timing policy, loaded from one documented TOML file (bot/policy.toml by default)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from pathlib import Path

DEFAULT_POLICY_FILE = Path(__file__).parent.parent / "policy.toml"


@dataclass(frozen=True)
class Policy:
    working_weekdays: frozenset[int]
    closed_days: frozenset[str]
    meeting_start: time
    meeting_end: time
    meeting_durations: tuple[int, ...]
    default_duration: int
    send_start: time
    send_end: time
    raw: dict  # the whole file, for sections that other modules own

    def section(self, name: str) -> dict:
        return dict(self.raw.get(name, {}))


def _time(text: str) -> time:
    return time.fromisoformat(text)


def load_policy(path: Path | None = None) -> Policy:
    data = tomllib.loads((path or DEFAULT_POLICY_FILE).read_text(encoding="utf-8"))
    if path is not None:
        # An override file may name only what it changes; the rest keeps the defaults.
        base = tomllib.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
        for key, value in data.items():
            base.setdefault(key, {}).update(value)
        data = base
    cal, meet, send = data["calendar"], data["meetings"], data["sending"]
    return Policy(
        working_weekdays=frozenset(cal["working_weekdays"]),
        closed_days=frozenset(cal["closed_days"]),
        meeting_start=_time(meet["start"]),
        meeting_end=_time(meet["end"]),
        meeting_durations=tuple(meet["durations_minutes"]),
        default_duration=meet["default_duration_minutes"],
        send_start=_time(send["start"]),
        send_end=_time(send["end"]),
        raw=data,
    )


@lru_cache(maxsize=1)
def get_policy() -> Policy:
    from bot.core.settings import get_settings

    return load_policy(get_settings().netvaerk_policy_file)
