"""Renders the neutral message model (bot/core/ui.py) as Slack Block Kit, and reads modal input
back.

Slack's limits are respected here, once, for text that comes from data (names, themes, notes):
it is cut to fit. Fixed texts from the catalogues must fit on their own; the emulator's tests
catch those that do not.

Text parts become mrkdwn here and nowhere else: plain parts are escaped, so a name like
`*x* <!channel>` shows as written and never formats, links or notifies; a mention becomes `<@U…>`
from the Slack id delivery found for the person (their name where there is none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from bot.core import ui

SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
FIELDS_PER_SECTION = 10
HEADER_MAX = 150
BUTTON_TEXT_MAX = 75
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100
# https://api.slack.com/reference/block-kit/blocks: up to 50 blocks in a message, 100 in a
# modal or Home; chat.postMessage refuses text over 40,000 characters (msg_too_long).
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
MESSAGE_TEXT_MAX = 40_000
_SUFFIX = re.compile(r"#\d+$")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(text, limit) if limit else text, "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack would otherwise turn bare names such as @channel or #general in people's
    # text into mentions and links; our own links and mentions are explicit and unaffected.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


# Formatting characters that could pair up in mrkdwn, where they are not inside a word (Slack
# formats only at word boundaries, so `snake_case` is left alone).
_MARKER = re.compile(r"(?<![0-9A-Za-zÆØÅæøå])([*_~`])|([*_~`])(?![0-9A-Za-zÆØÅæøå])")
_QUOTE_START = re.compile(r"(^|\n)&gt;")
_ZWSP = "\u200b"  # a zero-width space: breaks a marker's pairing and shows nothing


def escape(text: str) -> str:
    """Plain text made safe for mrkdwn: &, < and > as Slack's entities (so nothing becomes a
    link, mention or broadcast), formatting characters kept from pairing, no quote at a line
    start. Slack has no escape for * _ ~ `; a zero-width space after one is the usual cure."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKER.sub(lambda m: m.group(0) + _ZWSP, text)
    return _QUOTE_START.sub(lambda m: m.group(1) + _ZWSP + "&gt;", text)


def _url(url: str) -> str:
    """A link target inside <…|…>: no character that would end it early."""
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


_LINK_SCHEMES = ("https://", "http://", "mailto:")


def mrkdwn(text: str) -> str:
    """A text (a `ui.Rich`, or a plain str) as Slack mrkdwn."""
    return _spans(ui.spans_of(text))


def _spans(spans: Iterable[ui.Span]) -> str:
    return "".join(_span(span) for span in spans)


def _span(span: ui.Span) -> str:
    if isinstance(span, ui.Plain):
        return escape(span.text)
    if isinstance(span, ui.Bold):
        return f"*{_spans(span.children)}*"
    if isinstance(span, ui.Italic):
        return f"_{_spans(span.children)}_"
    if isinstance(span, ui.Strike):
        return f"~{_spans(span.children)}~"
    if isinstance(span, ui.Code):
        return f"`{span.text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}`"
    if isinstance(span, ui.Link):
        label = _spans(span.children)
        if not span.url.lower().startswith(_LINK_SCHEMES):
            return f"{label} ({escape(span.url)})"
        return f"<{_url(span.url)}|{label.replace('|', '¦')}>"
    if isinstance(span, ui.Mention):
        return f"<@{span.user_id}>" if span.user_id else escape(span.name)
    if isinstance(span, ui.ListItem):
        marker = f"{span.number}." if span.number is not None else "•"
        return f"{marker} {_spans(span.children)}"
    return f"> {_spans(span.children)}"


def base_action(action_id: str) -> str:
    """The action name without the '#n' that keeps action ids unique inside one block."""
    return _SUFFIX.sub("", action_id)


def action_pattern(action: str) -> re.Pattern[str]:
    """Matches the action ids one `ui.Button(action=…)` may be rendered with."""
    return re.compile(rf"^{re.escape(action)}(#\d+)?$")


def _chunks(text: str, size: int) -> list[str]:
    """Pieces of at most `size` characters, cut at a line break where there is one (so markup
    and entities stay whole on ordinary text)."""
    chunks: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut + 1 if cut > 0 else size
        chunks.append(text[:cut])
        text = text[cut:]
    return [*chunks, text] if text or not chunks else chunks


class _BlockIds:
    def __init__(self) -> None:
        self.count = 0

    def next(self, wanted: str | None = None) -> str:
        self.count += 1
        return wanted or f"b{self.count}"


def _button(button: ui.Button, action_id: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": _plain(button.label, BUTTON_TEXT_MAX),
        "action_id": action_id,
    }
    if button.value:
        element["value"] = button.value
    if button.style:
        element["style"] = button.style
    return element


def _part_blocks(part: ui.Part, ids: _BlockIds) -> list[dict[str, Any]]:
    if isinstance(part, ui.Heading):
        return [{"type": "header", "block_id": ids.next(), "text": _plain(part.text, HEADER_MAX)}]
    if isinstance(part, ui.Text):
        return [
            {"type": "section", "block_id": ids.next(), "text": _mrkdwn(chunk)}
            for chunk in _chunks(mrkdwn(part.text), SECTION_TEXT_MAX)
        ]
    if isinstance(part, ui.Facts):
        fields = [
            _mrkdwn(_cut(f"*{escape(label)}*\n{mrkdwn(value)}", FIELD_TEXT_MAX))
            for label, value in part.items
        ]
        return [
            {
                "type": "section",
                "block_id": ids.next(),
                "fields": fields[i : i + FIELDS_PER_SECTION],
            }
            for i in range(0, len(fields), FIELDS_PER_SECTION)
        ]
    if isinstance(part, ui.Buttons):
        seen: dict[str, int] = {}
        elements = []
        for button in part.buttons:
            n = seen.get(button.action, 0)
            seen[button.action] = n + 1
            action_id = button.action if n == 0 else f"{button.action}#{n}"
            elements.append(_button(button, action_id))
        return [{"type": "actions", "block_id": ids.next(part.id), "elements": elements}]
    if isinstance(part, ui.Note):
        return [
            {
                "type": "context",
                "block_id": ids.next(),
                "elements": [_mrkdwn(_cut(mrkdwn(part.text), 3000))],
            }
        ]
    return [{"type": "divider", "block_id": ids.next()}]


def render_parts(parts: tuple[ui.Part, ...]) -> list[dict[str, Any]]:
    ids = _BlockIds()
    return [block for part in parts for block in _part_blocks(part, ids)]


def render_message(message: ui.Message) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.update (without channel)."""
    rendered: dict[str, Any] = {"text": mrkdwn(message.text)}
    if message.parts:
        rendered["blocks"] = render_parts(message.parts)
    if message.metadata:
        rendered["metadata"] = {"event_type": "netvaerk", "event_payload": message.metadata}
    return rendered


def fits(message: ui.Message) -> bool:
    """Whether Slack takes `message` as one message (the answer behind `ui.Fits`)."""
    rendered = render_message(message)
    return (
        len(rendered.get("blocks", ())) <= MESSAGE_BLOCKS_MAX
        and len(rendered["text"]) <= MESSAGE_TEXT_MAX
    )


# --- forms ----------------------------------------------------------------------------------


def _option(option: ui.Option) -> dict[str, Any]:
    return {"text": _plain(option.label, OPTION_TEXT_MAX), "value": option.value}


def _element(item: ui.Field) -> dict[str, Any]:
    if isinstance(item, ui.TextInput):
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "multiline": item.multiline,
            "max_length": item.max_length,
        }
        if item.initial:
            element["initial_value"] = item.initial[: item.max_length]
        if item.placeholder:
            element["placeholder"] = _plain(item.placeholder, 150)
        return element
    if isinstance(item, ui.NumberInput):
        element = {"type": "number_input", "is_decimal_allowed": item.decimal}
        if item.minimum is not None:
            element["min_value"] = _number(item.minimum, item.decimal)
        if item.maximum is not None:
            element["max_value"] = _number(item.maximum, item.decimal)
        if item.initial is not None:
            element["initial_value"] = _number(item.initial, item.decimal)
        return element
    if isinstance(item, ui.DateInput):
        element = {"type": "datepicker"}
        if item.initial:
            element["initial_date"] = item.initial.isoformat()
        return element
    if isinstance(item, ui.TimeInput):
        element = {"type": "timepicker"}
        if item.initial:
            element["initial_time"] = item.initial.strftime("%H:%M")
        return element
    options = [_option(o) for o in item.options[:OPTIONS_MAX]]
    if isinstance(item, ui.MultiChoice):
        element = {"type": "multi_static_select", "options": options}
        if item.placeholder:
            element["placeholder"] = _plain(item.placeholder, 150)
        chosen_many = [o for o in options if o["value"] in item.initial]
        if chosen_many:
            element["initial_options"] = chosen_many
        return element
    element = {"type": "static_select", "options": options}
    if item.placeholder:
        element["placeholder"] = _plain(item.placeholder, 150)
    chosen = next((o for o in options if o["value"] == item.initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


def _number(value: float, decimal: bool) -> str:
    return str(value) if decimal and value != int(value) else str(int(value))


def _input_block(item: ui.Field) -> dict[str, Any]:
    element = _element(item)
    element["action_id"] = item.id
    block: dict[str, Any] = {
        "type": "input",
        "block_id": item.id,
        "label": _plain(item.label, 2000),
        "optional": item.optional,
        "element": element,
    }
    if item.hint:
        block["hint"] = _plain(item.hint, 2000)
    return block


_FIELD_TYPES = (
    ui.TextInput,
    ui.NumberInput,
    ui.DateInput,
    ui.TimeInput,
    ui.Choice,
    ui.MultiChoice,
)


def render_form(form: ui.Form) -> dict[str, Any]:
    ids = _BlockIds()
    blocks: list[dict[str, Any]] = []
    for item in form.items:
        if isinstance(item, _FIELD_TYPES):
            blocks.append(_input_block(item))
        else:
            blocks.extend(_part_blocks(item, ids))
    return {
        "type": "modal",
        "callback_id": form.callback,
        "title": _plain(form.title),
        "submit": _plain(form.submit),
        "close": _plain(form.close),
        "private_metadata": form.metadata,
        "blocks": blocks,
    }


def read_form(view: dict[str, Any]) -> dict[str, str | None]:
    """The submitted values by field id, as plain strings (None where left empty)."""
    values: dict[str, str | None] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for element in actions.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> str | None:
    kind = element.get("type")
    if kind == "datepicker":
        return element.get("selected_date")
    if kind == "timepicker":
        return element.get("selected_time")
    if kind in ("multi_static_select", "checkboxes"):
        # Several values, one per line (option values never hold a line break).
        chosen = element.get("selected_options") or []
        return "\n".join(o["value"] for o in chosen) or None
    if kind in ("static_select", "radio_buttons"):
        option = element.get("selected_option")
        return option["value"] if option else None
    if kind == "users_select":
        return element.get("selected_user")
    value = element.get("value")
    return value.strip() if isinstance(value, str) and value.strip() else None


def form_errors(errors: ui.FormErrors) -> dict[str, Any]:
    """The body that makes Slack show the problems next to the fields, keeping the modal open."""
    return {"response_action": "errors", "errors": dict(errors.errors)}


# --- App Home ---------------------------------------------------------------------------------

HOME_BLOCKS_MAX = 100  # Slack's limit for a Home tab view
_HOME_NAV_BLOCKS = 2  # a divider and the "Vis flere" / "Tilbage" row


def _block_count(part: ui.Part) -> int:
    return len(_part_blocks(part, _BlockIds()))


def home_pages(
    parts: list[ui.Part] | tuple[ui.Part, ...], limit: int = HOME_BLOCKS_MAX - _HOME_NAV_BLOCKS
) -> list[list[ui.Part]]:
    """Split parts into pages of at most `limit` blocks; a heading (or divider) that would end a
    page moves to the next one, with what it introduces."""
    pages: list[list[ui.Part]] = [[]]
    count = 0
    for part in parts:
        size = _block_count(part)
        if count + size > limit and pages[-1]:
            carried: list[ui.Part] = []
            while len(pages[-1]) > 1 and isinstance(pages[-1][-1], ui.Heading | ui.Divider):
                carried.insert(0, pages[-1].pop())
            pages.append(carried)
            count = sum(_block_count(p) for p in carried)
        pages[-1].append(part)
        count += size
    return pages


def render_home(
    parts: list[ui.Part] | tuple[ui.Part, ...],
    page: int = 0,
    more: ui.Button | None = None,
    back: ui.Button | None = None,
) -> dict[str, Any]:
    """A Home tab view of `parts`, page `page` of as many as Slack's 100-block limit needs.
    `more` and `back` are the paging buttons; their values are set to the page they lead to."""
    pages = home_pages(parts)
    page = max(0, min(page, len(pages) - 1))
    shown: list[ui.Part] = list(pages[page])
    nav = []
    if page > 0 and back is not None:
        nav.append(ui.Button(back.label, back.action, str(page - 1), back.style))
    if page < len(pages) - 1 and more is not None:
        nav.append(ui.Button(more.label, more.action, str(page + 1), more.style))
    if nav:
        shown += [ui.Divider(), ui.Buttons(tuple(nav), id="home-nav")]
    return {
        "type": "home",
        "private_metadata": str(page),
        "blocks": _unique_action_ids(render_parts(tuple(shown))),
    }


def _unique_action_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Action ids unique across the whole view (Slack refuses a view that repeats one): the
    second "booking.open" becomes "booking.open#1" — `action_pattern` matches both."""
    seen: dict[str, int] = {}
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            base = base_action(element["action_id"])
            n = seen.get(base, 0)
            seen[base] = n + 1
            element["action_id"] = base if n == 0 else f"{base}#{n}"
    return blocks
