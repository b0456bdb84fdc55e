"""Teams' half of the playground: the same running bot, seen as Microsoft Teams shows it.

- `MicrosoftCloud` (emulator/microsoft) plays Entra, the Bot Framework's keys and the Bot
  Connector on loopback, over TLS with its own local CA. Every demo person is a Teams user with
  the same email, and every department with a `teams_channel` in the demo files a team channel.
- The bot's Teams side is served by the same one-port service as `netvaerk run`
  (netvaerk/server.py), next to Slack; `TeamsPlatform` sends the page's actions as Teams sends
  them: signed messages, `adaptiveCard/action` invokes for Action.Execute, `task/fetch` and
  `task/submit` for dialogs, built from the cards the bot really sent.
- The visitor opens the Teams view: the app is "installed" for everyone (`installationUpdate`),
  the bot learns each person from the roster by email and greets them, and — as for anyone who
  uses Teams more recently than Slack — direct messages go to Teams from then on. Going back to
  the Slack view makes Slack the most recent again (`prefer`).

Nothing here is in the product: the bot knows no more of the playground than it knows of Teams.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import col, select

from emulator.clock import real_time
from emulator.microsoft import MicrosoftCloud, TeamsPlatform
from emulator.microsoft.records import PostedActivity, TeamsChannel, TeamsUser
from storage.db import Database
from storage.models import Person, PlatformIdentity

BOT_NAME = "Netværksbot"


@dataclass
class _Said:
    """What a person wrote to the bot (the emulator records only the bot's side)."""

    ts: float
    text: str
    conversation_id: str


@dataclass
class TeamsSide:
    cloud: MicrosoftCloud
    clock: Callable[[], float]  # the playground's clock, as a timestamp
    users: dict[str, TeamsUser] = field(default_factory=dict)  # by the page's person id
    channels: dict[str, TeamsChannel] = field(default_factory=dict)  # by channel id
    platform: TeamsPlatform | None = None
    dialogs: dict[str, dict[str, Any]] = field(default_factory=dict)  # person id → open dialog
    installed: set[str] = field(default_factory=set)
    _said: dict[str, list[_Said]] = field(default_factory=dict)
    _seen_at: dict[str, float] = field(default_factory=dict)  # activity id → playground time
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def serve(self, bot_url: str) -> None:
        self.platform = TeamsPlatform(bot_url, self.cloud, timeout=30.0)

    # -- the page's actions ---------------------------------------------------------------

    def _platform(self) -> TeamsPlatform:
        assert self.platform is not None, "the Teams side is not served"
        return self.platform

    def open(self, db: Database) -> None:
        """The visitor switches to Teams: the app is installed for everyone in the demo (once),
        as a tenant's app policy does, and Teams becomes the platform each of them used last,
        so direct messages come here."""
        for person_id, user in self.users.items():
            if person_id not in self.installed:
                self._platform().install(user)
                self.installed.add(person_id)
        prefer(db, [user.email for user in self.users.values()], "teams")

    def message(self, person_id: str, text: str, channel_id: str | None) -> int:
        user = self.users[person_id]
        channel = self.channels.get(channel_id or "")
        conversation = channel.id if channel else self.cloud.personal_conversation_id(user)
        with self._lock:  # before sending: the bot's answer comes after it
            self._said.setdefault(person_id, []).append(_Said(self.clock(), text, conversation))
        if channel is not None:
            return self._platform().mention(user, channel, text).status
        return self._platform().message(user, text).status

    def action(self, person_id: str, activity_id: str, action: Mapping[str, Any]) -> int:
        """A button on a card the bot sent: Action.Execute → an invoke; an Action.Submit that
        asks for task/fetch → the dialog opens."""
        user = self.users[person_id]
        data = dict(action.get("data") or {})
        # From the conversation the card is in (a channel's, or the 1:1 chat), as Teams sends it.
        clicked = self.cloud.activity(activity_id)
        where = clicked.conversation_id if clicked else None
        if action.get("type") == "Action.Execute":
            value = {
                "action": {"type": "Action.Execute", "verb": action.get("verb"), "data": data},
                "trigger": "manual",
            }
            invoke = self._platform().invoke
            return invoke(user, "adaptiveCard/action", value, activity_id, where).status
        if (data.get("msteams") or {}).get("type") == "task/fetch":
            answer = self._platform().invoke(
                user,
                "task/fetch",
                {"data": data, "context": {"theme": "default"}},
                activity_id,
                where,
            )
            self._show(person_id, answer.json() if answer.status == 200 else None)
            return answer.status
        return 400

    def submit(self, person_id: str, data: Mapping[str, Any]) -> int:
        user = self.users[person_id]
        answer = self._platform().invoke(
            user, "task/submit", {"data": dict(data), "context": {"theme": "default"}}
        )
        self._show(person_id, answer.json() if answer.status == 200 else None)
        return answer.status

    def close(self, person_id: str) -> None:
        with self._lock:
            self.dialogs.pop(person_id, None)

    def _show(self, person_id: str, body: Any) -> None:
        """A task-module answer: `continue` shows (or re-shows) the dialog; anything else
        closes it."""
        task = (body or {}).get("task") or {}
        with self._lock:
            if task.get("type") == "continue":
                value = task.get("value") or {}
                card = (value.get("card") or {}).get("content") or {}
                self.dialogs[person_id] = {"title": value.get("title") or "", "card": card}
            else:
                self.dialogs.pop(person_id, None)

    # -- what the page shows ----------------------------------------------------------------

    def state(self, person_id: str, names: Mapping[str, str]) -> dict[str, Any]:
        user = self.users[person_id]
        dm = self.cloud.personal_conversation_id(user)
        conversations = [self._conversation(person_id, dm, "dm", BOT_NAME, names)]
        for channel in self.channels.values():
            if user.aad_object_id in channel.members:
                conversations.append(
                    self._conversation(person_id, channel.id, "channel", channel.name, names)
                )
        with self._lock:
            dialog = self.dialogs.get(person_id)
        return {"conversations": conversations, "dialog": dialog}

    def _conversation(
        self,
        person_id: str,
        conversation_id: str,
        kind: str,
        name: str,
        names: Mapping[str, str],
    ) -> dict[str, Any]:
        messages = [self._bot_message(a) for a in self.cloud.messages_in(conversation_id)]
        with self._lock:
            messages += [
                {
                    "id": f"said-{i}",
                    "ts": f"{said.ts:.6f}",
                    "text": said.text,
                    "cards": [],
                    "author": names.get(person_id, ""),
                    "bot": False,
                }
                for i, said in enumerate(self._said.get(person_id, []))
                if said.conversation_id == conversation_id
            ]
        messages.sort(key=lambda m: float(m["ts"]))
        return {"id": conversation_id, "kind": kind, "name": name, "messages": messages}

    def _bot_message(self, posted: PostedActivity) -> dict[str, Any]:
        with self._lock:
            # The connector's activity ids are the real time in ms when it was posted; shifted
            # by the playground clock's offset, that is when it arrived in the playground.
            posted_at = int(posted.id) / 1000 + (self.clock() - real_time())
            ts = self._seen_at.setdefault(posted.id, posted_at)
        return {
            "id": posted.id,
            "ts": f"{ts:.6f}",
            "text": posted.text,
            "cards": posted.cards,
            "author": BOT_NAME,
            "bot": True,
            "updates": posted.updates,
        }


def prefer(db: Database, emails: list[str], platform: str) -> None:
    """Make `platform` the one these people were seen on most recently (delivery sends a
    person's direct messages to that one): what using the app there does in real life."""
    from bot.core.clock import now

    with db.session() as session:
        rows = session.exec(
            select(PlatformIdentity)
            .join(Person, col(Person.id) == col(PlatformIdentity.person_id))
            .where(
                col(Person.email).in_([e.lower() for e in emails]),
                PlatformIdentity.platform == platform,
            )
        ).all()
        for row in rows:
            row.updated_at = now()
            session.add(row)
        session.commit()
