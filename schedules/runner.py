"""APScheduler in the serving process: a tick every minute and the daily retention job.

APScheduler only fires; the truth lives in our tables (its FAQ: job stores must never be shared
between schedulers). So replicas may each run this: the outbox's unique keys and row claims keep
them from doing anything twice. In-memory job store, one instance of each job at a time, missed
runs coalesced.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core import clock
from bot.core.chat import ChatPort
from bot.core.deps import Deps
from bot.privacy import domain as privacy
from schedules.delivery import Delivery
from schedules.retention import purge
from schedules.tick import run_tick

log = logging.getLogger(__name__)


def _safely(name: str, job: object) -> object:
    def run() -> None:
        try:
            job()  # type: ignore[operator]
        except Exception:
            log.exception("scheduled job %s failed; it runs again at its next time", name)

    return run


def start_scheduler(deps: Deps, transport: ChatPort) -> BackgroundScheduler:
    """Start the minute tick and the nightly retention job; returns the running scheduler."""
    delivery = Delivery(deps, transport)
    scheduler = BackgroundScheduler(
        timezone=deps.settings.netvaerk_timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    scheduler.add_job(
        _safely("tick", lambda: run_tick(deps, transport, delivery)),
        IntervalTrigger(minutes=1),
        id="tick",
        name="planner and delivery",
        next_run_time=None,
    )
    scheduler.add_job(
        _safely("retention", lambda: purge(deps)),
        CronTrigger(hour=3, minute=17),
        id="retention",
        name="delete finished outbox rows past retention",
    )
    scheduler.add_job(  # GDPR: people who left are erased after `retention.people_left_months`
        _safely("privacy", lambda: privacy.nightly(deps)),
        CronTrigger(hour=3, minute=37),
        id="privacy-retention",
        name="erase people who left past retention",
    )
    scheduler.start()
    # The first tick right away, so a restart does not wait a minute to catch up.
    # APScheduler runs on real time: take the clock's playground offset away.
    scheduler.modify_job("tick", next_run_time=clock.now() - clock.offset())
    log.info("scheduler started: tick every minute, retention nightly")
    return scheduler
