"""Prometheus figures for `GET /metrics`: counts and durations only.

Labels are kinds, results, outcomes and rule names from the code — never a person, an email,
a channel or anything someone wrote (GDPR). Call sites are one line each (`metrics.request(…)`);
the outbox and scheduler figures are read from the tables at scrape time
(`bot/operations/outbox_figures.py`), so every replica reports the same truth.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

from storage.db import Database

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
disable_created_metrics()  # the `_created` series double the scrape and nobody alerts on them
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

# Slack wants an answer within 3 seconds; the buckets are spread below and around that.
_ANSWER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
_WORK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

_requests = Counter(
    "netvaerk_requests",
    "Requests from the chat platform, by kind and result (ok, error, rejected, unhandled)",
    ["kind", "result"],
    registry=REGISTRY,
)
_request_seconds = Histogram(
    "netvaerk_request_duration_seconds",
    "Time to answer a request from the chat platform (the ack), by kind and result",
    ["kind", "result"],
    buckets=_ANSWER_BUCKETS,
    registry=REGISTRY,
)
_lazy = Counter(
    "netvaerk_lazy_work",
    "Work done after the answer (Bolt lazy listeners), by kind and result",
    ["kind", "result"],
    registry=REGISTRY,
)
_lazy_seconds = Histogram(
    "netvaerk_lazy_work_duration_seconds",
    "Duration of the work done after the answer, by kind",
    ["kind"],
    buckets=_WORK_BUCKETS,
    registry=REGISTRY,
)
_deliveries = Counter(
    "netvaerk_deliveries",
    "Outbox delivery attempts by outcome (sent, retried, rate_limited, failed, …)",
    ["outcome"],
    registry=REGISTRY,
)
_planner_seconds = Histogram(
    "netvaerk_planner_pass_duration_seconds",
    "Duration of one planner pass",
    buckets=_WORK_BUCKETS,
    registry=REGISTRY,
)
_planner_failed = Counter(
    "netvaerk_planner_failed_rules",
    "Planner rules that raised (the day is planned again on the next tick), by rule",
    ["rule"],
    registry=REGISTRY,
)
_outbox_depth = Gauge(
    "netvaerk_outbox_depth",
    "Messages in the outbox not yet sent: due now, or waiting for their time",
    ["state"],
    registry=REGISTRY,
)
_outbox_oldest = Gauge(
    "netvaerk_outbox_oldest_due_age_seconds",
    "How long the longest-waiting due message has been due (0 when none is due)",
    registry=REGISTRY,
)
_failed_week = Gauge(
    "netvaerk_outbox_failed_last_week",
    "Messages given up on in the last 7 days (reported to the secretariat)",
    registry=REGISTRY,
)
_sent_today = Gauge(
    "netvaerk_messages_sent_today",
    "Messages sent since local midnight (NETVAERK_TIMEZONE), by kind",
    ["kind"],
    registry=REGISTRY,
)
_last_tick = Gauge(
    "netvaerk_scheduler_last_tick_timestamp_seconds",
    "Unix time of the newest planner pass (any replica or cron)",
    registry=REGISTRY,
)
_database_up = Gauge(
    "netvaerk_database_up",
    "1 when the figures above could be read from the database",
    registry=REGISTRY,
)
_scrape_lock = threading.Lock()


class DeliveryCounts(Protocol):
    sent: int
    retrying: int
    rate_limited: int
    failed: int
    recovered: int
    dropped: int


def request(kind: str, result: str, seconds: float) -> None:
    _requests.labels(kind, result).inc()
    _request_seconds.labels(kind, result).observe(seconds)


def lazy_work(kind: str, result: str, seconds: float) -> None:
    _lazy.labels(kind, result).inc()
    _lazy_seconds.labels(kind).observe(seconds)


def deliveries(stats: DeliveryCounts | None) -> None:
    """Count one delivery run's outcomes (schedules/delivery.py's DeliveryStats)."""
    if stats is None:
        return
    for outcome, count in (
        ("sent", stats.sent),
        ("retried", stats.retrying),
        ("rate_limited", stats.rate_limited),
        ("failed", stats.failed),
        ("recovered", stats.recovered),
        ("dropped", stats.dropped),
    ):
        _deliveries.labels(outcome).inc(count)


def planner_pass(seconds: float, failed_rules: Iterable[str]) -> None:
    _planner_seconds.observe(seconds)
    for rule in failed_rules:
        _planner_failed.labels(rule).inc()


def _refresh_from_tables(db: Database, now: datetime, tz: str) -> None:
    from bot.operations.outbox_figures import read_figures

    try:
        with db.session() as session:
            figures = read_figures(session, now, tz)
    except Exception as error:
        log.warning("metrics: could not read the outbox: %s", type(error).__name__)
        _database_up.set(0)
        return
    _database_up.set(1)
    _outbox_depth.labels("due").set(figures.due)
    _outbox_depth.labels("waiting").set(figures.waiting)
    _outbox_oldest.set(figures.oldest_due_age(now))
    _failed_week.set(figures.failed_last_week)
    _sent_today.clear()  # a kind not sent today is 0, not yesterday's figure
    for kind, count in figures.sent_today.items():
        _sent_today.labels(kind).set(count)
    if figures.last_tick is not None:
        _last_tick.set(figures.last_tick.timestamp())


def exposition(db: Database | None, now: datetime, tz: str) -> bytes:
    """The text a Prometheus scrape receives."""
    with _scrape_lock:
        if db is not None:
            _refresh_from_tables(db, now, tz)
        return generate_latest(REGISTRY)
