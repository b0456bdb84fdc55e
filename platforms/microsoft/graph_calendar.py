"""The booking's calendar port on Microsoft Graph: free/busy and one event per conversation.

A thin client over six Graph calls rather than `msgraph-sdk`: the SDK's generated models cost
seconds of import time and tens of MB in every process that may book, for calls whose JSON is
small and stable (DESIGN.md §4 names them). Throttling (429, 503) honours `Retry-After` within
a small budget and otherwise raises `CalendarBusy`, so the caller's retry (the next tick) takes
over; a mailbox outside the app's RBAC scope (403) raises `CalendarUnavailable`, which the
booking turns into the `.ics` path.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bot.booking.calendar_port import (
    CalendarBusy,
    CalendarUnavailable,
    EventText,
    MeetingEvent,
)
from bot.booking.free_times import Interval
from bot.core.settings import Settings
from platforms.microsoft.entra_token import ClientCredentials, TokenError

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# Tentative counts: "free" means free, and a proposal on a tentative hour would still collide.
BLOCKING = frozenset({"busy", "oof", "tentative"})
_THROTTLED = (429, 503, 504)
INTERACTIVE_TIMEOUT = httpx.Timeout(2.0, connect=1.0)
_log = logging.getLogger(__name__)


def _graph_time(moment: datetime) -> dict[str, str]:
    """An explicit time zone on every time sent (DESIGN.md §4): UTC, unambiguous."""
    return {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def _parse_time(value: dict[str, Any]) -> datetime:
    text = str(value["dateTime"])
    if "." in text:
        head, fraction = text.split(".", 1)
        text = f"{head}.{fraction[:6]}"
    moment = datetime.fromisoformat(text.removesuffix("Z"))
    if str(value.get("timeZone", "UTC")) != "UTC":
        raise ValueError("Graph answered in another time zone than asked for")
    return moment.replace(tzinfo=UTC)


def _event(body: dict[str, Any]) -> MeetingEvent:
    return MeetingEvent(
        id=str(body["id"]),
        start=_parse_time(body["start"]),
        end=_parse_time(body["end"]),
        cancelled=bool(body.get("isCancelled")),
        join_url=(body.get("onlineMeeting") or {}).get("joinUrl"),
    )


class GraphCalendar:
    def __init__(
        self,
        graph_url: str,
        credentials: ClientCredentials,
        http: httpx.Client,
        *,
        retries: int = 2,
        max_retry_after: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._url = graph_url.rstrip("/")
        self._credentials = credentials
        self._http = http
        self._retries = retries
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self.calls = 0  # Graph requests made, for the benchmark's figures

    # -- the port -------------------------------------------------------------------------

    def busy(self, mailboxes: Sequence[str], start: datetime, end: datetime) -> list[Interval]:
        body = {
            "schedules": list(mailboxes),
            "startTime": _graph_time(start),
            "endTime": _graph_time(end),
            "availabilityViewInterval": 30,
        }
        # Read while someone waits on a form (Slack's trigger_id lives 3 s): no waiting out a
        # Retry-After and a short timeout; a slow calendar reads as unavailable, not as a hang.
        answer = self._request(
            "POST",
            f"users/{quote(mailboxes[0])}/calendar/getSchedule",
            body,
            patient=False,
        )
        intervals: list[Interval] = []
        for schedule in answer.get("value") or []:
            if schedule.get("error"):
                raise CalendarUnavailable(str(schedule["error"].get("responseCode", "error")))
            for item in schedule.get("scheduleItems") or []:
                if item.get("status") in BLOCKING:
                    intervals.append(Interval(_parse_time(item["start"]), _parse_time(item["end"])))
        return intervals

    def create_event(
        self,
        organiser: str,
        attendee: str,
        start: datetime,
        end: datetime,
        text: EventText,
        transaction_id: str | None = None,
    ) -> MeetingEvent:
        body: dict[str, Any] = {
            "subject": text.subject,
            "body": {"contentType": "HTML", "content": text.body_html},
            "start": _graph_time(start),
            "end": _graph_time(end),
            "attendees": [{"emailAddress": {"address": attendee}, "type": "required"}],
            "isOnlineMeeting": True,
            "onlineMeetingProvider": "teamsForBusiness",
            "allowNewTimeProposals": True,
        }
        if transaction_id:
            # Graph's own guard against a retried POST creating the event twice.
            body["transactionId"] = transaction_id
        return _event(self._request("POST", f"users/{quote(organiser)}/events", body))

    def move_event(
        self, organiser: str, event_id: str, start: datetime, end: datetime
    ) -> MeetingEvent:
        path = f"users/{quote(organiser)}/events/{quote(event_id)}"
        body = {"start": _graph_time(start), "end": _graph_time(end)}
        try:
            return _event(self._request("PATCH", path, body))
        except _Gone:
            # Deleted in Outlook meanwhile: nothing to move; the tick tells both (outlook_rules).
            raise CalendarUnavailable("ErrorItemNotFound") from None

    def cancel_event(self, organiser: str, event_id: str, comment: str) -> None:
        path = f"users/{quote(organiser)}/events/{quote(event_id)}/cancel"
        try:
            self._request("POST", path, {"comment": comment})
        except _Gone:
            return  # already deleted in Outlook: nothing left to cancel

    def get_event(self, organiser: str, event_id: str) -> MeetingEvent | None:
        try:
            return _event(
                self._request("GET", f"users/{quote(organiser)}/events/{quote(event_id)}")
            )
        except _Gone:
            return None

    # -- HTTP -----------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, patient: bool = True
    ) -> dict[str, Any]:
        refreshed = False
        attempt = 0
        while True:
            try:
                token = self._credentials.token()
            except TokenError as error:
                raise CalendarUnavailable(str(error)) from None
            headers = {"Authorization": f"Bearer {token}", "Prefer": 'outlook.timezone="UTC"'}
            self.calls += 1
            try:
                answer = self._http.request(
                    method,
                    f"{self._url}/{path}",
                    json=body,
                    headers=headers,
                    timeout=httpx.USE_CLIENT_DEFAULT if patient else INTERACTIVE_TIMEOUT,
                )
            except httpx.HTTPError as error:
                raise CalendarBusy(f"Graph unreachable: {type(error).__name__}") from None
            if answer.status_code == 401 and not refreshed:
                self._credentials.forget()
                refreshed = True
                continue
            if answer.status_code in _THROTTLED:
                wait = _retry_after(answer)
                if patient and attempt < self._retries and wait <= self._max_retry_after:
                    attempt += 1
                    self._sleep(wait)
                    continue
                raise CalendarBusy(f"Graph throttled ({answer.status_code}), retry after {wait:g}s")
            if answer.status_code == 404:
                raise _Gone()
            if answer.status_code in (401, 403):
                raise CalendarUnavailable(_code(answer))
            if answer.status_code >= 500:
                raise CalendarBusy(f"Graph error {answer.status_code}")
            if answer.status_code >= 400:
                _log.warning("Graph refused %s %s: %s", method, path.split("/")[-1], _code(answer))
                raise CalendarUnavailable(_code(answer))
            return answer.json() if answer.content else {}


class _Gone(Exception):
    """404: the event is no longer in the mailbox (deleted in Outlook)."""


def _retry_after(answer: httpx.Response) -> float:
    try:
        return max(float(answer.headers.get("Retry-After", "1")), 0.0)
    except ValueError:
        return 1.0


def _code(answer: httpx.Response) -> str:
    try:
        return str((answer.json().get("error") or {}).get("code") or answer.status_code)
    except ValueError:
        return str(answer.status_code)


def make_graph_calendar(
    settings: Settings,
    sleep: Callable[[float], None] = time.sleep,
    ca_file: Path | None = None,
) -> GraphCalendar | None:
    """The calendar when GRAPH_* is configured, else None (the `.ics` path). `sleep` waits out
    a short `Retry-After` (tests and the benchmark pass one that does not block); `ca_file`
    trusts one CA for this client only (the playground's emulated cloud), where a deployment
    or a test sets SSL_CERT_FILE for the whole process instead."""
    if not settings.calendar_configured:
        return None
    assert settings.graph_tenant_id and settings.graph_client_id and settings.graph_client_secret
    timeout = httpx.Timeout(10.0, connect=5.0)
    if ca_file is not None:
        verify = ssl.create_default_context(cafile=str(ca_file))
        http = httpx.Client(timeout=timeout, verify=verify, trust_env=False)
    else:
        http = httpx.Client(timeout=timeout, trust_env=True)
    credentials = ClientCredentials(
        http,
        settings.graph_login_url,
        settings.graph_tenant_id,
        settings.graph_client_id,
        settings.graph_client_secret,
        GRAPH_SCOPE,
    )
    return GraphCalendar(settings.graph_url, credentials, http, sleep=sleep)
