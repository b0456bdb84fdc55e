"""Renders the neutral message model (bot/core/ui.py) as Adaptive Cards 1.5 for Teams, and reads
dialog input back.

Teams renders cards up to version 1.5 on desktop and mobile. Text parts become the TextBlock
markdown subset here and nowhere else (bold `**x**`, italic `_x_`, links `[label](url)`, lists);
strike-through, code and quotes have no markdown in Teams and show as their text. Plain parts
are escaped so a name like `**x** [klik](https://evil)` shows as written: Teams' mobile clients
do not honour backslash escapes (AdaptiveCards#5590), so, as on Slack, a zero-width space after a
formatting character keeps it from pairing, and one before a line-start marker (`- `, `1. `,
`#`) keeps it from making a list or heading. A line break becomes a paragraph break, because
TextBlock markdown joins single line breaks (AdaptiveCards#5538).

Buttons: a click that opens a form (`actions.OPENS_FORM`) must be an `Action.Submit` asking for
`task/fetch` (Teams opens a dialog only from that); every other button is an `Action.Execute`
whose `verb` is the action id, so the bot can answer with the card updated in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.core import ui
from bot.core.actions import OPENS_FORM

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
# Teams refuses an activity larger than about 28 KB (MessageSizeTooBig), measured over the
# JSON the bot sends. The connector adds the conversation, ids and `from` to what we send, so a
# margin is kept for them.
MESSAGE_BYTES_MAX = 28 * 1024
_ENVELOPE_MARGIN = 1024
# Teams' host config shows at most six actions in one action set; more are dropped.
ACTIONS_PER_SET = 6
_STYLES = {"primary": "positive", "danger": "destructive"}

_ZWSP = "\u200b"
# A formatting character that could pair up: `*` and brackets anywhere (markdown pairs `*`
# inside words too), `_` only at a word boundary, as markdown does.
_MARKER = re.compile(r"[*\[\]`~]|(?<![0-9A-Za-zÆØÅæøå])_|_(?![0-9A-Za-zÆØÅæøå])")
# What makes a line a list item, a heading or a quote.
_LINE_START = re.compile(r"(^|\n)([ \t]*)([-+>#]|\d+[.)])")
_LINK_SCHEMES = ("https://", "http://", "mailto:")


def escape(text: str) -> str:
    """Plain text made safe for TextBlock markdown: nothing in it formats, links, lists or
    mentions (`<` is broken so no `<at>` tag can appear), and each line shows as written."""
    text = text.replace("<", "<" + _ZWSP)
    text = _MARKER.sub(lambda m: m.group(0) + _ZWSP, text)
    text = _LINE_START.sub(lambda m: m.group(1) + m.group(2) + _ZWSP + m.group(3), text)
    return text.replace("\r\n", "\n").replace("\n", "\n\n")


def _url(url: str) -> str:
    """A link target inside (…): no character that would end it early."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C")


class _Mentions:
    """The mention entities a card needs: Teams notifies only people named by an entity whose
    `text` matches the `<at>…</at>` in the card."""

    def __init__(self) -> None:
        self.entities: list[dict[str, Any]] = []

    def add(self, user_id: str, name: str) -> str:
        # The tag's text is shown and matched against the entity: one line, no tag inside it,
        # no formatting (the name is a person's, i.e. data).
        shown = escape(" ".join(re.sub(r"[<>]", " ", name).split())) or user_id
        text = f"<at>{shown}</at>"
        entity = {"type": "mention", "text": text, "mentioned": {"id": user_id, "name": name}}
        if entity not in self.entities:
            self.entities.append(entity)
        return text


def markdown(text: str, mentions: _Mentions | None = None) -> str:
    """A text (a `ui.Rich`, or a plain str) as TextBlock markdown."""
    return _spans(ui.spans_of(text), mentions or _Mentions())


def _spans(spans: Iterable[ui.Span], mentions: _Mentions) -> str:
    return "".join(_span(span, mentions) for span in spans)


def _span(span: ui.Span, mentions: _Mentions) -> str:
    if isinstance(span, ui.Plain):
        return escape(span.text)
    if isinstance(span, ui.Bold):
        return f"**{_spans(span.children, mentions)}**"
    if isinstance(span, ui.Italic):
        return f"_{_spans(span.children, mentions)}_"
    if isinstance(span, ui.Strike | ui.Quote):  # no markdown for these in Teams
        return _spans(span.children, mentions)
    if isinstance(span, ui.Code):
        return escape(span.text)
    if isinstance(span, ui.Link):
        label = _spans(span.children, mentions)
        if not span.url.lower().startswith(_LINK_SCHEMES):
            return f"{label} ({escape(span.url)})"
        return f"[{label}]({_url(span.url)})"
    if isinstance(span, ui.Mention):
        return mentions.add(span.user_id, span.name) if span.user_id else escape(span.name)
    marker = f"{span.number}." if span.number is not None else "-"
    return f"{marker} {_spans(span.children, mentions)}"


