"""The Teams app package: the zip an administrator uploads in the Teams admin center.

`manifest.json` (schema v1.25) with the bot (`TEAMS_CLIENT_ID`, scopes personal and team), its
command lists, Danish as the default language and an English localization file; `color.png`
(192×192) and `outline.png` (32×32, white on transparent), drawn here by a few lines of PNG
writing rather than a dependency or binary files in the tree.

The command lists come from the registry's commands and their help lines in the catalogue, so a
command's title is what a person would type (Teams sends the title as the message when it is
picked) and its description is the help line's. Teams shows at most 10 commands per list (the
v1.25 schema allows 12; Microsoft's bot-menu documentation says 10), so each scope lists the 10
most useful there; every other command still works when typed, and `hjælp` lists them all:

- personal (the 1:1 chat): what every employee and leader does — book, checklist, home, results,
  open networks and recruiting, PULS, pause, my data, help. Left out: `tema`, `talent`,
  `afdeling`, `sekretariat`, `rapport` (for the secretariat and personnel leaders, who know them).
- team (an @mention in a channel): what concerns a department's channel — results, recruiting,
  open networks, department meetings, themes, talent, booking, checklist, the secretariat, help.

The app's id is the bot's own id (`TEAMS_CLIENT_ID`): stable across packages, so an uploaded
update replaces the app instead of adding a second one. No `webApplicationInfo`: the bot signs no
one in (no SSO) and asks Graph for nothing; the Outlook calendar is a separate app registration.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

from bot.core.actions import RESULT_SHORTCUT
from bot.core.commands import HELP, Command, CommandTable
from bot.core.i18n import Translator

MANIFEST_VERSION = "1.25"
SCHEMA_BASE = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}"
MANIFEST_SCHEMA = f"{SCHEMA_BASE}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = f"{SCHEMA_BASE}/MicrosoftTeams.Localization.schema.json"
DEFAULT_LANGUAGE_TAG = "da-dk"  # the strings in manifest.json itself
ENGLISH = ("en", "en.json")  # every English locale (en-us, en-gb, …) falls back to "en"
COMMANDS_MAX = 10
TITLE_MAX = 32  # Microsoft's documented limits for a bot menu command
DESCRIPTION_MAX = 128
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
ACCENT = (0x1F, 0x4E, 0x5F)  # the Slack app's background colour (manifest.yml)

PERSONAL = (
    "book", "tjekliste", "hjem", "resultat", "deltagere", "netværk", "puls", "pause", "mine",
    "hjælp",
)  # fmt: skip
TEAM = (
    "resultat", "deltagere", "netværk", "afdeling", "tema", "talent", "book", "tjekliste",
    "sekretariat", "hjælp",
)  # fmt: skip
SCOPES = (("personal", PERSONAL), ("team", TEAM))


@dataclass(frozen=True)
class AppDetails:
    bot_id: str  # TEAMS_CLIENT_ID
    url: str  # where `netvaerk run` answers, https
    developer: str
    website_url: str
    privacy_url: str
    terms_url: str


def version() -> str:
    """The app's version: the project's, so a new release is a new package version."""
    try:
        return metadata.version("netvaerksbot")
    except metadata.PackageNotFoundError:
        return "0.1.0"


# --- command lists -------------------------------------------------------------------------

_ARGUMENT = re.compile(r"^[@\[(]|^[A-ZÆØÅ]{2,}")


def command_title(help_line: str) -> str:
    """What a person types, read from the help line: `• /netvaerk tjekliste (checklist) – …` is
    "checklist" in English ("tjekliste" in Danish), `• /netvaerk mine data – …` "mine data"."""
    usage = help_line.lstrip("•-* ").split(" – ", 1)[0].replace("`", "")
    words = usage.removeprefix("/netvaerk").split()
    title: list[str] = []
    for word in words:
        if word.startswith("(") and word.endswith(")") and title:
            return word[1:-1]  # the English name beside the Danish one
        if _ARGUMENT.match(word):
            break
        title.append(word)
    return " ".join(title)


def command_description(help_line: str) -> str:
    """The help line's explanation, without Slack's slash syntax and asides, as a sentence."""
    text = help_line.split(" – ", 1)[-1]
    text = re.split(r" \(|; ", text, maxsplit=1)[0].replace("/netvaerk ", "").strip()
    text = text[:1].upper() + text[1:]
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def command_lists(commands: Iterable[Command], t: Translator) -> list[dict[str, Any]]:
    by_slug = {command.slug: command for command in commands}
    lists = []
    for scope, slugs in SCOPES:
        chosen = [by_slug[slug] for slug in slugs]
        entries = [
            {
                "title": command_title(str(t(c.help_key))),
                "description": command_description(str(t(c.help_key))),
            }
            for c in chosen
        ]
        lists.append({"scopes": [scope], "commands": entries})
    return lists


def all_commands(registered: Iterable[Command]) -> CommandTable:
    """The registry's commands, help, and `hjem` (Teams' stand-in for Slack's App Home)."""
    from bot.home.commands import HOME

    return CommandTable([*registered, HELP, HOME])


