"""One tick: the planner, then delivery. `netvaerk tick` runs one and exits (cron-style
deployments); `netvaerk run` has APScheduler run one every minute (schedules/runner.py)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from bot.core.chat import ChatPort
from bot.core.deps import Deps
from bot.operations import metrics
from schedules.delivery import Delivery, DeliveryStats
from schedules.planner import PlanResult, plan

log = logging.getLogger(__name__)


@dataclass
class TickResult:
    plan: PlanResult
    delivery: DeliveryStats | None


def run_tick(
    deps: Deps,
    transport: ChatPort | None,
    delivery: Delivery | None = None,
    now: datetime | None = None,
) -> TickResult:
    """Plan, then deliver what is ready. Without a transport (no Slack token) only plans."""
    started = time.perf_counter()
    planned = plan(deps, now)
    metrics.planner_pass(time.perf_counter() - started, planned.failed_rules)
    if delivery is None and transport is not None:
        delivery = Delivery(deps, transport)
    stats = delivery.run() if delivery is not None else None
    metrics.deliveries(stats)
    return TickResult(planned, stats)
