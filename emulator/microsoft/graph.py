"""Microsoft Graph's calendar on the emulated cloud: free/busy and the conversation's event.

Serves what DESIGN.md §4 "(contract) The Outlook calendar" names, under `{base}/graph/v1.0`:
`POST /users/{mailbox}/calendar/getSchedule`, `POST /users/{mailbox}/events`, and `GET`, `PATCH`,
`DELETE` and `POST …/cancel` of one event. Busy times are seeded by tests (`add_busy`) and
follow from the events themselves, for the organiser and every attendee who has not declined.

Exchange Online's RBAC for Applications scopes the app to a mail-enabled group: a mailbox outside
`scope` answers 403 `ErrorAccessDenied` (the whole request when it is the mailbox in the URL; that
schedule's entry in `getSchedule`). Tests can change or delete an event "in Outlook"
(`move_in_outlook`, `delete_in_outlook`) to see the bot notice it, and inject 429/5xx per kind:
`get_schedule`, `create_event`, `get_event`, `update_event`, `delete_event`, `cancel_event`.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from emulator.microsoft.cloud import MicrosoftCloud, Reply

GRAPH_AUDIENCE = "https://graph.microsoft.com"
# The Windows names Graph uses most for Danish mailboxes, beside IANA names and UTC.
_WINDOWS_ZONES = {"Romance Standard Time": "Europe/Copenhagen", "UTC": "UTC"}


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


def parse_graph_time(value: Any) -> datetime:
    """A Graph `dateTimeTimeZone` ({"dateTime": "...", "timeZone": "..."}) as aware UTC."""
    if not isinstance(value, dict) or "dateTime" not in value:
        raise ValueError("not a dateTimeTimeZone")
    zone_name = str(value.get("timeZone") or "UTC")
    zone = ZoneInfo(_WINDOWS_ZONES.get(zone_name, zone_name))
    text = str(value["dateTime"])
    text = re.sub(r"(\.\d{6})\d+$", r"\1", text)  # Graph writes 7 fractional digits
    moment = datetime.fromisoformat(text.removesuffix("Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _availability(statuses: list[str]) -> str:
    """One digit of getSchedule's availabilityView: 0 free, 1 tentative, 2 busy, 3 away."""
    if "busy" in statuses:
        return "2"
    if "oof" in statuses:
        return "3"
    return "1" if statuses else "0"


def graph_time(moment: datetime) -> dict[str, str]:
    return {
        "dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
        "timeZone": "UTC",
    }


@dataclass
class Busy:
    start: datetime
    end: datetime
    status: str = "busy"


@dataclass
class Event:
    id: str
    mailbox: str
    body: dict[str, Any]
    start: datetime
    end: datetime
    cancelled: bool = False
    deleted: bool = False
    change_key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def attendees(self) -> list[str]:
        found = []
        for attendee in self.body.get("attendees") or []:
            address = ((attendee or {}).get("emailAddress") or {}).get("address")
            if address:
                found.append(str(address).lower())
        return found

    def as_json(self) -> dict[str, Any]:
        answer = copy.deepcopy(self.body)
        answer.update(
            id=self.id,
            changeKey=self.change_key,
            isCancelled=self.cancelled,
            start=graph_time(self.start),
            end=graph_time(self.end),
            organizer={"emailAddress": {"address": self.mailbox}},
        )
        if answer.get("isOnlineMeeting"):
            answer["onlineMeeting"] = {
                "joinUrl": f"https://teams.microsoft.com/l/meetup-join/{self.id[:12]}"
            }
        return answer


