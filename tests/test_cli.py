"""The `netvaerk` command as an operator runs it: a real process, a real database file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func
from sqlmodel import select

from storage.db import Database
from storage.models import Person


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


def _fresh_env(**env: str) -> dict[str, str]:
    """The environment of a new user: no Slack and no DATABASE_URL (the default SQLite file in
    the working directory) unless given."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "NETVAERK_"))
    }
    environment.update(env)
    return environment


def _fresh(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`netvaerk ARGS` as the first command in a new folder, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=_fresh_env(**env),
        cwd=tmp_path,
        timeout=120,
    )


def _revision(path: Path) -> str | None:
    db = Database(f"sqlite:///{path}")
    try:
        return db.current_revision()
    finally:
        db.dispose()


def _older_schema(path: Path) -> tuple[str, str]:
    """A database one migration behind the code: (its revision, the code's head)."""
    db = Database(f"sqlite:///{path}")
    config = db._alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    assert head is not None
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str)
    command.upgrade(config, previous)
    db.dispose()
    return previous, head


def test_tick_in_a_new_folder_creates_the_database(tmp_path: Path) -> None:
    result = _fresh(tmp_path, "tick")
    assert result.returncode == 0, result.stderr
    assert "planned: 0 new message(s)" in result.stdout
    assert _revision(tmp_path / "netvaerk.sqlite3") == _older_schema(tmp_path / "x.sqlite3")[1]


def test_import_in_a_new_folder_creates_the_database_and_imports(tmp_path: Path) -> None:
    sample = Path(__file__).parent / "data" / "org"
    files = [str(sample / name) for name in ("people.csv", "departments.csv", "networks.csv")]
    result = _fresh(tmp_path, "import", *files)
    assert result.returncode == 0, result.stderr
    db = Database(f"sqlite:///{tmp_path / 'netvaerk.sqlite3'}")
    with db.session() as session:
        assert session.exec(select(func.count()).select_from(Person)).one() > 0
    db.dispose()


def test_an_older_schema_is_migrated_at_start_by_default(tmp_path: Path) -> None:
    previous, head = _older_schema(tmp_path / "netvaerk.sqlite3")
    result = _fresh(tmp_path, "tick")
    assert result.returncode == 0, result.stderr
    assert f"migrated from revision {previous} to {head}" in result.stderr
    assert _revision(tmp_path / "netvaerk.sqlite3") == head


def test_without_auto_migrate_an_older_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    previous, _head = _older_schema(tmp_path / "netvaerk.sqlite3")
    for args in (("tick",), ("import", "people.csv"), ("run",)):
        result = _fresh(
            tmp_path,
            *args,
            NETVAERK_AUTO_MIGRATE="false",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="secret",
        )
        assert result.returncode == 2, (args, result.stderr)
        assert "Run: netvaerk db upgrade" in result.stderr
    assert _revision(tmp_path / "netvaerk.sqlite3") == previous


def test_run_in_a_new_folder_starts_the_playground_without_looking_at_database_url(
    tmp_path: Path,
) -> None:
    """No Slack token: the playground, on its own SQLite file. DATABASE_URL names a server that
    does not exist; the playground neither opens it nor creates the default file."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_fresh_env(
            DATABASE_URL="postgresql://nobody@127.0.0.1:1/nowhere",
            NETVAERK_LANGUAGE="en",
            NETVAERK_AUTO_MIGRATE="false",
            PORT=str(port),
        ),
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert "Set SLACK_BOT_TOKEN" in "".join(lines)
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        assert "Netværksbot – playground" in _get_when_up(f"http://127.0.0.1:{port}/")
        assert (tmp_path / "netvaerk-playground.sqlite3").exists()
        assert not (tmp_path / "netvaerk.sqlite3").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_run_with_only_teams_serves_teams_and_no_playground(tmp_path: Path) -> None:
    """A Teams-only deployment: no Slack setting at all. `netvaerk run` serves `/api/messages`
    and the probes on PORT, on DATABASE_URL (migrated at start), not the playground."""
    from emulator.microsoft import MicrosoftCloud, TeamsPlatform

    port = _free_port()
    with MicrosoftCloud() as cloud:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_fresh_env(PORT=str(port), NETVAERK_SCHEDULER="false", **cloud.environment()),
            cwd=tmp_path,
        )
        try:
            ready = _get_when_up(f"http://127.0.0.1:{port}/readyz")
            assert '"ready":true' in ready.replace(" ", "")
            alice = cloud.add_user("Alice Jensen", "alice@albertslund.dk")
            teams = TeamsPlatform(f"http://127.0.0.1:{port}/api/messages", cloud)
            assert teams.message(alice, "hjælp").status == 200
            assert teams.message(alice, "hjælp", token="forged").status == 401
            assert (tmp_path / "netvaerk.sqlite3").exists()
            assert not (tmp_path / "netvaerk-playground.sqlite3").exists()
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