# --- message parts ------------------------------------------------------------------------------


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _button(button: ui.Button) -> dict[str, Any]:
    action: dict[str, Any]
    if button.action in OPENS_FORM:
        action = {
            "type": "Action.Submit",
            "title": button.label,
            "data": {
                "msteams": {"type": "task/fetch"},
                "action": button.action,
                "value": button.value,
            },
        }
    else:
        action = {
            "type": "Action.Execute",
            "title": button.label,
            "verb": button.action,
            "data": {"value": button.value},
        }
    if button.style in _STYLES:
        action["style"] = _STYLES[button.style]
    return action


def _part_elements(part: ui.Part, mentions: _Mentions) -> list[dict[str, Any]]:
    if isinstance(part, ui.Heading):
        return [_text_block(escape(part.text), size="Medium", weight="Bolder")]
    if isinstance(part, ui.Text):
        return [_text_block(markdown(part.text, mentions))]
    if isinstance(part, ui.Facts):
        facts = [
            {"title": escape(label), "value": markdown(value, mentions)}
            for label, value in part.items
        ]
        return [{"type": "FactSet", "facts": facts}] if facts else []
    if isinstance(part, ui.Buttons):
        actions = [_button(button) for button in part.buttons]
        return [
            {"type": "ActionSet", "actions": actions[i : i + ACTIONS_PER_SET]}
            for i in range(0, len(actions), ACTIONS_PER_SET)
        ]
    if isinstance(part, ui.Note):
        return [_text_block(markdown(part.text, mentions), size="Small", isSubtle=True)]
    return []  # a Divider: the next element gets a separator line


def _body(
    parts: Iterable[ui.Part | ui.Field], mentions: _Mentions, form: _FormState | None = None
) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    separate = False
    for part in parts:
        if isinstance(part, ui.Divider):
            separate = bool(body)
            continue
        if isinstance(part, _FIELD_TYPES):
            assert form is not None, "a field outside a form"
            elements = form.field(part)
        else:
            elements = _part_elements(part, mentions)
        if elements and separate:
            elements[0] = {**elements[0], "separator": True, "spacing": "Medium"}
            separate = False
        body.extend(elements)
    return body


def _card(body: list[dict[str, Any]], mentions: _Mentions, **extra: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
        **extra,
    }
    msteams: dict[str, Any] = {"width": "Full"}
    if mentions.entities:
        msteams["entities"] = mentions.entities
    card["msteams"] = msteams
    return card


def render_message(message: ui.Message) -> dict[str, Any]:
    """The card content of `message`: its parts, or its text where it has none."""
    mentions = _Mentions()
    parts = message.parts or (ui.Text(message.text),)
    return _card(_body(parts, mentions), mentions)


def card_attachment(card: Mapping[str, Any]) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": dict(card)}


def message_activity(message: ui.Message) -> dict[str, Any]:
    """The message activity for the Bot Connector (without conversation and ids). `summary` is
    what a notification shows; the outbox tag travels in `channelData.netvaerk` so a resend can
    be recognised (Teams keeps channelData with the activity it stores)."""
    activity: dict[str, Any] = {
        "type": "message",
        "summary": ui.plain_text(ui.spans_of(message.text))[:250],
        "attachments": [card_attachment(render_message(message))],
    }
    if message.metadata:
        activity["channelData"] = {"netvaerk": dict(message.metadata)}
    return activity


def size_of(activity: Mapping[str, Any]) -> int:
    """Bytes of the activity as Teams measures it (its JSON, UTF-8), as the emulator does."""
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))


def fits(message: ui.Message) -> bool:
    """Whether Teams takes `message` as one activity (the answer behind `ui.Fits`)."""
    return size_of(message_activity(message)) <= MESSAGE_BYTES_MAX - _ENVELOPE_MARGIN


# --- forms (dialogs) ----------------------------------------------------------------------------

_FIELD_TYPES = (ui.TextInput, ui.NumberInput, ui.DateInput, ui.TimeInput, ui.Choice, ui.MultiChoice)
_MULTI_SEPARATOR = ","  # how Teams joins a multi-select's values


def _number(value: float, decimal: bool) -> float | int:
    return value if decimal and value != int(value) else int(value)


class _FormState:
    """The errors and typed values a dialog is shown with."""

    def __init__(self, errors: ui.FormErrors | None, values: Mapping[str, Any] | None) -> None:
        self.errors = errors.errors if errors else {}
        self.values = dict(values or {})

    def field(self, item: ui.Field) -> list[dict[str, Any]]:
        element = _input(item, self.values.get(item.id))
        element["id"] = item.id
        element["label"] = item.label
        element["isRequired"] = not item.optional
        error = self.errors.get(item.id)
        if error:
            element["errorMessage"] = error
        elements = [element]
        if item.hint:
            elements.append(
                _text_block(escape(item.hint), size="Small", isSubtle=True, spacing="None")
            )
        if error:
            elements.append(_text_block(escape(error), color="Attention", spacing="Small"))
        return elements