class GraphCalendar:
    """Attach to a running or not yet started `MicrosoftCloud`: `GraphCalendar(cloud)`."""

    def __init__(self, cloud: MicrosoftCloud, scope: Iterable[str] | None = None) -> None:
        self.cloud = cloud
        self.client_id, self.client_secret = cloud.add_app()
        self._lock = threading.Lock()
        self._busy: dict[str, list[Busy]] = {}
        self._events: dict[str, Event] = {}
        self.scope: set[str] | None = {m.lower() for m in scope} if scope is not None else None
        cloud.extra_routes.append(self.route)

    @property
    def url(self) -> str:
        return f"{self.cloud.base_url}/graph/v1.0"

    def environment(self) -> dict[str, str]:
        """The bot's calendar settings for this cloud (DESIGN.md §4)."""
        return {
            "GRAPH_TENANT_ID": self.cloud.tenant_id,
            "GRAPH_CLIENT_ID": self.client_id,
            "GRAPH_CLIENT_SECRET": self.client_secret,
            "GRAPH_URL": self.url,
            "GRAPH_LOGIN_URL": self.cloud.login_url,
            "SSL_CERT_FILE": str(self.cloud.ca_file),
            "REQUESTS_CA_BUNDLE": str(self.cloud.ca_file),
        }

    # -- what tests seed and read -------------------------------------------------------

    def add_busy(self, mailbox: str, start: datetime, end: datetime, status: str = "busy") -> None:
        with self._lock:
            self._busy.setdefault(mailbox.lower(), []).append(Busy(start, end, status))

    def events(
        self, mailbox: str | None = None, include_gone: bool = False
    ) -> list[dict[str, Any]]:
        with self._lock:
            return [
                e.as_json() | {"_mailbox": e.mailbox, "_deleted": e.deleted}
                for e in self._events.values()
                if (
                    mailbox is None
                    or e.mailbox == mailbox.lower()
                    or mailbox.lower() in e.attendees()
                )
                and (include_gone or not (e.deleted or e.cancelled))
            ]

    def move_in_outlook(self, event_id: str, start: datetime, end: datetime) -> None:
        with self._lock:
            event = self._events[event_id]
            event.start, event.end = start, end
            event.change_key = uuid.uuid4().hex

    def delete_in_outlook(self, event_id: str) -> None:
        with self._lock:
            self._events[event_id].deleted = True

    def busy_of(self, mailbox: str) -> list[Busy]:
        mailbox = mailbox.lower()
        with self._lock:
            found = list(self._busy.get(mailbox, []))
            for event in self._events.values():
                if event.deleted or event.cancelled:
                    continue
                if mailbox == event.mailbox or mailbox in event.attendees():
                    found.append(Busy(event.start, event.end))
        return found

    # -- routing (server threads) --------------------------------------------------------

    def _dispatch(
        self, method: str, rest: str
    ) -> tuple[str, Callable[..., Reply] | None, tuple[str, ...]]:
        """Which operation a request is: its kind (for faults and records), handler and ids."""
        post = method == "POST"
        if m := re.fullmatch(r"users/([^/]+)/calendar/getSchedule", rest):
            return "get_schedule", self._get_schedule if post else None, m.groups()
        if m := re.fullmatch(r"users/([^/]+)/(?:calendar/)?events", rest):
            return "create_event", self._create if post else None, m.groups()
        if m := re.fullmatch(r"users/([^/]+)/(?:calendar/)?events/([^/]+)/cancel", rest):
            return "cancel_event", self._cancel if post else None, m.groups()
        if m := re.fullmatch(r"users/([^/]+)/(?:calendar/)?events/([^/]+)", rest):
            by_method: dict[str, tuple[str, Callable[..., Reply]]] = {
                "GET": ("get_event", self._get),
                "PATCH": ("update_event", self._update),
                "DELETE": ("delete_event", self._delete),
            }
            if method in by_method:
                kind, handler = by_method[method]
                return kind, handler, m.groups()
        return "graph_unknown", None, ()

    def route(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[str, Reply] | None:
        if not path.startswith("/graph/v1.0/"):
            return None
        kind, handler, args = self._dispatch(method, path.removeprefix("/graph/v1.0/"))
        if handler is None:
            return kind, _error(404, "ResourceNotFound", f"no route {method} {path}")
        fault = self.cloud.take_fault(kind)
        if fault is not None:
            return kind, fault
        why = self.cloud.check_bearer(headers, GRAPH_AUDIENCE, self.client_id)
        if why is not None:
            return kind, _error(401, "InvalidAuthenticationToken", why)
        mailbox = args[0].lower()
        if self.scope is not None and mailbox not in self.scope:
            return kind, _error(
                403,
                "ErrorAccessDenied",
                "Access to OData is disabled: the application may not access this mailbox.",
            )
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            return kind, _error(400, "BadRequest", "Unable to read JSON request payload.")
        try:
            return kind, handler(payload, *args)
        except (ValueError, KeyError, TypeError) as error:
            return kind, _error(400, "BadRequest", f"Invalid request: {error}")

    def _get_schedule(self, body: dict[str, Any], mailbox: str) -> Reply:
        start = parse_graph_time(body["startTime"])
        end = parse_graph_time(body["endTime"])
        interval = int(body.get("availabilityViewInterval") or 30)
        if not 5 <= interval <= 1440 or end <= start:
            raise ValueError("interval or window")
        answers: list[dict[str, Any]] = []
        for schedule in body.get("schedules") or []:
            address = str(schedule).lower()
            if self.scope is not None and address not in self.scope:
                answers.append(
                    {
                        "scheduleId": address,
                        "error": {
                            "message": "The user is outside the application's scope.",
                            "responseCode": "ErrorAccessDenied",
                        },
                    }
                )
                continue
            busy = [b for b in self.busy_of(address) if b.start < end and b.end > start]
            view = []
            slot = start
            while slot < end:
                slot_end = slot + timedelta(minutes=interval)
                view.append(
                    _availability([b.status for b in busy if b.start < slot_end and b.end > slot])
                )
                slot = slot_end
            answers.append(
                {
                    "scheduleId": address,
                    "availabilityView": "".join(view),
                    "scheduleItems": [
                        {"status": b.status, "start": graph_time(b.start), "end": graph_time(b.end)}
                        for b in sorted(busy, key=lambda b: b.start)
                    ],
                }
            )
        return Reply(200, {"value": answers})

    def _create(self, body: dict[str, Any], mailbox: str) -> Reply:
        start, end = parse_graph_time(body["start"]), parse_graph_time(body["end"])
        if end <= start or not body.get("subject"):
            raise ValueError("an event needs a subject and an end after its start")
        transaction = body.get("transactionId")
        with self._lock:
            for existing in self._events.values():
                if transaction and existing.body.get("transactionId") == transaction:
                    return Reply(201, existing.as_json())  # a retried POST: the same event
        event = Event(
            id="AAMk" + uuid.uuid4().hex,
            mailbox=mailbox,
            body=copy.deepcopy(body),
            start=start,
            end=end,
        )
        with self._lock:
            self._events[event.id] = event
        return Reply(201, event.as_json())

    def _live(self, mailbox: str, event_id: str) -> Event | None:
        event = self._events.get(event_id)
        if event is None or event.deleted or event.mailbox != mailbox:
            return None
        return event

    def _get(self, body: Any, mailbox: str, event_id: str) -> Reply:
        with self._lock:
            event = self._live(mailbox, event_id)
            if event is None:
                return _error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
            return Reply(200, event.as_json())

    def _update(self, body: dict[str, Any], mailbox: str, event_id: str) -> Reply:
        with self._lock:
            event = self._live(mailbox, event_id)
            if event is None:
                return _error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
            if "start" in body:
                event.start = parse_graph_time(body["start"])
            if "end" in body:
                event.end = parse_graph_time(body["end"])
            event.body.update({k: v for k, v in body.items() if k not in ("start", "end")})
            event.change_key = uuid.uuid4().hex
            return Reply(200, event.as_json())

    def _delete(self, body: Any, mailbox: str, event_id: str) -> Reply:
        with self._lock:
            event = self._live(mailbox, event_id)
            if event is None:
                return _error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
            event.deleted = True
            return Reply(204, None)

    def _cancel(self, body: Any, mailbox: str, event_id: str) -> Reply:
        with self._lock:
            event = self._live(mailbox, event_id)
            if event is None:
                return _error(
                    404, "ErrorItemNotFound", "The specified object was not found in the store."
                )
            event.cancelled = True
            return Reply(202, None)
