"""The `netvaerk` command as an operator runs it: a real process, a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))
    }
    environment.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def test_run_refuses_a_database_that_is_behind_and_says_how_to_fix_it(tmp_path: Path) -> None:
    result = _run(tmp_path, "run")
    assert result.returncode == 2
    assert "netvaerk db upgrade" in result.stderr


def test_upgrade_then_run_without_token_explains_what_to_configure(tmp_path: Path) -> None:
    upgraded = _run(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "revision" in upgraded.stdout
    result = _run(tmp_path, "run", NETVAERK_LANGUAGE="en")
    assert result.returncode == 0
    assert "SLACK_BOT_TOKEN" in result.stdout
    assert "Set SLACK_BOT_TOKEN" in result.stdout


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "fly")
    assert result.returncode == 2
    assert "usage: netvaerk" in result.stderr
