"""The features' declarations (bot/<feature>/feature.py) and the one registry built from them
(netvaerk/features.py): every table is declared once, every table that refers to a person is
erased, every permission action belongs to a feature, and a process that imports nothing else
still gets all of it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, inspect
from sqlmodel import SQLModel

from bot.core.feature import Feature, HomeSlot, Registry, RegistryError
from bot.core.permissions import Action
from bot.privacy.domain import uncovered_tables
from netvaerk.features import features, registry
from storage.db import Database


def test_every_table_of_the_schema_is_declared_by_exactly_one_feature(db: Database) -> None:
    declared = [t.name for t in registry().tables]
    migrated = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert len(declared) == len(set(declared))
    assert set(declared) == migrated == set(SQLModel.metadata.tables)


def test_every_table_that_refers_to_a_person_is_erased() -> None:
    assert uncovered_tables(registry()) == {}


def test_a_table_without_its_eraser_is_found() -> None:
    full = registry()
    erasers = {k: v for k, v in full.erasers.items() if k not in ("audit_entries", "outbox")}
    found = uncovered_tables(dataclasses.replace(full, erasers=erasers))
    assert found == {
        "audit_entries": "names a person without a foreign key: actor, entity_id",
        "outbox": "rows referred to by outbox",
    }
    checklist = {k: v for k, v in full.erasers.items() if not k.startswith("checklist_")}
    assert uncovered_tables(dataclasses.replace(full, erasers=checklist)) == {
        "checklist_rounds": "rows referred to by checklist_answers"
    }


def test_a_new_feature_whose_table_names_a_person_without_a_key_needs_an_eraser() -> None:
    metadata = MetaData()
    notes = Table(
        "later_notes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("written_by_id", Integer),  # a person, but no foreign key
        Column("text", String(100)),
    )
    later = Feature(name="later", tables=(notes,))
    found = uncovered_tables(Registry.of([*features(), later]))
    assert found == {"later_notes": "names a person without a foreign key: written_by_id"}
    erased = Feature(name="later", tables=(notes,), erasers={"later_notes": lambda s, pid: 0})
    assert uncovered_tables(Registry.of([*features(), erased])) == {}


def test_every_permission_action_belongs_to_exactly_one_feature() -> None:
    owners = [a for f in features() for a in f.permissions]
    assert sorted(owners) == sorted(Action)


def test_two_features_may_not_claim_the_same_thing() -> None:
    metadata = MetaData()
    table = Table("x", metadata, Column("id", Integer, primary_key=True))
    with pytest.raises(RegistryError, match="table 'x' declared twice"):
        Registry.of([Feature("a", tables=(table,)), Feature("b", tables=(table,))])
    with pytest.raises(RegistryError, match="outbox kind 'k' declared twice"):
        Registry.of(
            [
                Feature("a", builders={"k": lambda c, p: None}),
                Feature("b", builders={"k": lambda c, p: None}),
            ]
        )
    with pytest.raises(RegistryError, match="erasers for tables no feature declares"):
        Registry.of([Feature("a", erasers={"nowhere": lambda s, pid: 0})])


def test_home_sections_keep_the_features_order() -> None:
    home = registry().home
    assert [h.__name__ for h in home[HomeSlot.SECRETARIAT]] == [
        "secretariat_section",  # the checklist's counts
        "secretariat_results",  # results and recognition
    ]
    assert [h.__name__ for h in home[HomeSlot.MY_EMPLOYEES]] == ["manager_section"]


def test_a_fresh_process_gets_every_feature_from_the_composition_root_alone() -> None:
    """Nothing is registered by importing a module: a process that imports only the feature
    list has every table, rule, builder, eraser and retention hook."""
    probe = (
        "from netvaerk.features import registry\n"
        "r = registry()\n"
        "print(len(r.tables), len(r.rules), len(r.builders), len(r.erasers), len(r.retention))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    full = registry()
    expected = [full.tables, full.rules, full.builders, full.erasers, full.retention]
    assert [int(n) for n in out] == [len(x) for x in expected]
    assert [len(x) for x in expected] == [29, 19, 25, 17, 2]


def test_unrelated_foreign_keys_do_not_count_as_people() -> None:
    metadata = MetaData()
    Table("parents", metadata, Column("id", Integer, primary_key=True))
    child = Table(
        "children",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("parent_id", Integer, ForeignKey("parents.id")),
    )
    assert uncovered_tables(Registry.of([*features(), Feature("later", tables=(child,))])) == {}


def test_every_slack_command_is_declared_by_its_feature(db: Database) -> None:
    """The `/netvaerk` sub-commands the Slack listeners answer are the features' commands."""
    from slack_bolt import App

    from bot.core.commands import HELP
    from bot.core.settings import Settings
    from netvaerk.app import build_deps
    from platforms.slack import handlers
    from platforms.slack.handlers import checklist, showcase

    settings = Settings(slack_bot_token="xoxb-x", slack_signing_secret="s", database_url=db.url)
    app = App(signing_secret="s", token="xoxb-x", token_verification_enabled=False)
    handlers.register(app, build_deps(settings, db))  # the listeners fill their routes
    modules = (*handlers.FEATURES, checklist, showcase)
    answered = {route.command for module in modules for route in module.ROUTES}
    assert answered == set(registry().commands)
    assert HELP not in answered


def test_a_platform_id_beside_its_person_key_goes_with_the_row() -> None:
    metadata = MetaData()
    Table("people", metadata, Column("id", Integer, primary_key=True))
    identities = Table(
        "later_identities",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("person_id", Integer, ForeignKey("people.id")),
        Column("platform_user_id", String(50)),
    )
    assert uncovered_tables(Registry.of([Feature("later", tables=(identities,))])) == {}
    loose = Table(
        "later_loose", metadata, Column("id", Integer, primary_key=True), Column("email", String)
    )
    assert uncovered_tables(Registry.of([Feature("later", tables=(loose,))])) == {
        "later_loose": "names a person without a foreign key: email"
    }
