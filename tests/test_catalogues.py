"""Every text exists in Danish and English, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from bot.core import ui
from bot.core.i18n import LANGUAGES, Translator, catalogue, normalise_language, t


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_every_key() -> None:
    da, en = set(catalogue("da")), set(catalogue("en"))
    assert da - en == set(), "missing in English"
    assert en - da == set(), "missing in Danish"
    assert len(da) > 100


@pytest.mark.parametrize("key", sorted(catalogue("da")))
def test_placeholders_match(key: str) -> None:
    assert _placeholders(catalogue("da")[key]) == _placeholders(catalogue("en")[key])


def test_no_text_is_empty() -> None:
    for language in LANGUAGES:
        empty = [key for key, text in catalogue(language).items() if not str(text).strip()]
        assert empty == []


def test_language_resolution() -> None:
    assert normalise_language("en-GB") == "en"
    assert normalise_language("da_DK") == "da"
    assert normalise_language("de-DE") is None
    assert normalise_language(None) is None
    assert Translator("sv").language == "da"
    assert t("en", "help.intro").startswith("Netværksbot helps")
    assert t("en", "help.intro").spans[0] == ui.Bold((ui.Plain("Netværksbot"),))
