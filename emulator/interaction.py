"""What a Slack client does with Block Kit elements: their state and the actions they send.

Pure functions that turn "the user typed X into block B" into Slack's `state.values` and
`actions` shapes, per element type, including what Slack sends for untouched inputs
(initial values, or nulls) and what the Slack client refuses to submit at all (a required
field left empty, text shorter than `min_length`, a number outside its range).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any

VALUE_ELEMENTS = frozenset(
    {"plain_text_input", "email_text_input", "url_text_input", "number_input"}
)
SINGLE_KEYS = {
    "static_select": ("selected_option", "initial_option"),
    "external_select": ("selected_option", "initial_option"),
    "radio_buttons": ("selected_option", "initial_option"),
    "users_select": ("selected_user", "initial_user"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "channels_select": ("selected_channel", "initial_channel"),
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
}
MULTI_KEYS = {
    "multi_static_select": ("selected_options", "initial_options"),
    "multi_external_select": ("selected_options", "initial_options"),
    "checkboxes": ("selected_options", "initial_options"),
    "multi_users_select": ("selected_users", "initial_users"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
}
OPTION_ELEMENTS = frozenset(
    {"static_select", "external_select", "radio_buttons", "overflow"}
    | {"multi_static_select", "multi_external_select", "checkboxes"}
)
STATEFUL = VALUE_ELEMENTS | SINGLE_KEYS.keys() | MULTI_KEYS.keys() | {"rich_text_input"}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Draft = dict[str, dict[str, dict[str, Any]]]  # block_id -> action_id -> state entry


class InputRejected(ValueError):
    """The Slack client would not let the user submit this (field -> message)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def elements(blocks: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) for every interactive element: input, accessory, actions."""
    for block in blocks or []:
        if not isinstance(block, dict):
            continue
        candidates: list[Any] = [block.get("element"), block.get("accessory")]
        if block.get("type") == "actions":
            candidates += block.get("elements") or []
        for element in candidates:
            if isinstance(element, dict) and element.get("type") not in (None, "image"):
                yield block, element


def options_of(element: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found += group.get("options") or []
    return [o for o in found if isinstance(o, dict)]


def pick_option(element: Mapping[str, Any], value: str) -> dict[str, Any]:
    """The option object with this value (external selects make one up)."""
    if element.get("type", "").endswith("external_select"):
        return {"text": {"type": "plain_text", "text": value}, "value": value}
    for option in options_of(element):
        if option.get("value") == value:
            return copy.deepcopy(option)
    known = [o.get("value") for o in options_of(element)]
    raise ValueError(f"{element.get('action_id')}: no option with value {value!r} (have {known})")


def empty_entry(element: Mapping[str, Any]) -> dict[str, Any]:
    """State of an element the user has not touched: its initial value, or null/[]."""
    kind = element["type"]
    entry: dict[str, Any] = {"type": kind}
    if kind in VALUE_ELEMENTS:
        entry["value"] = element.get("initial_value")
    elif kind in SINGLE_KEYS:
        selected, initial = SINGLE_KEYS[kind]
        entry[selected] = copy.deepcopy(element.get(initial))
    elif kind in MULTI_KEYS:
        selected, initial = MULTI_KEYS[kind]
        entry[selected] = copy.deepcopy(element.get(initial) or [])
    elif kind == "rich_text_input":
        entry["rich_text_value"] = copy.deepcopy(element.get("initial_value"))
    if kind == "timepicker" and element.get("timezone"):
        entry["timezone"] = element["timezone"]
    return entry


def entry_for(element: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """State of an element after the user chose `value` (None clears it).

    Values are what a person would pick: text for inputs (numbers may be int/float), an
    option *value* for selects and radios, a list of them for checkboxes and multi-selects,
    a user/channel id, a `date`/"YYYY-MM-DD", a `time`/"HH:MM".
    """
    kind = element["type"]
    entry: dict[str, Any] = {"type": kind}
    if kind in VALUE_ELEMENTS:
        entry["value"] = None if value in (None, "") else str(value)
    elif kind == "rich_text_input":
        entry["rich_text_value"] = None if value is None else _rich_text(str(value))
    elif kind in SINGLE_KEYS:
        key = SINGLE_KEYS[kind][0]
        entry[key] = None if value is None else _single(element, kind, value)
    elif kind in MULTI_KEYS:
        key = MULTI_KEYS[kind][0]
        values = [] if value is None else [value] if isinstance(value, str) else list(value)
        if kind in OPTION_ELEMENTS:
            entry[key] = [pick_option(element, str(v)) for v in values]
        else:
            entry[key] = [str(v) for v in values]
    else:
        raise ValueError(f"{element.get('action_id')}: a {kind} has no value to set")
    return entry


def _single(element: Mapping[str, Any], kind: str, value: Any) -> Any:
    if kind in OPTION_ELEMENTS:
        return pick_option(element, str(value))
    if kind == "datepicker":
        text = value.isoformat() if isinstance(value, date) else str(value)
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            raise ValueError(f"{element.get('action_id')}: {value!r} is not YYYY-MM-DD")
        return text
    if kind == "timepicker":
        text = value.strftime("%H:%M") if isinstance(value, time) else str(value)
        if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", text):
            raise ValueError(f"{element.get('action_id')}: {value!r} is not HH:MM")
        return text
    if kind == "datetimepicker":
        return int(value)
    return str(value)


def _rich_text(text: str) -> dict[str, Any]:
    return {
        "type": "rich_text",
        "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
    }


def state_values(blocks: Any, draft: Draft | None = None) -> dict[str, dict[str, Any]]:
    """`state.values` for a surface: every stateful element, drafted or initial."""
    draft = draft or {}
    values: dict[str, dict[str, Any]] = {}
    for block, element in elements(blocks):
        if element["type"] not in STATEFUL:
            continue
        block_id, action_id = block.get("block_id", ""), element.get("action_id", "")
        entry = draft.get(block_id, {}).get(action_id) or empty_entry(element)
        values.setdefault(block_id, {})[action_id] = copy.deepcopy(entry)
    return values


def fill(blocks: Any, draft: Draft, values: Mapping[str, Any]) -> Draft:
    """A new draft with `values` (keyed by block_id, or by action_id) typed in."""
    result = copy.deepcopy(draft)
    targets = {
        key: (block, element)
        for block, element in elements(blocks)
        if element["type"] in STATEFUL
        for key in (block.get("block_id"), element.get("action_id"))
        if key
    }
    for key, value in values.items():
        if key not in targets:
            raise KeyError(f"no input with block_id or action_id {key!r}; have {sorted(targets)}")
        block, element = targets[key]
        result.setdefault(block["block_id"], {})[element["action_id"]] = entry_for(element, value)
    return result


def client_check(blocks: Any, state: Mapping[str, Mapping[str, Any]]) -> None:
    """Refuse what the Slack client refuses before anything is sent to the app."""
    errors: dict[str, str] = {}
    for block, element in elements(blocks):
        if block.get("type") != "input":
            continue
        entry = state.get(block.get("block_id", ""), {}).get(element.get("action_id", ""), {})
        problem = _problem(element, entry, optional=bool(block.get("optional")))
        if problem:
            errors[block.get("block_id", "")] = problem
    if errors:
        raise InputRejected(errors)


def _problem(element: Mapping[str, Any], entry: Mapping[str, Any], *, optional: bool) -> str | None:
    kind = element["type"]
    filled = [v for k, v in entry.items() if k not in ("type", "timezone")]
    value = filled[0] if filled else None
    if value in (None, "", []):
        return None if optional else "Please complete this required field."
    if kind == "plain_text_input":
        length = len(str(value))
        if element.get("min_length") is not None and length < element["min_length"]:
            return f"Must be at least {element['min_length']} characters."
        if element.get("max_length") is not None and length > element["max_length"]:
            return f"Must be at most {element['max_length']} characters."
    if kind == "number_input":
        return _number_problem(element, str(value))
    if kind == "email_text_input" and not _EMAIL.match(str(value)):
        return "Please enter a valid email address."
    if kind == "url_text_input" and not str(value).startswith(("http://", "https://")):
        return "Please enter a valid URL."
    limit = element.get("max_selected_items")
    if kind in MULTI_KEYS and limit is not None and len(value) > limit:
        return f"Select up to {limit} items."
    return None


def _number_problem(element: Mapping[str, Any], text: str) -> str | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return "Please enter a number."
    if not element.get("is_decimal_allowed") and number != number.to_integral_value():
        return "Please enter a whole number."
    low, high = element.get("min_value"), element.get("max_value")
    if low is not None and number < Decimal(low):
        return f"Must be at least {low}."
    if high is not None and number > Decimal(high):
        return f"Must be at most {high}."
    return None


def find_element(
    blocks: Any, action_id: str, value: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The (block, element) with this action_id (and, for buttons, this value)."""
    for block, element in elements(blocks):
        if element.get("action_id") != action_id:
            continue
        if value is not None and element.get("type") == "button" and element.get("value") != value:
            continue
        return block, element
    return None


def action_for(
    block: Mapping[str, Any], element: Mapping[str, Any], entry: Mapping[str, Any] | None, ts: str
) -> dict[str, Any]:
    """The `actions[0]` of a block_actions payload for this element."""
    kind = element["type"]
    action: dict[str, Any] = {
        "type": kind,
        "action_id": element.get("action_id"),
        "block_id": block.get("block_id"),
        "action_ts": ts,
    }
    if kind == "button":
        action["text"] = copy.deepcopy(element.get("text"))
        for key in ("value", "style", "url"):
            if key in element:
                action[key] = element[key]
    elif entry is not None:
        action.update({k: copy.deepcopy(v) for k, v in entry.items() if k != "type"})
    if "placeholder" in element:
        action["placeholder"] = copy.deepcopy(element["placeholder"])
    return action
