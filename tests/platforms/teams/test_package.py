"""`netvaerk teams package`: the Teams app zip, validated against Microsoft's own manifest and
localization schemas (v1.25), with command lists a person can use as they are."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import uuid
import zipfile
import zlib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.core.i18n import Translator
from netvaerk import features
from platforms.teams.package import (
    COMMANDS_MAX,
    DESCRIPTION_MAX,
    MANIFEST_SCHEMA,
    TITLE_MAX,
    AppDetails,
    all_commands,
    build_package,
    command_title,
)
from tests.platforms.teams.manifest_schema import schemas

BOT_ID = str(uuid.UUID(int=0x5EED))
DETAILS = AppDetails(
    bot_id=BOT_ID,
    url="https://netvaerk.albertslund.dk",
    developer="Albertslund Kommune",
    website_url="https://www.albertslund.dk/",
    privacy_url="https://www.albertslund.dk/",
    terms_url="https://www.albertslund.dk/",
)


@pytest.fixture(scope="module")
def official() -> dict[str, Any]:
    return schemas()


@pytest.fixture(scope="module")
def package() -> dict[str, bytes]:
    data = build_package(DETAILS, features.registry().commands)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def errors(schema: dict[str, Any], document: Any) -> list[str]:
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_manifest_and_its_english_file_pass_the_official_schemas(
    package: dict[str, bytes], official: dict[str, Any]
) -> None:
    assert sorted(package) == ["color.png", "en.json", "manifest.json", "outline.png"]
    manifest = json.loads(package["manifest.json"])
    english = json.loads(package["en.json"])
    assert errors(official["manifest"], manifest) == []
    assert errors(official["localization"], english) == []
    assert manifest["$schema"] == MANIFEST_SCHEMA and manifest["manifestVersion"] == "1.25"
    assert manifest["id"] == BOT_ID and manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["bots"][0]["scopes"] == ["personal", "team"]
    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "da-dk",
        "additionalLanguages": [{"languageTag": "en", "file": "en.json"}],
    }
    assert manifest["validDomains"] == ["netvaerk.albertslund.dk"]
    assert manifest["description"]["short"].startswith("Tid og rum")
    assert english["description.short"].startswith("Time and space")


def test_the_validation_is_not_vacuous(package: dict[str, bytes], official: dict[str, Any]) -> None:
    manifest = json.loads(package["manifest.json"])
    del manifest["developer"]
    manifest["bots"][0]["botId"] = "not-a-guid"
    assert len(errors(official["manifest"], manifest)) == 2
    english = json.loads(package["en.json"])
    english["bots[0].commandLists[0].commands[12].title"] = "one too many"
    assert errors(official["localization"], english) != []


def test_each_scope_lists_at_most_ten_commands_a_person_can_send_as_they_are(
    package: dict[str, bytes],
) -> None:
    """Teams sends a picked command's title as the message: each must parse to its command,
    in Danish (manifest.json) and English (en.json), within Teams' documented lengths."""
    manifest = json.loads(package["manifest.json"])
    english = json.loads(package["en.json"])
    table = all_commands(features.registry().commands)
    lists = manifest["bots"][0]["commandLists"]
    assert [c["scopes"] for c in lists] == [["personal"], ["team"]]
    for i, command_list in enumerate(lists):
        commands = command_list["commands"]
        assert 0 < len(commands) <= COMMANDS_MAX
        for j, entry in enumerate(commands):
            english_title = english[f"bots[0].commandLists[{i}].commands[{j}].title"]
            danish = table.parse(entry["title"]).command
            assert danish is not None, entry["title"]
            assert table.parse(english_title).command == danish, (entry["title"], english_title)
            for title, description in (
                (entry["title"], entry["description"]),
                (english_title, english[f"bots[0].commandLists[{i}].commands[{j}].description"]),
            ):
                assert 0 < len(title) <= TITLE_MAX and 0 < len(description) <= DESCRIPTION_MAX
                assert "/netvaerk" not in description and "(" not in description
    personal = [c["title"] for c in lists[0]["commands"]]
    assert {"book", "tjekliste", "hjem", "hjælp"} <= set(personal)


def test_titles_come_from_the_help_lines() -> None:
    english = Translator("en")
    assert command_title(str(english("checklist.help.tjekliste"))) == "checklist"
    assert command_title(str(english("privacy.export.help"))) == "my data"
    assert command_title(str(Translator("da")("scheduler.help.puls"))) == "puls"


def _png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    pixels = b""
    offset = 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        crc = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])[0]
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IDAT":
            pixels += body
        offset += 12 + length
    return width, height, zlib.decompress(pixels)


def test_the_icons_are_the_sizes_teams_asks_for(package: dict[str, bytes]) -> None:
    width, height, raw = _png_size_and_pixels(package["color.png"])
    assert (width, height) == (192, 192) and len(raw) == 192 * (1 + 192 * 4)
    width, height, raw = _png_size_and_pixels(package["outline.png"])
    assert (width, height) == (32, 32)
    rows = [raw[r * (1 + 32 * 4) + 1 : (r + 1) * (1 + 32 * 4)] for r in range(32)]
    pixels = [row[i : i + 4] for row in rows for i in range(0, len(row), 4)]
    # White on transparent only, with some of each.
    assert set(pixels) == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}


def test_netvaerk_teams_package_as_a_process(tmp_path: Path, official: dict[str, Any]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "NETVAERK_"))}
    command = [sys.executable, "-m", "bot", "teams", "package", "--url", DETAILS.url]
    refused = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert refused.returncode == 2 and "TEAMS_CLIENT_ID" in refused.stderr
    out = tmp_path / "app.zip"
    done = subprocess.run(
        [*command, "--out", str(out)],
        capture_output=True,
        text=True,
        env={**env, "TEAMS_CLIENT_ID": BOT_ID, "NETVAERK_LANGUAGE": "en"},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert f"The Teams app is written to {out}" in done.stdout
    no_url = subprocess.run(
        command[:-2], capture_output=True, text=True, env={**env, "TEAMS_CLIENT_ID": BOT_ID}
    )
    assert no_url.returncode == 2 and "NETVAERK_PUBLIC_URL" in no_url.stderr
    with zipfile.ZipFile(out) as archive:
        assert errors(official["manifest"], json.loads(archive.read("manifest.json"))) == []
