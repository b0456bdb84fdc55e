"""Block Kit validation: reject what Slack rejects.

A bot that builds a 25-character modal title or a 51-block message works against a lenient
fake and fails in production with `invalid_blocks` / `invalid_arguments`. These pure
functions apply Slack's documented limits so the emulator fails the same way. Each error
reads like Slack's own (``"must be less than 25 characters [json-pointer:/view/title/text]"``)
so a failing test shows where the payload is wrong.

Only surfaces the bot uses are modelled: messages, modals and the Home tab.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

MESSAGE_TEXT_LIMIT = 40000
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100

BLOCK_TYPES = frozenset(
    {"section", "divider", "header", "context", "actions", "input", "image", "rich_text"}
)
SELECTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
    }
)
MULTI_SELECTS = frozenset({f"multi_{name}" for name in SELECTS})
# Where each interactive element may appear (Slack's "works with block types").
SECTION_ACCESSORIES = (
    SELECTS
    | MULTI_SELECTS
    | {"button", "checkboxes", "datepicker", "image", "overflow", "radio_buttons", "timepicker"}
)
ACTIONS_ELEMENTS = (
    SELECTS
    | MULTI_SELECTS
    | {
        "button",
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "overflow",
        "radio_buttons",
        "timepicker",
        "rich_text_input",
    }
)
INPUT_ELEMENTS = (
    SELECTS
    | MULTI_SELECTS
    | {
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "number_input",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        "timepicker",
        "url_text_input",
    }
)
RICH_TEXT_ELEMENTS = frozenset(
    {"rich_text_section", "rich_text_list", "rich_text_preformatted", "rich_text_quote"}
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def validate_message(payload: Mapping[str, Any]) -> list[str]:
    """Errors Slack would report for a message (chat.postMessage/update, response_url).

    `payload` is the decoded message: `text`, `blocks` (a list) and anything else, which is
    ignored. Input blocks are refused: they belong in modals and the Home tab.
    """
    check = _Checker(surface="message")
    text = payload.get("text")
    if text is not None:
        if not isinstance(text, str):
            check.error("must provide a string", "/text")
        elif len(text) > MESSAGE_TEXT_LIMIT:
            check.error(f"must be less than {MESSAGE_TEXT_LIMIT + 1} characters", "/text")
    blocks = payload.get("blocks")
    if blocks is not None:
        check.blocks(blocks, "/blocks", MESSAGE_BLOCK_LIMIT)
    return check.errors


def validate_view(view: Any) -> list[str]:
    """Errors Slack would report for a modal or Home tab view (views.open/update/push/publish)."""
    if not isinstance(view, Mapping):
        return [_fmt("must provide an object", "/view")]
    kind = view.get("type")
    check = _Checker(surface=kind if kind in ("modal", "home") else "modal")
    if kind is None:
        check.missing("type", "/view")
    elif kind not in ("modal", "home"):
        check.error("must be a valid enum value (modal, home)", "/view/type")
    blocks = view.get("blocks")
    if blocks is None:
        check.missing("blocks", "/view")
    else:
        check.blocks(blocks, "/view/blocks", VIEW_BLOCK_LIMIT)
    if kind == "modal":
        check.text(view.get("title"), "/view/title", limit=24, plain=True, name="title")
        check.text(view.get("submit"), "/view/submit", limit=24, plain=True, required=False)
        check.text(view.get("close"), "/view/close", limit=24, plain=True, required=False)
        has_inputs = isinstance(blocks, list) and any(
            isinstance(b, Mapping) and b.get("type") == "input" for b in blocks
        )
        if has_inputs and view.get("submit") is None:
            check.error("missing required field: submit (the modal has input blocks)", "/view")
        check.flag(view, "clear_on_close", "/view")
        check.flag(view, "notify_on_close", "/view")
    check.string(view, "callback_id", "/view", limit=255)
    check.string(view, "private_metadata", "/view", limit=3000, allow_empty=True)
    check.string(view, "external_id", "/view", limit=255)
    return check.errors


def _fmt(message: str, pointer: str) -> str:
    return f"{message} [json-pointer:{pointer}]"


@dataclass
class _Checker:
    """Walks one payload, collecting errors; knows the surface and which ids are taken."""

    surface: str
    errors: list[str] = field(default_factory=list)
    block_ids: dict[str, str] = field(default_factory=dict)
    view_action_ids: dict[str, str] = field(default_factory=dict)
    block_action_ids: dict[str, str] = field(default_factory=dict)

    # -- primitives ---------------------------------------------------------------------

    def error(self, message: str, pointer: str) -> None:
        self.errors.append(_fmt(message, pointer))

    def missing(self, name: str, pointer: str) -> None:
        self.error(f"missing required field: {name}", pointer)

    def length(self, value: str, pointer: str, limit: int, *, allow_empty: bool = False) -> None:
        if not value and not allow_empty:
            self.error("must be more than 0 characters", pointer)
        elif len(value) > limit:
            self.error(f"must be less than {limit + 1} characters", pointer)

    def string(
        self,
        obj: Mapping[str, Any],
        key: str,
        pointer: str,
        *,
        limit: int,
        required: bool = False,
        allow_empty: bool = False,
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.missing(key, pointer)
            return None
        if not isinstance(value, str):
            self.error("must provide a string", f"{pointer}/{key}")
            return None
        self.length(value, f"{pointer}/{key}", limit, allow_empty=allow_empty)
        return value

    def flag(self, obj: Mapping[str, Any], key: str, pointer: str) -> None:
        if key in obj and not isinstance(obj[key], bool):
            self.error("must be a boolean", f"{pointer}/{key}")

    def items(
        self, value: Any, pointer: str, *, maximum: int, minimum: int = 1
    ) -> list[Any] | None:
        if not isinstance(value, list):
            self.error("must provide an array", pointer)
            return None
        if len(value) > maximum:
            self.error(f"no more than {maximum} items allowed", pointer)
        elif len(value) < minimum:
            self.error(f"must provide at least {minimum} items", pointer)
        return value

    def text(
        self,
        obj: Any,
        pointer: str,
        *,
        limit: int,
        plain: bool = False,
        required: bool = True,
        name: str | None = None,
    ) -> None:
        """A text object; `plain` where Slack accepts only plain_text."""
        if obj is None:
            if required:
                parent, _, key = pointer.rpartition("/")
                self.missing(name or key, parent or "/")
            return
        if not isinstance(obj, Mapping):
            self.error("must provide an object", pointer)
            return
        kind = obj.get("type")
        if kind is None:
            self.missing("type", pointer)
        elif plain and kind != "plain_text":
            self.error("must be a valid enum value (plain_text)", f"{pointer}/type")
        elif kind not in ("plain_text", "mrkdwn"):
            self.error("must be a valid enum value (plain_text, mrkdwn)", f"{pointer}/type")
        value = obj.get("text")
        if value is None:
            self.missing("text", pointer)
        elif not isinstance(value, str):
            self.error("must provide a string", f"{pointer}/text")
        else:
            self.length(value, f"{pointer}/text", limit)
        if kind == "mrkdwn" and "emoji" in obj:
            self.error("emoji is only allowed on plain_text", f"{pointer}/emoji")
        self.flag(obj, "emoji", pointer)
        self.flag(obj, "verbatim", pointer)

    # -- blocks -------------------------------------------------------------------------

    def blocks(self, blocks: Any, pointer: str, limit: int) -> None:
        items = self.items(blocks, pointer, maximum=limit, minimum=0)
        for index, block in enumerate(items or []):
            self.block(block, f"{pointer}/{index}")

    def block(self, block: Any, pointer: str) -> None:
        if not isinstance(block, Mapping):
            self.error("must provide an object", pointer)
            return
        kind = block.get("type")
        if kind is None:
            self.missing("type", pointer)
            return
        if kind not in BLOCK_TYPES:
            self.error(f"unsupported type: {kind}", f"{pointer}/type")
            return
        block_id = self.string(block, "block_id", pointer, limit=255)
        if block_id is not None:
            if block_id in self.block_ids:
                self.error(
                    f"duplicate block_id '{block_id}' (also at {self.block_ids[block_id]})",
                    f"{pointer}/block_id",
                )
            else:
                self.block_ids[block_id] = pointer
        self.block_action_ids = {}
        getattr(self, f"_block_{kind}")(block, pointer)

    def _block_section(self, block: Mapping[str, Any], pointer: str) -> None:
        text, fields = block.get("text"), block.get("fields")
        if text is None and fields is None:
            self.error("must define either `text` or `fields`", f"{pointer}/type")
        if text is not None:
            self.text(text, f"{pointer}/text", limit=3000)
        if fields is not None:
            for index, item in enumerate(self.items(fields, f"{pointer}/fields", maximum=10) or []):
                self.text(item, f"{pointer}/fields/{index}", limit=2000)
        if block.get("accessory") is not None:
            self.element(block["accessory"], f"{pointer}/accessory", SECTION_ACCESSORIES)

    def _block_divider(self, block: Mapping[str, Any], pointer: str) -> None:
        pass

    def _block_header(self, block: Mapping[str, Any], pointer: str) -> None:
        self.text(block.get("text"), f"{pointer}/text", limit=150, plain=True)

    def _block_context(self, block: Mapping[str, Any], pointer: str) -> None:
        if block.get("elements") is None:
            self.missing("elements", pointer)
            return
        elements = self.items(block["elements"], f"{pointer}/elements", maximum=10)
        for index, item in enumerate(elements or []):
            item_pointer = f"{pointer}/elements/{index}"
            if isinstance(item, Mapping) and item.get("type") == "image":
                self.element(item, item_pointer, frozenset({"image"}))
            else:
                self.text(item, item_pointer, limit=3000)

    def _block_actions(self, block: Mapping[str, Any], pointer: str) -> None:
        if block.get("elements") is None:
            self.missing("elements", pointer)
            return
        elements = self.items(block["elements"], f"{pointer}/elements", maximum=25)
        for index, item in enumerate(elements or []):
            self.element(item, f"{pointer}/elements/{index}", ACTIONS_ELEMENTS)

    def _block_input(self, block: Mapping[str, Any], pointer: str) -> None:
        if self.surface == "message":
            self.error(
                "unsupported type: input (input blocks belong in modals and the Home tab)",
                f"{pointer}/type",
            )
        self.text(block.get("label"), f"{pointer}/label", limit=2000, plain=True)
        self.text(block.get("hint"), f"{pointer}/hint", limit=2000, plain=True, required=False)
        self.flag(block, "optional", pointer)
        self.flag(block, "dispatch_action", pointer)
        if "elements" in block:
            self.error("input blocks take exactly one `element`", f"{pointer}/elements")
        if block.get("element") is None:
            self.missing("element", pointer)
        else:
            self.element(block["element"], f"{pointer}/element", INPUT_ELEMENTS)

    def _block_image(self, block: Mapping[str, Any], pointer: str) -> None:
        self._image_source(block, pointer)
        self.text(block.get("title"), f"{pointer}/title", limit=2000, plain=True, required=False)

    def _block_rich_text(self, block: Mapping[str, Any], pointer: str) -> None:
        if block.get("elements") is None:
            self.missing("elements", pointer)
            return
        elements = self.items(block["elements"], f"{pointer}/elements", maximum=100, minimum=0)
        for index, item in enumerate(elements or []):
            item_pointer = f"{pointer}/elements/{index}"
            if not isinstance(item, Mapping):
                self.error("must provide an object", item_pointer)
            elif item.get("type") not in RICH_TEXT_ELEMENTS:
                self.error(f"unsupported type: {item.get('type')}", f"{item_pointer}/type")

    def _image_source(self, obj: Mapping[str, Any], pointer: str) -> None:
        if obj.get("image_url") is None and obj.get("slack_file") is None:
            self.missing("image_url", pointer)
        self.string(obj, "image_url", pointer, limit=3000)
        self.string(obj, "alt_text", pointer, limit=2000, required=True)

    # -- elements -----------------------------------------------------------------------

    def element(self, element: Any, pointer: str, allowed: frozenset[str] | set[str]) -> None:
        if not isinstance(element, Mapping):
            self.error("must provide an object", pointer)
            return
        kind = element.get("type")
        if kind is None:
            self.missing("type", pointer)
            return
        if kind not in allowed:
            self.error(f"unsupported type: {kind}", f"{pointer}/type")
            return
        if kind != "image":
            self.action_id(element, pointer)
        self.flag(element, "focus_on_load", pointer)
        if element.get("confirm") is not None:
            self.confirm(element["confirm"], f"{pointer}/confirm")
        if element.get("placeholder") is not None:
            self.text(element["placeholder"], f"{pointer}/placeholder", limit=150, plain=True)
        base = kind.removeprefix("multi_")
        handler = getattr(self, f"_element_{base}", None)
        if handler is not None:
            handler(element, pointer, kind)

    def action_id(self, element: Mapping[str, Any], pointer: str) -> None:
        action_id = self.string(element, "action_id", pointer, limit=255)
        if action_id is None:
            return
        # Slack insists on uniqueness within a block; in views the brief is stricter (the
        # whole view) because state.values and view handlers are keyed by action_id.
        taken = self.view_action_ids if self.surface != "message" else self.block_action_ids
        if action_id in taken:
            self.error(
                f"duplicate action_id '{action_id}' (also at {taken[action_id]})",
                f"{pointer}/action_id",
            )
        else:
            taken[action_id] = pointer

    def confirm(self, confirm: Any, pointer: str) -> None:
        if not isinstance(confirm, Mapping):
            self.error("must provide an object", pointer)
            return
        self.text(confirm.get("title"), f"{pointer}/title", limit=100, plain=True)
        self.text(confirm.get("text"), f"{pointer}/text", limit=300)
        self.text(confirm.get("confirm"), f"{pointer}/confirm", limit=30, plain=True)
        self.text(confirm.get("deny"), f"{pointer}/deny", limit=30, plain=True)
        if confirm.get("style") not in (None, "primary", "danger"):
            self.error("must be a valid enum value (primary, danger)", f"{pointer}/style")

    def _element_button(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        self.text(element.get("text"), f"{pointer}/text", limit=75, plain=True)
        self.string(element, "value", pointer, limit=2000)
        self.string(element, "url", pointer, limit=3000)
        self.string(element, "accessibility_label", pointer, limit=75)
        if element.get("style") not in (None, "primary", "danger"):
            self.error("must be a valid enum value (primary, danger)", f"{pointer}/style")

    def option(self, option: Any, pointer: str, *, plain: bool, url: bool = False) -> None:
        if not isinstance(option, Mapping):
            self.error("must provide an object", pointer)
            return
        self.text(option.get("text"), f"{pointer}/text", limit=75, plain=plain)
        self.string(option, "value", pointer, limit=150, required=True)
        self.text(
            option.get("description"),
            f"{pointer}/description",
            limit=75,
            plain=plain,
            required=False,
        )
        if url:
            self.string(option, "url", pointer, limit=3000)
        elif "url" in option:
            self.error("url is only allowed on overflow menu options", f"{pointer}/url")

    def options(
        self, element: Mapping[str, Any], pointer: str, *, maximum: int, plain: bool
    ) -> list[Mapping[str, Any]]:
        """Checks `options` and returns the well-formed ones (for initial_option checks)."""
        if element.get("options") is None:
            self.missing("options", pointer)
            return []
        items = self.items(element["options"], f"{pointer}/options", maximum=maximum) or []
        for index, option in enumerate(items):
            self.option(option, f"{pointer}/options/{index}", plain=plain)
        return [o for o in items if isinstance(o, Mapping)]

    def initial_options(
        self,
        element: Mapping[str, Any],
        pointer: str,
        options: Sequence[Mapping[str, Any]],
        *,
        multi: bool,
    ) -> None:
        key = "initial_options" if multi else "initial_option"
        initial = element.get(key)
        if initial is None:
            return
        chosen = initial if multi else [initial]
        if not isinstance(chosen, list):
            self.error("must provide an array", f"{pointer}/{key}")
            return
        known = {_option_key(o) for o in options}
        for index, option in enumerate(chosen):
            where = f"{pointer}/{key}/{index}" if multi else f"{pointer}/{key}"
            if not isinstance(option, Mapping) or _option_key(option) not in known:
                self.error(f"{key} must match one of the options", where)

    def _element_static_select(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        multi = kind.startswith("multi_")
        has_options, has_groups = element.get("options") is not None, "option_groups" in element
        if has_options and has_groups:
            self.error("provide either options or option_groups, not both", pointer)
        options: list[Mapping[str, Any]] = []
        if has_groups:
            groups = self.items(element["option_groups"], f"{pointer}/option_groups", maximum=100)
            for index, group in enumerate(groups or []):
                group_pointer = f"{pointer}/option_groups/{index}"
                if not isinstance(group, Mapping):
                    self.error("must provide an object", group_pointer)
                    continue
                self.text(group.get("label"), f"{group_pointer}/label", limit=75, plain=True)
                options += self.options(group, group_pointer, maximum=100, plain=True)
        else:
            options = self.options(element, pointer, maximum=100, plain=True)
        self.initial_options(element, pointer, options, multi=multi)
        if multi:
            self.max_selected(element, pointer)

    def max_selected(self, element: Mapping[str, Any], pointer: str) -> None:
        value = element.get("max_selected_items")
        if value is not None and (not isinstance(value, int) or value < 1):
            self.error("must be an integer of at least 1", f"{pointer}/max_selected_items")

    def _element_users_select(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        key = "initial_users" if kind.startswith("multi_") else "initial_user"
        value = element.get(key)
        if kind.startswith("multi_"):
            self.max_selected(element, pointer)
            if value is not None and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                self.error("must provide an array of strings", f"{pointer}/{key}")
        elif value is not None and not isinstance(value, str):
            self.error("must provide a string", f"{pointer}/{key}")

    def _element_overflow(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        if element.get("options") is None:
            self.missing("options", pointer)
            return
        items = self.items(element["options"], f"{pointer}/options", maximum=5) or []
        for index, option in enumerate(items):
            self.option(option, f"{pointer}/options/{index}", plain=True, url=True)

    def _element_radio_buttons(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        options = self.options(element, pointer, maximum=10, plain=False)
        self.initial_options(element, pointer, options, multi=False)

    def _element_checkboxes(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        options = self.options(element, pointer, maximum=10, plain=False)
        self.initial_options(element, pointer, options, multi=True)

    def _element_datepicker(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        value = element.get("initial_date")
        if value is not None and not _is_date(value):
            self.error("must be a valid date in the format YYYY-MM-DD", f"{pointer}/initial_date")

    def _element_timepicker(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        value = element.get("initial_time")
        if value is not None and not (isinstance(value, str) and _TIME.match(value)):
            self.error("must be a valid time in the format HH:mm", f"{pointer}/initial_time")
        self.string(element, "timezone", pointer, limit=255)

    def _element_datetimepicker(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        value = element.get("initial_date_time")
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            self.error("must be an integer (UNIX timestamp)", f"{pointer}/initial_date_time")

    def _element_plain_text_input(
        self, element: Mapping[str, Any], pointer: str, kind: str
    ) -> None:
        self.flag(element, "multiline", pointer)
        minimum, maximum = element.get("min_length"), element.get("max_length")
        if minimum is not None and not _int_between(minimum, 0, 3000):
            self.error("must be an integer between 0 and 3000", f"{pointer}/min_length")
            minimum = None
        if maximum is not None and not _int_between(maximum, 1, 3000):
            self.error("must be an integer between 1 and 3000", f"{pointer}/max_length")
            maximum = None
        if minimum is not None and maximum is not None and minimum > maximum:
            self.error("min_length must not be greater than max_length", f"{pointer}/min_length")
        initial = element.get("initial_value")
        if initial is not None:
            if not isinstance(initial, str):
                self.error("must provide a string", f"{pointer}/initial_value")
            elif len(initial) > (maximum if maximum is not None else 3000):
                limit = maximum if maximum is not None else 3000
                self.error(
                    f"must be less than {limit + 1} characters (max_length)",
                    f"{pointer}/initial_value",
                )

    def _element_email_text_input(
        self, element: Mapping[str, Any], pointer: str, kind: str
    ) -> None:
        self.string(element, "initial_value", pointer, limit=3000, allow_empty=True)

    _element_url_text_input = _element_email_text_input

    def _element_number_input(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        decimal_allowed = element.get("is_decimal_allowed")
        if decimal_allowed is None:
            self.missing("is_decimal_allowed", pointer)
        elif not isinstance(decimal_allowed, bool):
            self.error("must be a boolean", f"{pointer}/is_decimal_allowed")
        numbers: dict[str, Decimal] = {}
        for key in ("initial_value", "min_value", "max_value"):
            raw = element.get(key)
            if raw is None:
                continue
            number = _number(raw)
            if number is None:
                self.error("must be a number given as a string", f"{pointer}/{key}")
            elif decimal_allowed is False and number != number.to_integral_value():
                self.error(
                    "must be an integer when is_decimal_allowed is false", f"{pointer}/{key}"
                )
            else:
                numbers[key] = number
        low, high = numbers.get("min_value"), numbers.get("max_value")
        if low is not None and high is not None and low > high:
            self.error("min_value must not be greater than max_value", f"{pointer}/min_value")
        initial = numbers.get("initial_value")
        if initial is not None and (
            (low is not None and initial < low) or (high is not None and initial > high)
        ):
            self.error("must be between min_value and max_value", f"{pointer}/initial_value")

    def _element_image(self, element: Mapping[str, Any], pointer: str, kind: str) -> None:
        self._image_source(element, pointer)


def _option_key(option: Mapping[str, Any]) -> tuple[Any, Any]:
    text = option.get("text")
    return option.get("value"), text.get("text") if isinstance(text, Mapping) else None


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _int_between(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _number(value: Any) -> Decimal | None:
    if not isinstance(value, str):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
