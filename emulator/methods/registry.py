"""The method table: `@method("chat.postMessage")` puts a handler in `METHODS`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.params import Params
from emulator.workspace import Workspace

Handler = Callable[[Workspace, Params], dict[str, Any]]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name] = handler
        return handler

    return register
