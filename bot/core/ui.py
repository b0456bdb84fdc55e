"""A small platform-neutral message model.

Services describe what a person should see (text, facts, buttons, forms); an adapter turns it
into Slack Block Kit today and Teams Adaptive Cards later. Text uses a tiny markdown subset that
both render: *bold*, _italic_, <url|label>, and line breaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

Style = Literal["primary", "danger"] | None


@dataclass(frozen=True)
class Button:
    label: str
    action: str  # the handler's action id
    value: str = ""
    style: Style = None


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Facts:
    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]
    id: str | None = None  # stable id of the row, so a click can be traced back


@dataclass(frozen=True)
class Note:
    """Small print under a message: context, privacy hints."""

    text: str


@dataclass(frozen=True)
class Divider:
    pass


Part = Heading | Text | Facts | Buttons | Note | Divider


@dataclass(frozen=True)
class Message:
    text: str  # the notification text; also the fallback where blocks are not shown
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
