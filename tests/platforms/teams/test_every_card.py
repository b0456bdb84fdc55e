"""Every message the bot sends, rendered as a Teams card: valid against the Adaptive Cards 1.5
schema, within Teams' size limit, hostile names shown as written, mentions as entities.

The same populated organisation and builders as tests/test_every_message_plain.py (the planner's
rules over 200 days, the rows only actions create, every recipient, every App Home).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from freezegun import freeze_time

from bot.core import ui
from bot.core.i18n import Translator
from bot.home.sections import HomeContext, build_home
from bot.privacy.domain import RetentionPolicy
from emulator.microsoft.cards import activity_errors
from platforms.teams.cards import fits, message_activity
from storage.db import Database
from storage.models import Person
from tests.schedule_support import Org, cph, make_deps
from tests.test_every_message_plain import (  # noqa: F401  (org is a fixture)
    EVIL,
    _build_all,
    _people,
    _planned,
    _populate,
    org,
)


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "TextBlock" else []
        facts = node.get("facts", []) if node.get("type") == "FactSet" else []
        own += [f["value"] for f in facts] + [f["title"] for f in facts]
        return own + [t for value in node.values() for t in _texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _check(message: ui.Message, where: str) -> tuple[bool, bool]:
    activity = message_activity(message)
    assert activity_errors(activity) == [], where
    assert fits(message), where
    shown = "\n".join(_texts(activity))
    for hostile in ("<!channel>", "[klik](", "*x*", "`z`", "<@U0LARS0001>"):
        assert hostile not in shown, f"{where}: {hostile} reached Teams as markdown"
    card = activity["attachments"][0]["content"]
    mentioned = "<at>" in shown
    if mentioned:
        assert card["msteams"]["entities"][0]["mentioned"]["id"] == "U0OTHER001"
    return EVIL.replace("*", "").strip() in shown.replace("\u200b", "").replace("*", ""), mentioned


def test_every_outbox_message_is_a_valid_teams_card(db: Database, org: Org) -> None:  # noqa: F811
    direct = _populate(db, org)
    payloads: dict[str, list[dict[str, Any]]] = {}
    for kind, payload in _planned(db, org, days=200):
        payloads.setdefault(kind, [])
        if payload not in payloads[kind] and len(payloads[kind]) < 3:
            payloads[kind].append(payload)
    for kind, extra in direct.items():
        payloads.setdefault(kind, []).extend(extra)
    built: set[str] = set()
    hostile_seen = mentioned = 0
    with db.session() as session:
        for kind, found in sorted(payloads.items()):
            for payload in found:
                for at in (cph(2027, 1, 7, 9), cph(2027, 4, 12, 9)):
                    with freeze_time(at):
                        for message in _build_all(session, db, org, kind, payload, at):
                            hostile, mention = _check(message, kind)
                            hostile_seen += hostile
                            mentioned += mention
                            built.add(kind)
    kinds = set(make_deps(db).registry.builders)
    assert built == kinds, f"never built: {sorted(kinds - built)}"
    assert hostile_seen > 10
    assert mentioned > 0


def test_every_home_is_a_valid_teams_card(db: Database, org: Org) -> None:  # noqa: F811
    _populate(db, org)
    sections = make_deps(db).registry.home
    at = datetime(2027, 3, 1, 9, tzinfo=UTC)
    retention = RetentionPolicy(outbox_days=400, people_left_months=12, checklist_answers_months=24)
    with freeze_time(at), db.session() as session:
        for person in [*(session.get(Person, p.id) for p in _people(org)), None]:
            language = (person.language if person else None) or "da"
            ctx = HomeContext(Translator(language), "Europe/Copenhagen", at, retention, sections)
            parts = tuple(build_home(session, person, ctx))
            _check(ui.Message("home", parts), f"home of {person and person.email}")
