"""Message catalogues: every word a user reads comes from bot/catalogue/<lang>/*.toml.

Each feature owns one TOML file per language; nested tables become dotted keys
(`[booking.error] past = "…"` → `booking.error.past`). Danish is the default language.

Texts are written in the neutral markup of bot/core/markup.py and come back as `ui.Rich`: the
parts each platform renders, with placeholder values always plain text.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.core import ui
from bot.core.markup import fill, parse

CATALOGUE_DIR = Path(__file__).parent.parent / "catalogue"
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"


def _flatten(prefix: str, table: dict[str, Any], into: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, into)
        else:
            into[full] = value


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for path in sorted((CATALOGUE_DIR / language).glob("*.toml")):
        _flatten("", tomllib.loads(path.read_text(encoding="utf-8")), entries)
    return entries


def normalise_language(value: str | None) -> str | None:
    """Map an import value or a Slack locale ("en-GB", "da-DK") onto a supported language."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def t(language: str | None, key: str, /, **values: object) -> ui.Rich:
    """The text for `key` in `language`, with `{placeholders}` filled in as plain text."""
    lang = normalise_language(language) or DEFAULT_LANGUAGE
    text = catalogue(lang).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE)[key]
    return fill(parse(text), values)


class Translator:
    """`t` bound to one person's language, handed to renderers."""

    def __init__(self, language: str | None) -> None:
        self.language = normalise_language(language) or DEFAULT_LANGUAGE

    def __call__(self, key: str, /, **values: object) -> ui.Rich:
        return t(self.language, key, **values)
