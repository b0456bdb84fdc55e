"""The catalogues' neutral markup, parsed into the parts of bot/core/ui.py.

A small, strict subset of Markdown, because it reads naturally in a TOML file and maps onto every
platform we serve (Slack mrkdwn, Teams TextBlock markdown, plain text):

    **bold**   _italic_   ~~struck~~   `code`   [label](url)   {placeholder}   {{ and }}
    "- " at the start of a line: a list item;  "1. ": a numbered one;  "> ": a quote

Anything that does not close is text as written. The template is parsed *before* the
placeholders are filled, and a value fills its slot as one plain part (a `ui.Rich` value keeps
its own parts), so text people wrote can never become markup, whatever it contains.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.core import ui


@dataclass(frozen=True)
class Slot:
    name: str
    spec: str = ""


Kind = Literal["bold", "italic", "strike", "code", "link", "item", "quote"]


@dataclass(frozen=True)
class Wrap:
    kind: Kind
    children: tuple[Node, ...]
    url: tuple[Node, ...] = ()
    number: int | None = None


Node = ui.Plain | Slot | Wrap

_NUMBERED = re.compile(r"(\d+)\. ")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_PAIRS: dict[str, Kind] = {"**": "bold", "~~": "strike"}


@lru_cache(maxsize=4096)
def parse(template: str) -> tuple[Node, ...]:
    nodes: list[Node] = []
    for i, line in enumerate(template.split("\n")):
        if i:
            nodes.append(ui.Plain("\n"))
        nodes.extend(_line(line))
    return tuple(nodes)


def _line(line: str) -> list[Node]:
    if line.startswith("- "):
        return [Wrap("item", _inline(line[2:]))]
    if line.startswith("> "):
        return [Wrap("quote", _inline(line[2:]))]
    numbered = _NUMBERED.match(line)
    if numbered:
        return [Wrap("item", _inline(line[numbered.end() :]), number=int(numbered.group(1)))]
    return list(_inline(line))


def _inline(text: str) -> tuple[Node, ...]:
    nodes: list[Node] = []
    plain: list[str] = []
    i = 0

    def flush() -> None:
        if plain:
            nodes.append(ui.Plain("".join(plain)))
            plain.clear()

    while i < len(text):
        found = _element(text, i)
        if found is None:
            plain.append(text[i])
            i += 1
            continue
        node, i = found
        if isinstance(node, ui.Plain):
            plain.append(node.text)
        else:
            flush()
            nodes.append(node)
    flush()
    return tuple(nodes)


def _element(text: str, i: int) -> tuple[Node, int] | None:
    """The markup element starting at `i` and where it ends, if one starts there."""
    pair = text[i : i + 2]
    if pair in ("{{", "}}"):
        return ui.Plain(pair[0]), i + 2
    char = text[i]
    if char == "{":
        end = text.find("}", i)
        if end > i + 1:
            name, _, spec = text[i + 1 : end].partition(":")
            return Slot(name, spec), end + 1
        return None
    if pair in _PAIRS:
        end = text.find(pair, i + 2)
        if end > i + 2 and not text[i + 2].isspace() and not text[end - 1].isspace():
            return Wrap(_PAIRS[pair], _inline(text[i + 2 : end])), end + 2
        return None
    if char == "`":
        end = text.find("`", i + 1)
        if end > i + 1:
            return Wrap("code", _inline(text[i + 1 : end])), end + 1
        return None
    if char == "[":
        link = _LINK.match(text, i)
        if link:
            return Wrap("link", _inline(link.group(1)), url=_inline(link.group(2))), link.end()
        return None
    if char == "_" and _opens(text, i):
        close = _closing_underscore(text, i)
        if close is not None:
            return Wrap("italic", _inline(text[i + 1 : close])), close + 1
    return None


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isalnum() and not after.isspace() and after != "_"


def _closing_underscore(text: str, start: int) -> int | None:
    """An underscore that ends italics: after a non-space, before a non-word character (so
    `SLACK_BOT_TOKEN` or `{outbox_days}` never italicise)."""
    for end in range(start + 2, len(text)):
        if text[end] != "_" or text[end - 1].isspace():
            continue
        after = text[end + 1] if end + 1 < len(text) else " "
        if not after.isalnum():
            return end
    return None


# --- filling ----------------------------------------------------------------------------------


def fill(nodes: tuple[Node, ...], values: Mapping[str, object]) -> ui.Rich:
    """The parts, with every slot filled by its value as plain text (a `ui.Rich` keeps its own
    parts). With no values at all, a slot stays as written, like `str.format` never called."""
    return ui.Rich(_fill(nodes, values))


def _fill(nodes: tuple[Node, ...], values: Mapping[str, object]) -> list[ui.Span]:
    spans: list[ui.Span] = []
    for node in nodes:
        if isinstance(node, ui.Plain):
            spans.append(node)
        elif isinstance(node, Slot):
            spans.extend(_value(node, values))
        else:
            spans.append(_wrap(node, values))
    return spans


def _value(slot: Slot, values: Mapping[str, object]) -> tuple[ui.Span, ...]:
    if not values:
        return (ui.Plain("{" + slot.name + (":" + slot.spec if slot.spec else "") + "}"),)
    value = values[slot.name]
    if isinstance(value, ui.Rich) and not slot.spec:
        return value.spans
    return (ui.Plain(format(value, slot.spec)),)


def _wrap(node: Wrap, values: Mapping[str, object]) -> ui.Span:
    children = tuple(_fill(node.children, values))
    if node.kind == "bold":
        return ui.Bold(children)
    if node.kind == "italic":
        return ui.Italic(children)
    if node.kind == "strike":
        return ui.Strike(children)
    if node.kind == "code":
        return ui.Code(ui.plain_text(children))
    if node.kind == "link":
        return ui.Link(ui.plain_text(_fill(node.url, values)), children)
    if node.kind == "quote":
        return ui.Quote(children)
    return ui.ListItem(children, node.number)
