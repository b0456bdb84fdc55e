"""A small platform-neutral message model.

Services describe what a person should see (text, facts, buttons, forms); an adapter turns it
into Slack Block Kit today and Teams Adaptive Cards later.

Text is structured, not marked up: a `Rich` holds inline parts (plain text, bold, italic,
strike-through, code, link, mention, list item, quote) that each platform's renderer writes in
its own syntax, escaping plain text as that syntax needs. Only the catalogue parser
(bot/core/markup.py) and the constructors below make parts; a value put into a text (a name, a
note someone wrote) is always a `Plain` part, so it can never become markup. A plain `str`
anywhere a text goes is plain text.

How the parts map (so a new platform knows what it must provide):

| part     | Slack mrkdwn       | Teams TextBlock markdown | plain text        |
|----------|--------------------|--------------------------|-------------------|
| Bold     | `*x*`              | `**x**`                  | x                 |
| Italic   | `_x_`              | `_x_`                    | x                 |
| Strike   | `~x~`              | x (not supported)        | x                 |
| Code     | `` `x` ``          | x (not supported)        | x                 |
| Link     | `<url|label>`      | `[label](url)`           | label (url)       |
| Mention  | `<@user_id>`       | `<at>name</at>` + entity | name              |
| ListItem | `• x` / `1. x`     | `- x` / `1. x`           | • x / 1. x        |
| Quote    | `> x`              | x (not supported)        | x, indented       |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

# --- inline text ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plain:
    """Text shown exactly as written: every renderer escapes what its syntax would read."""

    text: str


@dataclass(frozen=True)
class Bold:
    children: tuple[Span, ...]


@dataclass(frozen=True)
class Italic:
    children: tuple[Span, ...]


@dataclass(frozen=True)
class Strike:
    children: tuple[Span, ...]


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    url: str
    children: tuple[Span, ...]


@dataclass(frozen=True)
class Mention:
    """A person, named so the platform notifies them. `user_id` is the person's id on the
    platform the message goes to (delivery finds it in `platform_identities`); the renderer
    writes the platform's mention from it (Slack `<@U…>`, Teams `<at>` with an entity), or the
    name where there is none."""

    person_id: int
    name: str
    user_id: str | None = None


@dataclass(frozen=True)
class ListItem:
    """One line of a list: bulleted, or numbered when `number` is given."""

    children: tuple[Span, ...]
    number: int | None = None


@dataclass(frozen=True)
class Quote:
    """One quoted line."""

    children: tuple[Span, ...]


Span = Plain | Bold | Italic | Strike | Code | Link | Mention | ListItem | Quote


class Rich(str):
    """Text made of parts. It is a `str` of its plain-text rendering, so it goes wherever text
    goes (a button label, a log-free CLI line, a comparison); string operations on it give plain
    `str` and drop the structure — compose with `join` and `concat`, never with f-strings."""

    spans: tuple[Span, ...]

    def __new__(cls, spans: Iterable[Span] = ()) -> Rich:
        merged = _merge(tuple(spans))
        made = super().__new__(cls, plain_text(merged))
        made.spans = merged
        return made

    def __getnewargs__(self) -> tuple[tuple[Span, ...]]:  # type: ignore[override]
        """Copies and pickles rebuild from the parts (Bolt deep-copies a request's context)."""
        return (self.spans,)


def _merge(spans: tuple[Span, ...]) -> tuple[Span, ...]:
    """Neighbouring plain parts as one (renderers escape per part; fewer parts read better)."""
    out: list[Span] = []
    for span in spans:
        if isinstance(span, Plain):
            if not span.text:
                continue
            if out and isinstance(out[-1], Plain):
                out[-1] = Plain(out[-1].text + span.text)
                continue
        out.append(span)
    return tuple(out)


def spans_of(content: Rich | str | Span) -> tuple[Span, ...]:
    """The parts of any text: a `Rich` keeps its own, any other `str` is one plain part."""
    if isinstance(content, Rich):
        return content.spans
    if isinstance(content, str):
        return (Plain(content),)
    return (content,)


def concat(*contents: Rich | str | Span) -> Rich:
    return Rich(span for content in contents for span in spans_of(content))


def join(separator: Rich | str, items: Iterable[Rich | str | Span]) -> Rich:
    """`separator.join(items)` that keeps each item's parts."""
    spans: list[Span] = []
    for i, item in enumerate(items):
        if i:
            spans.extend(spans_of(separator))
        spans.extend(spans_of(item))
    return Rich(spans)


def bold(*contents: Rich | str | Span) -> Rich:
    return Rich((Bold(concat(*contents).spans),))


def italic(*contents: Rich | str | Span) -> Rich:
    return Rich((Italic(concat(*contents).spans),))


def link(url: str, *label: Rich | str | Span) -> Rich:
    return Rich((Link(url, concat(*label).spans if label else (Plain(url),)),))


def mention(person_id: int, name: str, user_id: str | None = None) -> Rich:
    return Rich((Mention(person_id, name, user_id),))


def bullet(*contents: Rich | str | Span) -> Rich:
    return Rich((ListItem(concat(*contents).spans),))


def quote(*contents: Rich | str | Span) -> Rich:
    return Rich((Quote(concat(*contents).spans),))


def bullets(items: Iterable[Rich | str | Span]) -> Rich:
    """A bulleted list, one item a line."""
    return join("\n", (bullet(item) for item in items))


def plain_text(spans: Iterable[Span]) -> str:
    """The text as a person reads it where no formatting is shown (notifications, CLI, tests)."""
    return "".join(_plain_span(span) for span in spans)


def _plain_span(span: Span) -> str:
    if isinstance(span, Plain | Code):
        return span.text
    if isinstance(span, Mention):
        return span.name
    if isinstance(span, Link):
        label = plain_text(span.children)
        return label if label == span.url else f"{label} ({span.url})"
    if isinstance(span, ListItem):
        marker = f"{span.number}." if span.number is not None else "•"
        return f"{marker} {plain_text(span.children)}"
    if isinstance(span, Quote):
        return "    " + plain_text(span.children)
    return plain_text(span.children)


# --- blocks -----------------------------------------------------------------------------------

Style = Literal["primary", "danger"] | None


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # the handler's action id
    value: str = ""
    style: Style = None


@dataclass(frozen=True)
class Heading:
    text: str  # shown as plain text everywhere


@dataclass(frozen=True)
class Text:
    text: str  # a `Rich` keeps its parts; any other str is plain text


@dataclass(frozen=True)
class Facts:
    items: tuple[tuple[str, str], ...]  # (label, value): plain labels, values as `Text`


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]
    id: str | None = None  # stable id of the row, so a click can be traced back


