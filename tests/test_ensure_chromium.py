"""`make test` on a fresh machine: .ci/ensure-chromium finds the browser the browser test needs,
or — when it may not install it — says in one line exactly what to run, and fails."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / ".ci" / "ensure-chromium"


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path), **env},  # no apt-get, no sudo
        timeout=30,
    )


def test_a_chromium_that_is_there_is_used(tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    result = _run(tmp_path, CHROMIUM_PATH=str(browser))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_without_a_way_to_install_it_one_line_says_what_to_run(tmp_path: Path) -> None:
    """CHROMIUM_PATH names a file that is not there: installing Debian's package would not help."""
    result = _run(tmp_path, CHROMIUM_PATH=str(tmp_path / "nowhere" / "chromium"))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert "sudo apt-get install -y chromium" in line
    assert "CHROMIUM_PATH" in line


def test_a_missing_default_chromium_without_apt_get_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    fake_usr = tmp_path / "empty"
    fake_usr.mkdir()
    script = SCRIPT.read_text().replace("/usr/bin/chromium", str(fake_usr / "chromium"))
    copy = tmp_path / "ensure-chromium"
    copy.write_text(script)
    result = subprocess.run(
        ["/bin/bash", str(copy)],
        capture_output=True,
        text=True,
        env={"PATH": str(fake_usr)},
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "make test: the browser tests need Chromium, which is not installed; "
        "run: sudo apt-get install -y chromium"
    ]
