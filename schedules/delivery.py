"""Delivery: claim outbox rows, decide each one (send, wait, fold into a digest, drop), send, and
record the outcome — so that nothing is lost and nothing is sent twice.

- Claims carry a short lease (`claimed_until`) that a working worker renews (schedules/lease.py);
  a worker that dies leaves rows another worker takes over once the lease runs out.
- Before sending, a row is marked `sending` (committed). If the process dies after Slack took the
  message but before the result is recorded, the row is found `sending` with an expired lease —
  its outcome is unknown — and the DM's history is searched for the message's outbox id (carried
  in Slack message metadata) before anything is sent again. Timeouts and 5xx answers are treated
  the same way. The search starts before the *first* attempt, so any number of attempts that
  end unknown (or rate-limited) in between cannot move it past the real post.
- Slack's limits: about one message per second per channel (per-recipient pacing here), HTTP 429
  with Retry-After (the whole worker waits; repeated 429s back off and are bounded too),
  transient errors retried with exponential backoff and jitter up to a limit, permanent errors
  failed at once (and reported by the planner).
- The policy: only inside the recipient's sending window on working days; snoozes and pauses
  hold a message, "done" drops it; at most `nudges_per_week` nudges per person per week — the
  last one of the week becomes a digest when several are waiting.
- The message is built from the data as it is at sending time; when its cause is gone (booked,
  left, changed) the row is dropped, not sent.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.core import identity, ui
from bot.core.chat import ChatPort, DeliveryError, Failure, Sent, addresses, platform_for
from bot.core.clock import now as clock_now
from bot.core.deps import Deps
from bot.core.due import BuildContext, local_midnight
from bot.core.i18n import normalise_language
from bot.privacy.domain import with_first_contact_notice
from bot.reminders.digest import DIGEST_KIND, digest_message
from bot.reminders.policy import ReminderPolicy, reminder_policy
from bot.reminders.snooze import active_snoozes, quiet_from
from schedules.lease import Heartbeat
from schedules.outbox import claim, next_ready_at
from storage.models import Person
from storage.scheduling_models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

_NOT_COUNTED = (OutboxStatus.FAILED, OutboxStatus.DROPPED, OutboxStatus.DIGESTED)
# How long delivery waits within one run for messages that become ready (paced, retried).
WAIT_MAX_SECONDS = 2.0
# Why a message to an active person failed who is on no platform delivery reaches.
UNREACHABLE = "unreachable"
# Outcomes recorded per commit.
RECORD_EVERY = 10


@dataclass
class DeliveryStats:
    sent: int = 0
    recovered: int = 0  # found already sent in the history after an unknown outcome
    dropped: int = 0
    deferred: int = 0
    digested: int = 0
    failed: int = 0
    retrying: int = 0
    rate_limited: int = 0
    drop_reasons: dict[str, int] = field(default_factory=dict)

    def add(self, other: DeliveryStats) -> None:
        for name in ("sent", "recovered", "dropped", "deferred", "digested", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.retrying += other.retrying
        self.rate_limited += other.rate_limited
        for reason, count in other.drop_reasons.items():
            self.drop_reasons[reason] = self.drop_reasons.get(reason, 0) + count


@dataclass
class _Job:
    row_id: int
    address: str
    message: ui.Message | None  # None: only look in the history; drop if not there
    check_first: bool  # the last attempt's outcome is unknown
    since: datetime
    attempts: int


@dataclass
class _Outcome:
    job: _Job
    posted: Sent | None = None
    recovered: bool = False
    error: DeliveryError | None = None
    checked: bool = False  # the history was searched and the message was not there


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Delivery:
    """One delivery worker. Several may run at once (threads, processes, replicas)."""

    def __init__(
        self,
        deps: Deps,
        transport: ChatPort,
        *,
        worker: str | None = None,
        clock: Callable[[], datetime] = clock_now,
        sleep: Callable[[float], None] = time.sleep,
        concurrency: int = 4,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.deps = deps
        self.transport = transport
        self.worker = worker or worker_name()
        self.clock = clock
        self.sleep = sleep
        self.concurrency = max(1, concurrency)
        self.jitter = jitter
        self.policy: ReminderPolicy = reminder_policy(deps.calendar.policy)
        self._free_at: dict[str, datetime] = {}  # per-channel pacing
        self._paused_until: datetime | None = None  # after a 429

    # --- the loop ------------------------------------------------------------------------

    def run(self, max_passes: int = 10_000) -> DeliveryStats:
        """Deliver until nothing is ready (waiting up to a couple of seconds for paced rows)."""
        stats = DeliveryStats()
        executor = ThreadPoolExecutor(self.concurrency) if self.concurrency > 1 else None
        heartbeat = Heartbeat(self.deps.db, self.worker, self.policy.lease_seconds, self.clock)
        try:
            with heartbeat:
                self._loop(stats, executor, max_passes)
        finally:
            if executor is not None:
                executor.shutdown(wait=True)
        return stats

    def _loop(
        self, stats: DeliveryStats, executor: ThreadPoolExecutor | None, max_passes: int
    ) -> None:
        for _ in range(max_passes):
            moment = self.clock()
            if self._paused_until and moment < self._paused_until:
                if not self._wait_until(self._paused_until, moment):
                    break
                continue
            if self.pass_once(stats, executor):
                continue
            ready = next_ready_at(self.deps.db)
            if ready is None or not self._wait_until(ready, moment):
                break

    def _wait_until(self, moment: datetime, now: datetime) -> bool:
        """Sleep until `moment` if it is near. False when it is far, already past (then someone
        else holds it), or the clock did not move (a frozen test clock)."""
        gap = (moment - now).total_seconds()
        if gap <= 0 or gap > WAIT_MAX_SECONDS:
            return False
        self.sleep(gap)
        return self.clock() >= moment

    def pass_once(
        self, stats: DeliveryStats | None = None, executor: ThreadPoolExecutor | None = None
    ) -> int:
        """Claim a batch, decide, send, record. Returns how many rows it claimed."""
        stats = stats if stats is not None else DeliveryStats()
        moment = self.clock()
        rows = claim(
            self.deps.db, self.worker, moment, self.policy.batch_size, self.policy.lease_seconds
        )
        if not rows:
            return 0
        jobs = self._prepare([r.id for r in rows if r.id is not None], moment, stats)
        # Each outcome is recorded as soon as it is known, so a crash leaves as few rows as
        # possible with an unknown outcome (each of those costs a history lookup later).
        # Outcomes are recorded in small groups as they come in, so a crash leaves few rows
        # with an unknown outcome (each costs a history lookup later) without one commit per
        # message.
        done: list[_Outcome] = []
        if executor is not None and len(jobs) > 1:
            futures = [executor.submit(self._attempt, job) for job in jobs]
            for future in as_completed(futures):
                done.append(future.result())
                if len(done) >= RECORD_EVERY:
                    self._record(done, stats)
                    done = []
        else:
            for job in jobs:
                done.append(self._attempt(job))
                if len(done) >= RECORD_EVERY:
                    self._record(done, stats)
                    done = []
        self._record(done, stats)
        return len(rows)

    # --- deciding ------------------------------------------------------------------------

    def _prepare(self, ids: list[int], moment: datetime, stats: DeliveryStats) -> list[_Job]:
        settings = self.deps.settings
        with self.deps.db.session() as session:
            rows = list(
                session.exec(
                    select(OutboxMessage)
                    .where(col(OutboxMessage.id).in_(ids), OutboxMessage.claimed_by == self.worker)
                    .order_by(col(OutboxMessage.due_on), col(OutboxMessage.id))
                ).all()
            )
            people = self._lock_people(session, {r.recipient_id for r in rows if r.recipient_id})
            quiet = active_snoozes(session, list(people), moment)
            reachable = addresses(session, self.transport, list(people))
            jobs: list[_Job] = []
            groups: dict[int, list[tuple[OutboxMessage, ui.Message, str, str]]] = {}
            for row in rows:
                person = people.get(row.recipient_id or 0)
                tz = (person.timezone if person else None) or settings.netvaerk_timezone
                address = self._address(row, person, reachable)
                if address is None:
                    if person is not None and person.active:
                        self._unreachable(session, row, moment, stats)
                        continue
                    reason = "no_recipient" if person is None else "no_address"
                    self._drop(row, moment, reason if row.recipient_id else "no_recipient", stats)
                    continue
                unknown = row.status in (OutboxStatus.SENDING, OutboxStatus.UNKNOWN)
                if not self.deps.calendar.is_send_open(moment, tz):
                    self._defer(row, self.deps.calendar.next_send_opening(moment, tz), stats)
                    continue
                dismissed = False
                if row.recipient_id is not None:
                    dismissed, held = quiet_from(
                        quiet.get(row.recipient_id, []), row.subject, moment
                    )
                    if held is not None and not unknown:
                        self._defer(row, self.deps.calendar.next_send_opening(held, tz), stats)
                        continue
                message = (
                    None if dismissed else self._build(session, row, person, tz, moment, address)
                )
                if message is None and not unknown:
                    self._drop(row, moment, "dismissed" if dismissed else "resolved", stats)
                    continue
                free = self._free_at.get(address)
                if free is not None and free > moment:
                    self._defer(row, free, stats)
                    continue
                if row.send_started_at is None and row.capped and row.recipient_id and message:
                    groups.setdefault(row.recipient_id, []).append((row, message, address, tz))
                    continue
                jobs.append(self._start(row, address, message, moment, unknown))
            for recipient_id, items in groups.items():
                jobs += self._decide_capped(session, recipient_id, items, moment, stats)
            session.commit()
        return jobs

    def _lock_people(self, session: Session, ids: set[int]) -> dict[int, Person]:
        """The recipients, locked on PostgreSQL so two workers decide one person's weekly cap
        one after the other."""
        if not ids:
            return {}
        query = select(Person).where(col(Person.id).in_(sorted(ids))).order_by(col(Person.id))
        if self.deps.db.is_postgres:
            query = query.with_for_update()
        return {p.id or 0: p for p in session.exec(query).all()}

    def _address(
        self, row: OutboxMessage, person: Person | None, addresses: dict[int, str]
    ) -> str | None:
        """The channel, or the person's id on the platform delivery sends through."""
        if row.recipient_id is None:
            return row.channel
        if person is None or not person.active:
            return None
        return addresses.get(person.id or 0)

    def _unreachable(
        self, session: Session, row: OutboxMessage, moment: datetime, stats: DeliveryStats
    ) -> None:
        """An active person on no platform delivery reaches (not found in Slack, not seen on
        Teams yet): the first such message fails, so the secretariat's failure report names them
        once (schedules/planner.py: report_failures); later ones are dropped, not reported again."""
        known = session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.recipient_id == row.recipient_id,
                OutboxMessage.status == OutboxStatus.FAILED,
                OutboxMessage.last_error == UNREACHABLE,
            )
        ).first()
        if known is not None:
            self._drop(row, moment, "no_address", stats)
            return
        row.status, row.last_error, row.finished_at = OutboxStatus.FAILED, UNREACHABLE, moment
        self._release(row)
        stats.failed += 1

    def _build(
        self,
        session: Session,
        row: OutboxMessage,
        person: Person | None,
        tz: str,
        moment: datetime,
        address: str,
    ) -> ui.Message | None:
        ctx = self._context(session, person, tz, moment, row.id, address)
        message = ctx.build(row.kind, row.payload)
        if message is None:
            return None
        message = with_first_contact_notice(session, person, message, ctx.language)  # GDPR art. 13
        return dataclasses.replace(message, metadata={"outbox_id": str(row.id)})

    def _context(
        self,
        session: Session,
        person: Person | None,
        tz: str,
        moment: datetime,
        row_id: int | None,
        address: str,
    ) -> BuildContext:
        settings = self.deps.settings
        language = (
            normalise_language(person.language if person else None) or settings.netvaerk_language
        )
        return BuildContext(
            session=session,
            now=moment,
            recipient=person,
            language=language,
            tz=tz,
            calendar=self.deps.calendar,
            policy=self.policy,
            default_tz=settings.netvaerk_timezone,
            default_language=settings.netvaerk_language,
            builders=self.deps.registry.builders,
            outbox_id=row_id,
            fits=self.transport.fits,
            mention=lambda person: self._mention(session, person, address),
        )

    def _mention(self, session: Session, person: Person, address: str) -> ui.Rich:
        """A mention written for the platform the message goes to."""
        platform = platform_for(self.transport, address)
        found = identity.user_id(session, person.id or 0, platform)
        return ui.mention(person.id or 0, person.name, found)

    def _decide_capped(
        self,
        session: Session,
        recipient_id: int,
        items: list[tuple[OutboxMessage, ui.Message, str, str]],
        moment: datetime,
        stats: DeliveryStats,
    ) -> list[_Job]:
        """At most `nudges_per_week` nudges a week: one message per pass per person; when the
        last slot of the week is reached with several waiting, they go as one digest; beyond the
        cap they wait for next week."""
        _row, _message, address, tz = items[0]
        sent = self._sent_this_week(session, recipient_id, moment, tz)
        budget = self.policy.nudges_per_week - sent
        if budget <= 0:
            opening = self.deps.calendar.next_send_opening(_next_week(moment, tz), tz)
            for row, *_ in items:
                self._defer(row, opening, stats)
            return []
        if budget == 1 and len(items) > 1:
            return [self._digest(session, recipient_id, items, moment, stats)]
        first, message, address, _tz = items[0]
        later = moment + timedelta(seconds=self.policy.per_channel_seconds)
        for row, *_ in items[1:]:
            self._defer(row, later, stats)
        return [self._start(first, address, message, moment, unknown=False)]

    def _sent_this_week(
        self, session: Session, recipient_id: int, moment: datetime, tz: str
    ) -> int:
        local = moment.astimezone(ZoneInfo(tz)).date()
        week_start = local_midnight(local - timedelta(days=local.weekday()), tz)
        count = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.recipient_id == recipient_id,
                col(OutboxMessage.capped).is_(True),
                col(OutboxMessage.send_started_at) >= week_start,
                col(OutboxMessage.status).not_in(list(_NOT_COUNTED)),
            )
        ).one()
        return int(count)

    def _digest(
        self,
        session: Session,
        recipient_id: int,
        items: list[tuple[OutboxMessage, ui.Message, str, str]],
        moment: datetime,
        stats: DeliveryStats,
    ) -> _Job:
        address, tz = items[0][2], items[0][3]
        person = session.get(Person, recipient_id)
        ctx = self._context(session, person, tz, moment, None, address)
        found = digest_message(ctx, [message for _row, message, *_ in items])
        assert found is not None
        message, held = found
        # What does not fit in one message waits for next week, like anything over the cap.
        opening = self.deps.calendar.next_send_opening(_next_week(moment, tz), tz)
        for row, *_ in items[held:]:
            self._defer(row, opening, stats)
        rows = [row for row, *_ in items[:held]]
        ids = [row.id or 0 for row in rows]
        digest = OutboxMessage(
            dedupe_key=f"digest:{recipient_id}:{min(ids)}-{max(ids)}:{len(ids)}",
            kind=DIGEST_KIND,
            subject="digest",
            recipient_id=recipient_id,
            capped=True,
            payload={"items": ids},
            due_on=moment,
            next_attempt_at=moment,
            claimed_by=self.worker,
            claimed_until=moment + timedelta(seconds=self.policy.lease_seconds),
            created_at=moment,
        )
        session.add(digest)
        session.flush()
        for row in rows:
            row.status = OutboxStatus.DIGESTED
            row.digest_id = digest.id
            row.finished_at = moment
            self._release(row)
            session.add(row)
        stats.digested += len(rows)
        message = dataclasses.replace(message, metadata={"outbox_id": str(digest.id)})
        return self._start(digest, address, message, moment, unknown=False)

    def _start(
        self,
        row: OutboxMessage,
        address: str,
        message: ui.Message | None,
        moment: datetime,
        unknown: bool,
    ) -> _Job:
        """Mark the attempt before it is made: if we die during it, the next worker knows the
        outcome is unknown and looks before it sends."""
        row.first_attempt_at = row.first_attempt_at or moment
        since = row.first_attempt_at - timedelta(minutes=self.policy.history_lookback_minutes)
        row.status = OutboxStatus.SENDING
        row.attempts += 1
        row.attempt_at = moment
        row.send_started_at = row.send_started_at or moment
        self._free_at[address] = moment + timedelta(seconds=self.policy.per_channel_seconds)
        return _Job(row.id or 0, address, message, unknown, since, row.attempts)

    def _defer(self, row: OutboxMessage, until: datetime, stats: DeliveryStats) -> None:
        row.next_attempt_at = until
        self._release(row)
        stats.deferred += 1

    def _drop(
        self, row: OutboxMessage, moment: datetime, reason: str, stats: DeliveryStats
    ) -> None:
        row.status = OutboxStatus.DROPPED
        row.last_error = reason
        row.finished_at = moment
        self._release(row)
        stats.dropped += 1
        stats.drop_reasons[reason] = stats.drop_reasons.get(reason, 0) + 1

    @staticmethod
    def _release(row: OutboxMessage) -> None:
        row.claimed_by = None
        row.claimed_until = None

    # --- sending -------------------------------------------------------------------------

    def _attempt(self, job: _Job) -> _Outcome:
        outcome = _Outcome(job)
        try:
            if job.check_first:
                found = self.transport.find(job.address, "outbox_id", str(job.row_id), job.since)
                if found is not None:
                    outcome.posted, outcome.recovered = found, True
                    return outcome
                outcome.checked = True
                if job.message is None:
                    return outcome
            assert job.message is not None
            outcome.posted = self.transport.send(job.address, job.message)
        except DeliveryError as error:
            outcome.error = error
        except Exception as error:  # a bug or an unexpected network error: maybe it went
            log.exception("delivery of outbox row %s failed unexpectedly", job.row_id)
            outcome.error = DeliveryError(Failure.TRANSIENT, type(error).__name__, maybe_sent=True)
        return outcome

    # --- recording -----------------------------------------------------------------------

    def _record(self, outcomes: list[_Outcome], stats: DeliveryStats) -> None:
        if not outcomes:
            return
        moment = self.clock()
        with self.deps.db.session() as session:
            ids = [outcome.job.row_id for outcome in outcomes]
            rows = {
                row.id: row
                for row in session.exec(
                    select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
                ).all()
            }
            for outcome in outcomes:
                row = rows.get(outcome.job.row_id)
                if row is None:
                    continue
                self._apply(row, outcome, moment, stats)
                session.add(row)
            session.commit()

    def _apply(
        self, row: OutboxMessage, outcome: _Outcome, moment: datetime, stats: DeliveryStats
    ) -> None:
        self._release(row)
        if outcome.posted is not None:
            row.status = OutboxStatus.SENT
            row.sent_channel, row.sent_ts = outcome.posted.channel, outcome.posted.ts
            row.sent_at = row.finished_at = moment
            row.last_error = None
            stats.recovered += outcome.recovered
            stats.sent += not outcome.recovered
            return
        error = outcome.error
        if error is None:  # looked in the history, not there, and its cause is gone
            self._drop(row, moment, "resolved", stats)
            return
        row.last_error = error.code[:200]
        still_unknown = error.maybe_sent or (outcome.job.check_first and not outcome.checked)
        if error.failure is Failure.PERMANENT:
            row.status, row.finished_at = OutboxStatus.FAILED, moment
            stats.failed += 1
            log.warning("outbox row %s failed permanently: %s", row.id, error.code)
            return
        if error.failure is Failure.RATE_LIMITED:
            pause = timedelta(seconds=error.retry_after or 1)
            self._paused_until = max(self._paused_until or moment, moment + pause)
            stats.rate_limited += 1
            row.attempts = max(row.attempts - 1, 0)  # Slack asked us to wait; not our failure
            row.rate_limited += 1
            if row.rate_limited >= self.policy.max_rate_limited:
                row.status, row.finished_at = OutboxStatus.FAILED, moment
                stats.failed += 1
                log.warning("outbox row %s gave up after %d rate limits", row.id, row.rate_limited)
                return
            # The first 429 waits exactly as long as Slack asks; a storm backs off as well.
            backoff = self._backoff(row.rate_limited - 1) if row.rate_limited > 1 else timedelta()
            row.status = OutboxStatus.UNKNOWN if still_unknown else OutboxStatus.PENDING
            row.next_attempt_at = moment + max(pause, backoff)
            return
        if row.attempts >= self.policy.max_attempts:
            row.status, row.finished_at = OutboxStatus.FAILED, moment
            stats.failed += 1
            log.warning(
                "outbox row %s gave up after %d attempts: %s", row.id, row.attempts, error.code
            )
            return
        row.status = OutboxStatus.UNKNOWN if still_unknown else OutboxStatus.PENDING
        row.next_attempt_at = moment + self._backoff(row.attempts)
        stats.retrying += 1

    def _backoff(self, attempts: int) -> timedelta:
        """Exponential, capped, with ±20 % jitter so that many retries do not arrive together."""
        base = self.policy.backoff_first_seconds * 2 ** max(attempts - 1, 0)
        seconds = min(base, self.policy.backoff_max_seconds) * (0.8 + 0.4 * self.jitter())
        return timedelta(seconds=seconds)


def _next_week(moment: datetime, tz: str) -> datetime:
    local = moment.astimezone(ZoneInfo(tz)).date()
    monday = local + timedelta(days=7 - local.weekday())
    return local_midnight(monday, tz)