@dataclass(frozen=True)
class Note:
    """Small print under a message: context, privacy hints."""

    text: str  # as `Text`


@dataclass(frozen=True)
class Divider:
    pass


Part = Heading | Text | Facts | Buttons | Note | Divider


@dataclass(frozen=True)
class Message:
    text: str  # the notification text (as `Text`); the fallback where blocks are not shown
    parts: tuple[Part, ...] = ()
    # Machine-readable tag carried with the message (Slack message metadata): lets delivery
    # find a message it may already have sent.
    metadata: dict[str, str] | None = None


# Whether a message fits the platform's limits (Slack: 50 blocks, text lengths). Only the
# platform's renderer knows; builders of messages that grow with data ask it through this.
Fits = Callable[[Message], bool]


def fits_anywhere(message: Message) -> bool:
    """For building without a platform at hand (previews): no limit known."""
    return True


def fit_items(build: Callable[[int], Message], count: int, fits: Fits) -> tuple[Message, int]:
    """The message `build(n)` with the most of `count` items that still fits (at least one).

    `build(n)` shows the first `n` items and says how many more there are; fewer items never
    make a longer message, so a binary search finds the most.
    """
    whole = build(count)
    if count <= 1 or fits(whole):
        return whole, count
    low, high = 1, count - 1  # build(low) is the fallback even if it does not fit
    while low < high:
        middle = (low + high + 1) // 2
        if fits(build(middle)):
            low = middle
        else:
            high = middle - 1
    return build(low), low


@dataclass(frozen=True)
class Attachment:
    """A file sent along with a message, e.g. a calendar invitation."""

    filename: str
    title: str
    content: bytes


# --- forms (modals) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class TextInput:
    id: str
    label: str
    optional: bool = False
    multiline: bool = False
    initial: str | None = None
    max_length: int = 3000
    hint: str | None = None
    placeholder: str | None = None


@dataclass(frozen=True)
class NumberInput:
    id: str
    label: str
    optional: bool = False
    decimal: bool = True
    minimum: float | None = None
    maximum: float | None = None
    initial: float | None = None
    hint: str | None = None


@dataclass(frozen=True)
class DateInput:
    id: str
    label: str
    optional: bool = False
    initial: date | None = None
    hint: str | None = None


@dataclass(frozen=True)
class TimeInput:
    id: str
    label: str
    optional: bool = False
    initial: time | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    options: tuple[Option, ...]
    optional: bool = False
    initial: str | None = None  # an option value
    hint: str | None = None
    placeholder: str | None = None


@dataclass(frozen=True)
class MultiChoice:
    """Pick any number of options (e.g. which department channels)."""

    id: str
    label: str
    options: tuple[Option, ...]
    optional: bool = False
    initial: tuple[str, ...] = ()  # option values
    hint: str | None = None
    placeholder: str | None = None


Field = TextInput | NumberInput | DateInput | TimeInput | Choice | MultiChoice


@dataclass(frozen=True)
class Form:
    callback: str  # the handler's callback id for the submission
    title: str  # ≤ 24 characters in Slack
    submit: str
    close: str
    items: tuple[Field | Part, ...]
    metadata: str = ""  # opaque state carried to the submission (≤ 3000 characters)


@dataclass
class FormErrors:
    """Per-field problems, shown inline next to the fields (Slack: response_action errors)."""

    errors: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, text: str) -> None:
        self.errors.setdefault(field_id, text)

    def __bool__(self) -> bool:
        return bool(self.errors)
