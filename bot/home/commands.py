"""The home command: what App Home shows, as a message, where there is no App Home (Teams).

Not among the feature's Slack sub-commands: on Slack the Home tab is always there.
"""

from bot.core.commands import Command

HOME = Command("hjem", ("home", "forside"), "help.home")
