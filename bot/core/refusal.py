"""The one way a flow says no: something the person may not do, or cannot do now.

Flows raise it; the platform's one error path answers it, politely and in the person's language
(for Slack: platforms/slack/handlers/errors.py). Nothing in between catches it to word it.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.formatting import format_datetime
from bot.core.i18n import Translator


class Refusal(Exception):
    """`key` names the catalogue text, `values` fill it in. A datetime value is shown in the
    reader's own time zone, so the domain never has to know who will read it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, t: Translator, timezone: str) -> str:
        values = {
            name: format_datetime(value, t.language, timezone)
            if isinstance(value, datetime)
            else value
            for name, value in self.values.items()
        }
        return t(self.key, **values)


class NotInData(Refusal):
    """The person is not in the imported organisation data (or no longer active)."""

    def __init__(self) -> None:
        super().__init__("error.not_in_data")
