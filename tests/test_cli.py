"""The `netvaerk` command as an operator runs it: a real process, a real database file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
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


def test_upgrade_then_run_without_token_explains_and_starts_the_playground(
    tmp_path: Path,
) -> None:
    upgraded = _run(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "revision" in upgraded.stdout
    port = _free_port()
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        NETVAERK_LANGUAGE="en",
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert "Set SLACK_BOT_TOKEN" in "".join(lines)
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        assert "Netværksbot – playground" in _get_when_up(f"http://127.0.0.1:{port}/")
        # Its own database in the working directory; the operator's file is left alone.
        assert (tmp_path / "netvaerk-playground.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get_when_up(url: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as page:
                return str(page.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(tmp_path, "fly")
    assert result.returncode == 2
    assert "usage: netvaerk" in result.stderr
