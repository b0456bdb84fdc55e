"""Help, the answer to an empty or unknown command on every platform: the commands' own lines
from the catalogue, in the order the features list them."""

from __future__ import annotations

from bot.core import ui
from bot.core.commands import CommandTable
from bot.core.i18n import Translator

_UNKNOWN_SHOWN_MAX = 40


def help_text(table: CommandTable, t: Translator, unknown: str | None = None) -> str:
    lines = [t("help.intro")]
    if unknown:
        shown = (
            unknown if len(unknown) <= _UNKNOWN_SHOWN_MAX else unknown[:_UNKNOWN_SHOWN_MAX] + "…"
        )
        lines.insert(0, t("help.unknown", word=shown))
    lines += [t(command.help_key) for command in table.commands]
    lines.append(t("help.outro"))
    return ui.join("\n", lines)
