"""The privacy command: a person's own data."""

from bot.core.commands import Command

MY_DATA = Command(
    "mine", ("mine data", "my data", "my", "minedata", "mydata"), "privacy.export.help"
)
