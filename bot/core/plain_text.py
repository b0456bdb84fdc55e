"""The neutral message model as plain text: the renderer with no markup at all.

It is the second renderer beside Slack's (platforms/slack/blocks.py), and proves the model holds
no platform's syntax: a message read here has no `*bold*`, `<url|label>`, `<@U…>` or `&lt;`.
It also serves wherever only text can go (a notification, an e-mail, a log-free CLI line).
"""

from __future__ import annotations

from bot.core import ui


def text(value: str) -> str:
    """A text (a `ui.Rich` or a plain str) as a person reads it without formatting."""
    return ui.plain_text(ui.spans_of(value))


def render_part(part: ui.Part | ui.Field) -> str:
    if isinstance(part, ui.Heading):
        return text(part.text)
    if isinstance(part, ui.Text):
        return text(part.text)
    if isinstance(part, ui.Facts):
        return "\n".join(f"{text(label)}: {text(value)}" for label, value in part.items)
    if isinstance(part, ui.Buttons):
        return "  ".join(f"[{text(button.label)}]" for button in part.buttons)
    if isinstance(part, ui.Note):
        return f"({text(part.text)})"
    if isinstance(part, ui.Divider):
        return "—" * 3
    if isinstance(part, ui.Choice | ui.MultiChoice):
        options = ", ".join(text(option.label) for option in part.options)
        return f"{text(part.label)}: {options}"
    return f"{text(part.label)}: ____"


def render_message(message: ui.Message) -> str:
    """The notification text, then the body."""
    return "\n\n".join([text(message.text), *(render_part(part) for part in message.parts)])


def render_form(form: ui.Form) -> str:
    lines = [text(form.title), *(render_part(item) for item in form.items)]
    return "\n\n".join([*lines, f"[{text(form.submit)}]  [{text(form.close)}]"])
