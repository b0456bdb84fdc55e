"""A feature declares itself once; the composition root builds one `Registry` from the list.

Before this, rules, builders, App Home sections, erasers and retention hooks were registered by
whatever module a process happened to import, so `netvaerk erase` in its own process saw half
the tables and none of the checklist's erasers (issue 10). Now each `bot/<feature>/feature.py`
returns a plain `Feature` value, `netvaerk/features.py` lists them, and the registry reaches the
planner, delivery, privacy and App Home through `Deps`. Nothing registers itself at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlmodel import Session, SQLModel

from bot.core import ui
from bot.core.commands import Command
from bot.core.due import Builder, Rule
from bot.core.permissions import Action
from storage.models import Person

if TYPE_CHECKING:
    from bot.home.sections import HomeContext
    from bot.privacy.domain import RetentionPolicy

# Erase one person (by people.id) from a table that must keep anonymous rows, or that refers
# to a person in a way the generic eraser (delete rows whose people.id columns match) cannot.
Eraser = Callable[[Session, int], int]  # returns how many rows it changed
# Delete what is past its retention time; returns how many rows went.
RetentionHook = Callable[[Session, datetime, "RetentionPolicy"], int]
# Parts for one person's App Home, or none.
SectionHook = Callable[[Session, Person, "HomeContext"], list[ui.Part]]


class HomeSlot(StrEnum):
    """Where in App Home a feature may add parts (bot/home/sections.py)."""

    WAITING = "waiting"  # "Det venter på dig"
    MY_NETWORKS = "my_networks"  # under a leader's or participant's networks
    MY_EMPLOYEES = "my_employees"  # under a personnel leader's employees
    SECRETARIAT = "secretariat"  # the organisation at a glance


@dataclass(frozen=True)
class Feature:
    """What one feature brings. Every field is data; building one has no side effects."""

    name: str
    tables: tuple[type[SQLModel] | Table, ...] = ()  # its table models (or plain tables)
    rules: tuple[tuple[str, Rule], ...] = ()  # planner rules, by name (the log names them)
    builders: Mapping[str, Builder] = field(default_factory=dict)  # outbox kind → message
    home: tuple[tuple[HomeSlot, SectionHook], ...] = ()
    erasers: Mapping[str, Eraser] = field(default_factory=dict)  # table name → eraser
    retention: Mapping[str, RetentionHook] = field(default_factory=dict)
    permissions: tuple[Action, ...] = ()  # the actions of bot/core/permissions.py it checks
    commands: tuple[Command, ...] = ()  # its `/netvaerk` sub-commands (bot/<feature>/commands.py)


class RegistryError(ValueError):
    """Two features claim the same thing, or one refers to a table nobody declared."""


@dataclass(frozen=True)
class Registry:
    """Every feature's declarations, merged and checked once at start-up."""

    features: tuple[Feature, ...]
    tables: tuple[Table, ...]
    rules: tuple[tuple[str, Rule], ...]
    builders: Mapping[str, Builder]
    home: Mapping[HomeSlot, tuple[SectionHook, ...]]
    erasers: Mapping[str, Eraser]
    retention: Mapping[str, RetentionHook]
    permissions: frozenset[Action]
    commands: tuple[Command, ...]

    @classmethod
    def of(cls, features: Iterable[Feature]) -> Registry:
        features = tuple(features)
        _unique("feature", [f.name for f in features])
        models = [model for f in features for model in f.tables]
        tables = [_table(model) for model in models]
        _unique("table", [t.name for t in tables])
        _unique("planner rule", [name for f in features for name, _rule in f.rules])
        _unique("command", [name for f in features for c in f.commands for name in c.names])
        builders = _merge("outbox kind", (f.builders for f in features))
        erasers = _merge("eraser for table", (f.erasers for f in features))
        unknown = sorted(set(erasers) - {t.name for t in tables})
        if unknown:
            raise RegistryError(f"erasers for tables no feature declares: {unknown}")
        home: dict[HomeSlot, tuple[SectionHook, ...]] = {slot: () for slot in HomeSlot}
        for feature in features:
            for slot, hook in feature.home:
                home[slot] = (*home[slot], hook)
        return cls(
            features=features,
            tables=tuple(tables),
            rules=tuple(rule for f in features for rule in f.rules),
            builders=MappingProxyType(builders),
            home=MappingProxyType(home),
            erasers=MappingProxyType(erasers),
            retention=MappingProxyType(_merge("retention hook", (f.retention for f in features))),
            permissions=frozenset(a for f in features for a in f.permissions),
            commands=tuple(c for f in features for c in f.commands),
        )

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)


def _table(model: type[SQLModel] | Table) -> Table:
    if isinstance(model, Table):
        return model
    table: Any = getattr(model, "__table__", None)
    if not isinstance(table, Table):
        raise RegistryError(f"{model.__name__} is not a table model")
    return table


def _unique(what: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise RegistryError(f"{what} {name!r} declared twice")
        seen.add(name)


def _merge(what: str, mappings: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for mapping in mappings:
        for key, value in mapping.items():
            if key in merged:
                raise RegistryError(f"{what} {key!r} declared twice")
            merged[key] = value
    return merged
