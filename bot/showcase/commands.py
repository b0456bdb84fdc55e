"""The showcase's commands: share a result, look for participants."""

from bot.core.commands import Command

RESULT = Command("resultat", ("result", "results", "resultater"), "showcase.help.result")
OPEN_CALL = Command("deltagere", ("open", "søger", "rekruttér"), "showcase.help.open")
