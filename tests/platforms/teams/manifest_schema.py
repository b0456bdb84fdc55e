"""The official Teams app manifest JSON schemas, from Microsoft's npm package
`@microsoft/app-manifest`, fetched at test time into a cache (never committed).

Fetched over HTTPS from the npm registry with Python (no npm needed) and checked against the
package's pinned sha512, so a test validates against exactly the schema it was written for. A
fetch that fails after retries fails the test: an unvalidated manifest is not a pass.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import time
import urllib.request
from pathlib import Path
from typing import Any

PACKAGE = "@microsoft/app-manifest"
VERSION = "1.1.2"  # the newest on 2026-12-03; it carries the v1.25 schemas
TARBALL = "https://registry.npmjs.org/@microsoft/app-manifest/-/app-manifest-1.1.2.tgz"
INTEGRITY = (
    "sha512-uXdmYzhIcchi3Tc9Sh3pTDMe55zy7ge19bnYCGB1gzuyha85Ii7wfdTruwEhqseaX9pwsWDRB5Ot"
    "/ltv0rCONw=="
)
SCHEMA_DIR = "package/build/json-schemas/teams/v1.25"
TRIES = 4


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netvaerksbot-tests"


def _verified(data: bytes) -> bytes:
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        raise AssertionError(f"{PACKAGE}@{VERSION}: the tarball does not match its sha512")
    return data


def _download() -> bytes:
    problem: Exception | None = None
    for attempt in range(TRIES):
        try:
            with urllib.request.urlopen(TARBALL, timeout=60) as answer:
                return _verified(answer.read())
        except OSError as error:  # network trouble: try again, a little later each time
            problem = error
            time.sleep(2**attempt)
    raise AssertionError(f"could not fetch {TARBALL} after {TRIES} tries: {problem!r}")


def tarball() -> bytes:
    cached = cache_dir() / f"app-manifest-{VERSION}.tgz"
    if cached.exists():
        try:
            return _verified(cached.read_bytes())
        except AssertionError:
            cached.unlink()  # a broken download from before: fetch it again
    data = _download()
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(cached)
    return data


def schemas() -> dict[str, Any]:
    """{"manifest": …, "localization": …}: the v1.25 schemas as parsed JSON."""
    names = {
        "manifest": f"{SCHEMA_DIR}/MicrosoftTeams.schema.json",
        "localization": f"{SCHEMA_DIR}/MicrosoftTeams.Localization.schema.json",
    }
    with tarfile.open(fileobj=io.BytesIO(tarball()), mode="r:gz") as archive:
        found = {}
        for key, name in names.items():
            member = archive.extractfile(name)
            assert member is not None, name
            found[key] = json.load(member)
    return found
