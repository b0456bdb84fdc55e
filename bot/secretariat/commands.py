"""The secretariat's commands: its menu and the overview report."""

from bot.core.commands import Command

MENU = Command("sekretariat", ("secretariat",), "secretariat.help.menu")
REPORT = Command("rapport", ("report",), "secretariat.help.report")
