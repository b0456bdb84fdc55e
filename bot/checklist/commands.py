"""The checklist's commands: the round, a talent nomination, the networks."""

from bot.core.commands import Command

CHECKLIST = Command("tjekliste", ("checklist", "tjek"), "checklist.help.tjekliste")
TALENT = Command("talent", (), "checklist.help.talent")
NETWORKS = Command("netværk", ("netvaerk", "networks", "network"), "checklist.help.netvaerk")
