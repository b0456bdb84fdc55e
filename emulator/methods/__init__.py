"""Slack Web API methods, one module per family, registered by name in `METHODS`.

Importing this package registers every method. Each handler takes the workspace and the
request's arguments and returns the response body, or raises `SlackError`.
"""

from emulator.methods import chat, conversations, files, misc, users, views
from emulator.methods.registry import METHODS, Handler

__all__ = ["METHODS", "Handler", "chat", "conversations", "files", "misc", "users", "views"]
