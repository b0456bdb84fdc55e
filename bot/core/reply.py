"""What the person who clicked a button is told, decided by the feature's flow.

Either only to them, under the message they clicked (or by direct message where there is no such
place, as in App Home), or in place of the message clicked when the click answered it: the
question's buttons go, and what was decided stays. Each platform renders it its own way (Slack:
platforms/slack/handlers/listeners.reply).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import ui


@dataclass(frozen=True)
class Reply:
    message: ui.Message
    in_place: bool = False

    @classmethod
    def text(cls, text: str) -> Reply:
        """Told only to the person who clicked."""
        return cls(ui.Message(text))

    @classmethod
    def instead(cls, text: str) -> Reply:
        """In place of the message clicked: it has been answered."""
        return cls(ui.Message(text=text, parts=(ui.Text(text),)), in_place=True)
