"""The scheduler's `netvaerk` sub-commands: `tick` and `schedule preview [--days N]`."""

from __future__ import annotations

import argparse
from typing import Any

from bot.core.deps import Deps
from bot.core.settings import get_settings
from storage.db import Database


def _deps() -> Deps:
    from netvaerk.app import build_deps

    settings = get_settings()
    db = Database(settings.database_url)
    db.ensure_current()
    return build_deps(settings, db)


def cmd_tick(_args: argparse.Namespace) -> int:
    """One planner + delivery pass, then exit (cron-style deployments)."""
    from platforms.slack.chat import SlackChat, make_delivery_client
    from schedules.tick import run_tick

    deps = _deps()
    transport = None
    if deps.settings.slack_bot_token:
        transport = SlackChat(make_delivery_client(deps.settings))
    result = run_tick(deps, transport)
    print(f"planned: {result.plan.inserted} new message(s)")
    if result.delivery is None:
        print("not sent: SLACK_BOT_TOKEN is not set")
    else:
        d = result.delivery
        print(
            f"delivered: {d.sent} sent, {d.recovered} found already sent, {d.deferred} waiting, "
            f"{d.dropped} dropped, {d.digested} in digests, {d.retrying} to retry, "
            f"{d.failed} failed"
        )
    return 1 if result.plan.failed_rules else 0


def cmd_preview(args: argparse.Namespace) -> int:
    from schedules.preview import format_lines, preview

    print(format_lines(preview(_deps(), days=args.days)))
    return 0


def add_commands(commands: Any) -> None:
    """Add `tick` and `schedule` to the `netvaerk` parser's sub-commands."""
    tick = commands.add_parser("tick", help="run one planner and delivery pass, then exit")
    tick.set_defaults(func=cmd_tick)
    schedule = commands.add_parser("schedule", help="the reminders' schedule")
    schedule_commands = schedule.add_subparsers(dest="schedule_command", required=True)
    show = schedule_commands.add_parser(
        "preview", help="print what will be sent to whom and when, without sending"
    )
    show.add_argument("--days", type=int, default=14, help="how many days ahead (default 14)")
    show.set_defaults(func=cmd_preview)
