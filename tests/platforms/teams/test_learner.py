"""The identity check before every activity: someone found linked is not looked up again for
a minute (bench/teams.py: one database round trip fewer per activity), then is."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from platforms.teams import identity
from platforms.teams.handlers import members
from storage.db import Database
from tests.factories import build_org
from tests.schedule_support import make_deps


def test_a_known_sender_is_checked_once_a_minute(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = build_org(db)
    with db.session() as session:
        identity.remember(session, org.anne.id or 0, "29:anne", conversation_id="a:1anne")
        session.commit()
    checks: list[tuple[Any, ...]] = []
    real = members._known

    def counted(*args: Any) -> bool:
        checks.append(args[1:])
        return real(*args)

    monkeypatch.setattr(members, "_known", counted)
    moment = [1000.0]
    learner = members.Learner(ttl=60.0, clock=lambda: moment[0])
    activity = {
        "from": {"id": "29:anne"},
        "conversation": {"id": "a:1anne", "conversationType": "personal"},
    }
    deps = make_deps(db)

    def activity_arrives() -> None:
        asyncio.run(learner(deps, None, activity))  # type: ignore[arg-type]  # ctx: not asked

    activity_arrives()
    moment[0] += 59
    activity_arrives()
    assert checks == [("29:anne", "a:1anne")]
    moment[0] += 2
    activity_arrives()
    assert len(checks) == 2
