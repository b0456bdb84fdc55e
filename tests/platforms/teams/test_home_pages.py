"""Home in Teams in pages: when the sections do not fit one Teams message, the card shows the
first page with "Vis flere", and "Vis flere" / "Tilbage" turn it in place (Slack's Home tab
pages, `home.page`). Teams' size limit is made small here so the test organisation fills pages."""

from __future__ import annotations

import pytest

from platforms.teams import cards
from tests.platforms.teams.conftest import TeamsEnv, card_text


def test_home_in_pages_turned_in_place(
    teams_env: TeamsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = teams_env
    real = cards.fits
    monkeypatch.setattr(cards, "fits", lambda m: real(m) and len(m.parts) <= 6)
    env.install("ida")
    env.cloud.wait_for("send", timeout=10)
    ida = env.user("ida")
    first = env.last_message_to("ida")
    assert "Vis flere" in card_text(first) and "Tilbage" not in card_text(first)
    second = env.platform.click(ida, "Vis flere", first).json()
    assert second["type"] == "application/vnd.microsoft.card.adaptive"
    shown = card_text(second["value"])
    assert "Tilbage" in shown and shown != card_text(first)
    value = {"action": {"type": "Action.Execute", "verb": "home.page", "data": {"value": "0"}}}
    back = env.platform.invoke(ida, "adaptiveCard/action", value, first.id).json()
    assert card_text(back["value"]) == card_text(first)
