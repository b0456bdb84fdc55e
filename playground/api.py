"""The playground's JSON API: what the page asks for, turned into what Slack would send.

Every action goes through `SlackPlatform`, so the app receives the same signed, Slack-shaped
request it would get from Slack, built from the message or view the app really rendered. The
page never talks to the app directly.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.i18n import LANGUAGES, t
from bot.core.settings import Settings
from emulator.platform import InputRejected, Response
from playground.session import DB_FILENAME, PlaygroundSession
from playground.teams import prefer
from playground.view import state_for

# What the Slack client itself says when it refuses to submit a form (emulator.interaction),
# mapped onto catalogue keys, so the page can say it in the person's language.
_CLIENT_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Please complete this required field\.$"), "playground.form.required"),
    (re.compile(r"^Must be at least (?P<n>\d+) characters\.$"), "playground.form.min_length"),
    (re.compile(r"^Must be at most (?P<n>\d+) characters\.$"), "playground.form.max_length"),
    (re.compile(r"^Please enter a number\.$"), "playground.form.number"),
    (re.compile(r"^Please enter a whole number\.$"), "playground.form.whole_number"),
    (re.compile(r"^Must be at least (?P<n>[-\d.]+)\.$"), "playground.form.min_value"),
    (re.compile(r"^Must be at most (?P<n>[-\d.]+)\.$"), "playground.form.max_value"),
    (re.compile(r"^Please enter a valid email address\.$"), "playground.form.email"),
    (re.compile(r"^Please enter a valid URL\.$"), "playground.form.url"),
    (re.compile(r"^Select up to (?P<n>\d+) items\.$"), "playground.form.max_items"),
)
MAX_DAYS_AHEAD = 400  # "til dato": far enough for a year of reminders, short enough to be quick


class ApiError(Exception):
    """A request the page should not have made; `key` is a catalogue key for the message."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


def client_error(message: str, language: str) -> str:
    for pattern, key in _CLIENT_ERRORS:
        found = pattern.match(message)
        if found:
            return t(language, key, **found.groupdict())
    return message


