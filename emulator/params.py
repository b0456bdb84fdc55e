"""Reading Web API arguments the way Slack does.

slack_sdk sends some methods as JSON bodies (chat.postMessage, views.open) and others
form-encoded (users.info, conversations.open), so the same argument can arrive as a list, a
JSON string, the string "true" or a real boolean. `Params` hides that from the methods.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from emulator.workspace import SlackError, invalid_arguments

# Arguments that carry JSON documents; decoded once for the methods and for `Call.params`.
JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "files", "user_auth_blocks"})


def decode_json_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """`raw` with JSON-string fields decoded where they parse; others left as they were."""
    decoded = dict(raw)
    for key in JSON_FIELDS & decoded.keys():
        value = decoded[key]
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                decoded[key] = json.loads(value)
    return decoded


class Params:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = dict(raw)

    def __contains__(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                raise invalid_arguments(f"missing required field: {name}")
            return None
        return value if isinstance(value, str) else str(value)

    def require(self, name: str) -> str:
        value = self.text(name, required=True)
        assert value is not None
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in ("1", "true", "yes")

    def number(self, name: str, default: int) -> int:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise invalid_arguments(f"must be an integer [json-pointer:/{name}]") from None

    def decimal(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise invalid_arguments(f"must be a number [json-pointer:/{name}]") from None

    def document(self, name: str, *, error: str = "invalid_arguments") -> Any:
        """A JSON argument, decoded if it came as a string; `error` if it does not parse."""
        value = self.raw.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise SlackError(error) from None
        return value
