"""The department meeting's command: its settings."""

from bot.core.commands import Command

DEPARTMENT = Command(
    "afdeling", ("department", "afdelingsmøde", "moede"), "showcase.help.department"
)
