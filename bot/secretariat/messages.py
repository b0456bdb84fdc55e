"""What the secretariat reads: its row of buttons (in App Home and in `/netvaerk sekretariat`)
and its menu."""

from __future__ import annotations

from bot.core import actions, ui
from bot.core.i18n import Translator


def secretariat_buttons(t: Translator, id: str | None = None) -> ui.Buttons:
    return ui.Buttons(
        (
            ui.Button(t("home.button.network_new"), actions.NETWORK_NEW, style="primary"),
            ui.Button(t("home.button.secretariat_role"), actions.SECRETARIAT_ROLE_OPEN),
            ui.Button(t("home.button.report"), actions.REPORT_SEND),
            ui.Button(t("home.button.audit"), actions.AUDIT_SEND),
            ui.Button(t("home.button.erase"), actions.ERASE_OPEN, style="danger"),
        ),
        id=id,
    )


def menu(t: Translator) -> ui.Message:
    return ui.Message(
        text=t("secretariat.menu.text"),
        parts=(ui.Text(t("secretariat.menu.intro")), secretariat_buttons(t)),
    )