def _typed(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _input(item: ui.Field, typed: Any) -> dict[str, Any]:
    """The input of one field, showing what was typed (a re-shown dialog) or its initial value."""
    shown = _typed(typed)
    if isinstance(item, ui.TextInput):
        element: dict[str, Any] = {
            "type": "Input.Text",
            "isMultiline": item.multiline,
            "maxLength": item.max_length,
        }
        value = shown if shown is not None else item.initial
        if value:
            element["value"] = value[: item.max_length]
        if item.placeholder:
            element["placeholder"] = item.placeholder
        return element
    if isinstance(item, ui.NumberInput):
        element = {"type": "Input.Number"}
        if item.minimum is not None:
            element["min"] = _number(item.minimum, item.decimal)
        if item.maximum is not None:
            element["max"] = _number(item.maximum, item.decimal)
        number: float | None = item.initial
        if shown is not None:
            try:
                number = float(shown.replace(",", "."))
            except ValueError:
                number = None
        if number is not None:
            element["value"] = _number(number, item.decimal)
        return element
    if isinstance(item, ui.DateInput):
        element = {"type": "Input.Date"}
        value = shown if shown is not None else (item.initial.isoformat() if item.initial else None)
        if value:
            element["value"] = value
        return element
    if isinstance(item, ui.TimeInput):
        element = {"type": "Input.Time"}
        initial = item.initial.strftime("%H:%M") if item.initial else None
        value = shown if shown is not None else initial
        if value:
            element["value"] = value
        return element
    element = {
        "type": "Input.ChoiceSet",
        "style": "compact",
        "choices": [{"title": o.label, "value": o.value} for o in item.options],
    }
    if item.placeholder:
        element["placeholder"] = item.placeholder
    if isinstance(item, ui.MultiChoice):
        element["isMultiSelect"] = True
        chosen = _split(shown) if shown is not None else list(item.initial)
        if chosen:
            element["value"] = _MULTI_SEPARATOR.join(chosen)
        return element
    value = shown if shown is not None else item.initial
    if value:
        element["value"] = value
    return element


def _split(value: str) -> list[str]:
    """Several values as `read_form` gives them (one a line) or as Teams sends them (commas)."""
    return [v.strip() for v in re.split(r"[\n,]", value) if v.strip()]


def render_form(
    form: ui.Form,
    errors: ui.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The dialog's card: the form's parts and inputs, each error in red right under its field,
    and one submit button whose data carries the callback and the form's state. Closing is the
    dialog's own ✕ in Teams, so `form.close` is not shown."""
    mentions = _Mentions()
    state = _FormState(errors, values)
    body = _body(form.items, mentions, state)
    multi = [item.id for item in form.items if isinstance(item, ui.MultiChoice)]
    data: dict[str, Any] = {"callback": form.callback, "metadata": form.metadata}
    if multi:
        data["multi"] = multi
    submit = {"type": "Action.Submit", "title": form.submit, "style": "positive", "data": data}
    return _card(body, mentions, actions=[submit])


def dialog_response(
    form: ui.Form,
    errors: ui.FormErrors | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The answer to `task/fetch` (or to a `task/submit` with problems): show this dialog."""
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": form.title,
                "card": card_attachment(render_form(form, errors, values)),
            },
        }
    }


_RESERVED = ("callback", "metadata", "multi", "msteams", "action", "value")


def read_form(data: Mapping[str, Any]) -> tuple[str, str, dict[str, str | None]]:
    """(callback, metadata, values) of a submitted dialog: `data` is the `task/submit` value's
    `data` (the submit button's data with every input's value by id). Values come as
    `platforms.slack.blocks.read_form` gives them, so a flow reads both platforms alike: strings
    trimmed, None where empty, several choices one a line (Teams joins them with commas)."""
    multi = set(data.get("multi") or ())
    values: dict[str, str | None] = {}
    for key, raw in data.items():
        if key in _RESERVED:
            continue
        if isinstance(raw, list | tuple):  # several choices, as a client may also send them
            values[key] = "\n".join(str(v) for v in raw) or None
            continue
        if isinstance(raw, bool):  # a toggle
            values[key] = "true" if raw else None
            continue
        text = _typed(raw)
        if text is None:
            values[key] = None
        elif key in multi:
            values[key] = "\n".join(_split(text)) or None
        else:
            values[key] = text.strip()
    return str(data.get("callback") or ""), str(data.get("metadata") or ""), values
