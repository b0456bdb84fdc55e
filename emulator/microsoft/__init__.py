"""Microsoft's side of a Teams (and, later, Outlook calendar) deployment, on loopback.

`MicrosoftCloud` serves Entra's token endpoint, the Bot Framework's OpenID metadata and keys,
and the Bot Connector over https with a local CA; `TeamsPlatform` posts signed activities to the
bot. Typical use::

    with MicrosoftCloud() as cloud:
        alice = cloud.add_user("Alice Jensen", "alice@albertslund.dk")
        # start the bot with cloud.environment(), serving /api/messages on loopback, then:
        teams = TeamsPlatform("http://127.0.0.1:PORT/api/messages", cloud)
        teams.message(alice, "book")
        cloud.wait_for("send")                     # the bot answers through the connector
        teams.click(alice, "Acceptér")
"""

from emulator.microsoft.cards import activity_errors, card_errors
from emulator.microsoft.cloud import MicrosoftCloud, Reply, WaitTimeout
from emulator.microsoft.platform import BotResponse, TeamsPlatform
from emulator.microsoft.records import CloudCall, PostedActivity, TeamsChannel, TeamsUser

__all__ = [
    "BotResponse",
    "CloudCall",
    "MicrosoftCloud",
    "PostedActivity",
    "Reply",
    "TeamsChannel",
    "TeamsPlatform",
    "TeamsUser",
    "WaitTimeout",
    "activity_errors",
    "card_errors",
]