# --- manifest and localization -------------------------------------------------------------


def _texts(t: Translator) -> dict[str, str]:
    return {
        "name.short": str(t("teams.app.name_short")),
        "name.full": str(t("teams.app.name_full")),
        "description.short": str(t("teams.app.description_short")),
        "description.full": str(t("teams.app.description_full")),
    }


def manifest(details: AppDetails, table: CommandTable) -> dict[str, Any]:
    t = Translator("da")
    texts = _texts(t)
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version(),
        "id": details.bot_id,
        "localizationInfo": {
            "defaultLanguageTag": DEFAULT_LANGUAGE_TAG,
            "additionalLanguages": [{"languageTag": ENGLISH[0], "file": ENGLISH[1]}],
        },
        "developer": {
            "name": details.developer,
            "websiteUrl": details.website_url,
            "privacyUrl": details.privacy_url,
            "termsOfUseUrl": details.terms_url,
        },
        "name": {"short": texts["name.short"], "full": texts["name.full"]},
        "description": {
            "short": texts["description.short"],
            "full": texts["description.full"],
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": details.bot_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": command_lists(table.commands, t),
            }
        ],
        "composeExtensions": [{"botId": details.bot_id, "commands": [shortcut(t)]}],
        "validDomains": [urlsplit(details.url).hostname or details.url],
    }


def shortcut(t: Translator) -> dict[str, Any]:
    """The message action "Del som netværksresultat" (Slack's message shortcut): it opens the
    result dialog with the message's text (platforms/teams/handlers/showcase.py)."""
    return {
        "id": RESULT_SHORTCUT,
        "type": "action",
        "title": str(t("teams.shortcut.title")),
        "description": str(t("teams.shortcut.description")),
        "context": ["message"],
        "fetchTask": True,
    }


def localization(table: CommandTable, language: str) -> dict[str, Any]:
    """The strings of manifest.json in another language, keyed as the schema asks."""
    t = Translator(language)
    strings: dict[str, Any] = {"$schema": LOCALIZATION_SCHEMA, **_texts(t)}
    for i, command_list in enumerate(command_lists(table.commands, t)):
        for j, entry in enumerate(command_list["commands"]):
            prefix = f"bots[0].commandLists[{i}].commands[{j}]"
            strings[f"{prefix}.title"] = entry["title"]
            strings[f"{prefix}.description"] = entry["description"]
    action = shortcut(t)
    strings["composeExtensions[0].commands[0].title"] = action["title"]
    strings["composeExtensions[0].commands[0].description"] = action["description"]
    return strings


# --- icons ---------------------------------------------------------------------------------


def png(width: int, height: int, pixels: Sequence[Sequence[tuple[int, int, int, int]]]) -> bytes:
    """An RGBA PNG (8 bits a channel, no filter): the format's three chunks, nothing more."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _network(size: int, x: int, y: int) -> bool:
    """A small network: three nodes on a ring around a centre node, with the ring itself."""
    c = (size - 1) / 2
    r_ring, r_node = size * 0.30, size * 0.09
    dx, dy = x - c, y - c
    distance = (dx * dx + dy * dy) ** 0.5
    if abs(distance - r_ring) <= size * 0.035 or distance <= r_node:
        return True
    for nx, ny in ((0.0, -1.0), (0.866, 0.5), (-0.866, 0.5)):
        px, py = c + nx * r_ring, c + ny * r_ring
        if ((x - px) ** 2 + (y - py) ** 2) ** 0.5 <= r_node * 1.2:
            return True
    return False


def color_icon(size: int = 192) -> bytes:
    white, accent = (255, 255, 255, 255), (*ACCENT, 255)
    rows = [[white if _network(size, x, y) else accent for x in range(size)] for y in range(size)]
    return png(size, size, rows)


def outline_icon(size: int = 32) -> bytes:
    """White on transparent, as Teams asks of the outline icon."""
    white, clear = (255, 255, 255, 255), (0, 0, 0, 0)
    rows = [[white if _network(size, x, y) else clear for x in range(size)] for y in range(size)]
    return png(size, size, rows)


# --- the zip -------------------------------------------------------------------------------


def build_package(details: AppDetails, registered: Iterable[Command]) -> bytes:
    """The zip's bytes: manifest.json, en.json and the two icons at its root."""
    if not details.url.startswith("https://"):
        raise ValueError("the bot's address must be https://…")
    table = all_commands(registered)
    files = {
        "manifest.json": manifest(details, table),
        ENGLISH[1]: localization(table, "en"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        entries = {
            **{n: json.dumps(c, ensure_ascii=False, indent=2).encode() for n, c in files.items()},
            "color.png": color_icon(),
            "outline.png": outline_icon(),
        }
        for name, data in entries.items():
            # A fixed time: the same commands and settings give the same bytes.
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()
