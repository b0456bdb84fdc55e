"""Reading what the emulator received, as a person would see it."""

from __future__ import annotations

import time
from typing import Any

from emulator.clock import real_monotonic
from emulator.web_api import SlackWebAPI


def dms(api: SlackWebAPI, user_id: str) -> list[dict[str, Any]]:
    """The bot's messages in the DM with `user_id`, oldest first (thread replies excluded)."""
    return [
        m
        for m in api.messages_in(user_id)
        if not m.get("thread_ts") or m.get("thread_ts") == m.get("ts")
    ]


def last_dm(api: SlackWebAPI, user_id: str) -> dict[str, Any]:
    messages = dms(api, user_id)
    assert messages, f"no DM to {user_id}"
    return messages[-1]


def text_of(message: dict[str, Any]) -> str:
    """Every text in a message, blocks included, as one string."""
    parts = [str(message.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn"):
                parts.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(action_id, value, label) of every button, in order."""
    found = []
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("type") == "button":
                found.append(
                    (element["action_id"], element.get("value", ""), element["text"]["text"])
                )
    return found


def button(message: dict[str, Any], action: str, index: int = 0) -> tuple[str, str]:
    matching = [(a, v) for a, v, _ in buttons(message) if a.split("#")[0] == action]
    assert len(matching) > index, f"no button {action} in {buttons(message)}"
    return matching[index]


def wait_dm(
    api: SlackWebAPI, user_id: str, containing: str, timeout: float = 5.0
) -> dict[str, Any]:
    """The newest DM to `user_id` whose text contains `containing`, waiting for it to arrive.

    Listeners run after the HTTP ack, so what they send arrives a moment after the request."""
    deadline = real_monotonic() + timeout
    while True:
        for message in reversed(dms(api, user_id)):
            if containing in text_of(message):
                return message
        if real_monotonic() > deadline:
            seen = [text_of(m)[:80] for m in dms(api, user_id)]
            raise AssertionError(f"no DM to {user_id} containing {containing!r}; saw {seen}")
        time.sleep(0.02)


def settle(api: SlackWebAPI, quiet: float = 0.3, timeout: float = 5.0) -> None:
    """Wait until the app has made no Web API call for `quiet` seconds."""
    deadline = real_monotonic() + timeout
    count = len(api.calls)
    last_change = real_monotonic()
    while real_monotonic() < deadline:
        time.sleep(0.05)
        if len(api.calls) != count:
            count, last_change = len(api.calls), real_monotonic()
        elif real_monotonic() - last_change >= quiet:
            return
