"""A Slack emulator for testing the real Bolt app over HTTP.

`SlackWebAPI` is the Web API the app calls; `SlackPlatform` is Slack's servers calling the
app (signed slash commands, clicks, submissions, events); `blockkit` rejects the payloads
Slack would reject. Typical use::

    with SlackWebAPI() as api:                      # token "xoxb-test-token"
        api.add_user("U0ALICE001", "alice@example.dk", "alice")
        # start the bot with SLACK_API_URL=api.api_url, serve it on loopback, then:
        slack = SlackPlatform("http://127.0.0.1:PORT/slack/events", SIGNING_SECRET, api)
        slack.command("U0ALICE001", "tilmeld")
        api.wait_for("views.open")                 # Bolt calls the API after its ack
        slack.submit_view("U0ALICE001", {"name_block": "Alice"})
        slack.click("U0ALICE001", "confirm", value="yes")
        assert api.messages_in("U0ALICE001")[-1]["text"] == "..."
        assert api.warnings == []                  # nothing Slack would have grumbled about
"""

from emulator.blockkit import validate_message, validate_view
from emulator.interaction import InputRejected
from emulator.platform import Response, SlackPlatform
from emulator.records import Call, Channel, Ephemeral, ResponseUrlPost, UploadedFile, User
from emulator.web_api import SlackWebAPI, WaitTimeout
from emulator.workspace import Identity

__all__ = [
    "Call",
    "Channel",
    "Ephemeral",
    "Identity",
    "InputRejected",
    "Response",
    "ResponseUrlPost",
    "SlackPlatform",
    "SlackWebAPI",
    "UploadedFile",
    "User",
    "WaitTimeout",
    "validate_message",
    "validate_view",
]
