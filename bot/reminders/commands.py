"""The reminders' commands: a pause, a PULS talk, a network theme."""

from bot.core.commands import Command

PAUSE = Command("pause", ("ferie", "vacation"), "scheduler.help.pause")
PULS = Command("puls", (), "scheduler.help.puls")
THEME = Command("tema", ("theme",), "scheduler.help.tema")