@dataclass
class Playground:
    """The running playground: one session at a time (reset makes a new one) and the page's
    language."""

    settings: Settings
    db_path: Path
    start: datetime | None = None
    background_tick_seconds: float = 60.0

    def __post_init__(self) -> None:
        self.language = (
            self.settings.netvaerk_language
            if self.settings.netvaerk_language in (LANGUAGES)
            else "da"
        )
        self._lock = threading.RLock()
        self.session = self._new_session()

    def _new_session(self) -> PlaygroundSession:
        return PlaygroundSession(
            self.settings,
            self.db_path,
            start=self.start,
            background_tick_seconds=self.background_tick_seconds,
        ).start()

    def close(self) -> None:
        with self._lock:
            self.session.stop()

    # -- reading ------------------------------------------------------------------------------

    def _person(self, user_id: object) -> str:
        if not isinstance(user_id, str) or self.session.org.person(user_id) is None:
            raise ApiError(400, "playground.error.unknown_person")
        return user_id

    def default_person(self) -> str:
        """Who a newcomer starts as: the first network leader, where the story begins."""
        org = self.session.org
        leaders = {n["leader_email"] for n in org.networks}
        first = next((p for p in org.people if p.email in leaders), org.people[0])
        return first.slack_id

    def state(self, user_id: str) -> dict[str, Any]:
        with self._lock:
            person = self._person(user_id) if user_id else self.default_person()
            return state_for(self.session, person, self.language)

    def file(self, file_id: str) -> tuple[str, bytes] | None:
        with self._lock:
            for upload in self.session.api.files:
                if upload.id == file_id and upload.content is not None:
                    return upload.name, upload.content
        return None

    def texts(self, language: str | None = None) -> dict[str, str]:
        from bot.core.i18n import catalogue

        lang = language if language in LANGUAGES else self.language
        prefix = "playground."
        return {k[len(prefix) :]: v for k, v in catalogue(lang).items() if k.startswith(prefix)}

    # -- acting -------------------------------------------------------------------------------

    def handle(self, route: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """One POST from the page; answers with what the page should show beyond the state."""
        actions = {
            "command": self.command,
            "message": self.message,
            "click": self.click,
            "select": self.select,
            "submit": self.submit,
            "close": self.close_view,
            "home": self.home,
            "clock": self.clock,
            "reset": self.reset,
            "language": self.set_language,
            "teams_open": self.teams_open,
            "slack_open": self.slack_open,
            "teams_message": self.teams_message,
            "teams_action": self.teams_action,
            "teams_submit": self.teams_submit,
            "teams_close": self.teams_close,
        }
        action = actions.get(route)
        if action is None:
            raise ApiError(404, "playground.error.unknown_action")
        return action(body)

    def _answer(self, response: Response) -> dict[str, Any]:
        if not response.ok:
            raise ApiError(502, "playground.error.app_failed", code=response.status)
        return {"ok": True, "problems": list(response.problems)}

    def command(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        text = str(body.get("text") or "").strip()
        command, _, rest = text.partition(" ")
        if command != "/netvaerk":
            raise ApiError(400, "playground.error.unknown_command", command=command)
        rest = self._mentions(rest.strip())
        return self._answer(
            self.session.platform.command(user, rest, channel_id=self._channel(body))
        )

    def message(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        text = str(body.get("text") or "").strip()
        if not text:
            raise ApiError(400, "playground.error.empty_message")
        return self._answer(
            self.session.platform.message(user, self._mentions(text), self._channel(body))
        )

    def _channel(self, body: Mapping[str, Any]) -> str | None:
        channel = body.get("channel")
        if channel is None:
            return None
        known = {c.channel_id for c in self.session.org.channels}
        user = str(body.get("user"))
        if channel != self.session.api.dm_channel_id(user) and channel not in known:
            raise ApiError(400, "playground.error.unknown_channel")
        return str(channel)

    def _mentions(self, text: str) -> str:
        """`@Sofie Lund` → `<@USOFIELUND|Sofie Lund>`, as the Slack client escapes mentions."""
        for person in sorted(self.session.org.people, key=lambda p: -len(p.name)):
            text = text.replace(f"@{person.name}", f"<@{person.slack_id}|{person.name}>")
        return text

    def _where(self, body: Mapping[str, Any]) -> dict[str, Any]:
        if body.get("view_id"):
            return {"view": str(body["view_id"])}
        if body.get("message_ts"):
            return {"message": str(body["message_ts"])}
        raise ApiError(400, "playground.error.no_target")

    def click(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        value = body.get("value")
        try:
            response = self.session.platform.click(
                user,
                str(body.get("action_id")),
                None if value is None else str(value),
                **self._where(body),
            )
        except LookupError as error:
            raise ApiError(409, "playground.error.gone") from error
        return self._answer(response)

    def select(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        try:
            response = self.session.platform.select(
                user, str(body.get("action_id")), body.get("value"), **self._where(body)
            )
        except LookupError as error:
            raise ApiError(409, "playground.error.gone") from error
        except ValueError as error:
            raise ApiError(400, "playground.error.bad_value") from error
        return self._answer(response)

    def submit(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        raw = body.get("values") or {}
        if not isinstance(raw, dict):
            raise ApiError(400, "playground.error.bad_value")
        values = {str(k): (None if v in ("", []) else v) for k, v in raw.items()}
        try:
            response = self.session.platform.submit_view(
                user, values, view=str(body.get("view_id") or "") or None
            )
        except InputRejected as rejected:
            errors = {k: client_error(v, self.language) for k, v in rejected.errors.items()}
            return {"ok": False, "errors": errors}
        except LookupError as error:
            raise ApiError(409, "playground.error.gone") from error
        except (KeyError, ValueError) as error:
            raise ApiError(400, "playground.error.bad_value") from error
        answer = self._answer(response)
        reply = response.json
        if isinstance(reply, dict) and reply.get("response_action") == "errors":
            answer.update(ok=False, errors=reply.get("errors") or {})
        return answer

    def close_view(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        with contextlib.suppress(LookupError):  # already closed: nothing to do
            self.session.platform.close_view(user, str(body.get("view_id") or "") or None)
        return {"ok": True}

    def home(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        return self._answer(self.session.platform.app_home_opened(user))

    def clock(self, body: Mapping[str, Any]) -> dict[str, Any]:
        session = self.session
        now = session.now()
        step = body.get("step")
        if step == "hour":
            target = now + timedelta(hours=1)
        elif step == "day":
            target = now + timedelta(days=1)
        elif step == "date":
            target = self._date_target(str(body.get("date") or ""), now)
        else:
            raise ApiError(400, "playground.error.bad_clock")
        ticks = session.advance_to(target)
        return {"ok": True, "ticks": ticks}

    def _date_target(self, text: str, now: datetime) -> datetime:
        """The chosen day at the current time of day (or 09:00 when that is earlier)."""
        try:
            day = date.fromisoformat(text)
        except ValueError as error:
            raise ApiError(400, "playground.error.bad_date") from error
        zone = self.session.zone
        local = now.astimezone(zone)
        if day <= local.date():
            raise ApiError(400, "playground.error.date_not_ahead")
        if (day - local.date()).days > MAX_DAYS_AHEAD:
            raise ApiError(400, "playground.error.date_too_far", days=MAX_DAYS_AHEAD)
        at = max(local.time().replace(microsecond=0), datetime.min.time().replace(hour=9))
        return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)

    # -- the Teams view (playground/teams.py) -------------------------------------------------

    def _teams_answer(self, status: int) -> dict[str, Any]:
        if status >= 400:
            raise ApiError(502, "playground.error.app_failed", code=status)
        return {"ok": True}

    def teams_open(self, body: Mapping[str, Any]) -> dict[str, Any]:
        self._person(body.get("user"))
        self.session.teams.open(self.session.deps.db)
        return {"ok": True}

    def slack_open(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        self.session.teams.close(user)
        emails = [u.email for u in self.session.teams.users.values()]
        prefer(self.session.deps.db, emails, "slack")
        return {"ok": True}

    def teams_message(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        text = str(body.get("text") or "").strip()
        if not text:
            raise ApiError(400, "playground.error.empty_message")
        channel = body.get("channel")
        if channel is not None and channel not in self.session.teams.channels:
            channel = None  # the 1:1 chat
        return self._teams_answer(self.session.teams.message(user, text, channel))

    def teams_action(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        action = body.get("action")
        if not isinstance(action, dict):
            raise ApiError(400, "playground.error.bad_value")
        activity = str(body.get("activity_id") or "")
        if self.session.teams.cloud.activity(activity) is None:
            raise ApiError(409, "playground.error.gone")
        return self._teams_answer(self.session.teams.action(user, activity, action))

    def teams_submit(self, body: Mapping[str, Any]) -> dict[str, Any]:
        user = self._person(body.get("user"))
        data = body.get("data")
        if not isinstance(data, dict):
            raise ApiError(400, "playground.error.bad_value")
        return self._teams_answer(self.session.teams.submit(user, data))

    def teams_close(self, body: Mapping[str, Any]) -> dict[str, Any]:
        self.session.teams.close(self._person(body.get("user")))
        return {"ok": True}

    def reset(self, _body: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.session.stop()
            self.session = self._new_session()
            if self.language != self.settings.netvaerk_language:
                self.session.set_language(self.language)
        return {"ok": True}

    def set_language(self, body: Mapping[str, Any]) -> dict[str, Any]:
        language = body.get("language")
        if language not in LANGUAGES:
            raise ApiError(400, "playground.error.bad_language")
        with self._lock:
            self.language = str(language)
            self.session.set_language(self.language)
        return {"ok": True}


def default_db_path() -> Path:
    return Path.cwd() / DB_FILENAME
