"""Teams' side of the conversation with the bot: signed activities posted to `/api/messages`.

`TeamsPlatform` sends what Teams sends when a person uses the bot: a message in the 1:1 chat or
an @mention in a channel, the app being installed, a click on an `Action.Execute` button
(`adaptiveCard/action` invoke), and dialogs (`task/fetch`, then `task/submit`). Each activity
carries a Bot Framework JWT signed by the cloud's channel key, exactly as the Bot Framework signs
it, so the bot's own validation runs. Clicks are built from the cards the bot really sent
(recorded by `MicrosoftCloud`), so a test presses the button the bot really rendered.

`token=` forges what an attacker could send instead: no token, a token signed by another key,
one that has expired, one for another bot, one for another `serviceUrl`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from emulator.clock import app_time
from emulator.microsoft.cloud import BOT_FRAMEWORK_ISSUER, MicrosoftCloud
from emulator.microsoft.keys import SigningKey
from emulator.microsoft.records import PostedActivity, TeamsChannel, TeamsUser

TokenKind = Literal["valid", "missing", "forged", "expired", "wrong_audience", "wrong_serviceurl"]


@dataclass(frozen=True)
class BotResponse:
    """The bot's HTTP answer to one activity."""

    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class TeamsPlatform:
    def __init__(self, bot_url: str, cloud: MicrosoftCloud, timeout: float = 10.0) -> None:
        self.bot_url = bot_url
        self.cloud = cloud
        self.timeout = timeout
        self._stranger = SigningKey()
        self.last_dialog: dict[str, Any] | None = None  # the card of the dialog last opened
        # How the open dialog is submitted: a dialog's own invoke, or a message action's.
        self._submit_name: str = "task/submit"
        self._submit_context: str | None = None

    # -- tokens ---------------------------------------------------------------------------

    def token(self, kind: TokenKind = "valid", service_url: str | None = None) -> str | None:
        if kind == "missing":
            return None
        now = int(app_time())
        claims = {
            "iss": BOT_FRAMEWORK_ISSUER,
            "aud": self.cloud.app_id,
            "serviceurl": service_url or self.cloud.service_url,
            "iat": now - 5,
            "nbf": now - 5,
            "exp": now + 3600,
        }
        if kind == "expired":
            claims.update(iat=now - 7200, nbf=now - 7200, exp=now - 3600)
        elif kind == "wrong_audience":
            claims["aud"] = str(uuid.uuid4())
        elif kind == "wrong_serviceurl":
            claims["serviceurl"] = "https://smba.example.invalid/teams/"
        key = self._stranger if kind == "forged" else self.cloud.channel_key
        return key.sign(claims)

    # -- activities -------------------------------------------------------------------------

    def _base(self, user: TeamsUser, conversation: dict[str, Any], type_: str) -> dict[str, Any]:
        return {
            "type": type_,
            "id": uuid.uuid4().hex,
            "timestamp": "2026-01-01T00:00:00.000Z",
            "serviceUrl": self.cloud.service_url,
            "channelId": "msteams",
            "from": {"id": user.teams_id, "name": user.name, "aadObjectId": user.aad_object_id},
            "conversation": conversation,
            "recipient": {"id": f"28:{self.cloud.app_id}", "name": "Netværksbot"},
            "locale": user.locale,
            "channelData": {"tenant": {"id": self.cloud.tenant_id}},
        }

    def _personal(self, user: TeamsUser) -> dict[str, Any]:
        return {
            "id": self.cloud.personal_conversation_id(user),
            "conversationType": "personal",
            "tenantId": self.cloud.tenant_id,
        }

    def post(self, activity: Mapping[str, Any], token: TokenKind = "valid") -> BotResponse:
        headers = {"Content-Type": "application/json"}
        raw = self.token(token)
        if raw is not None:
            headers["Authorization"] = f"Bearer {raw}"
        request = urllib.request.Request(
            self.bot_url, data=json.dumps(activity).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return BotResponse(answer.status, answer.read().decode())
        except urllib.error.HTTPError as error:
            return BotResponse(error.code, error.read().decode())

    def message(
        self,
        user: TeamsUser,
        text: str,
        *,
        token: TokenKind = "valid",
        mentions: Sequence[TeamsUser] = (),
    ) -> BotResponse:
        """`user` writes `text` in their 1:1 chat with the bot. Each of `mentions` is @mentioned
        as Teams sends it: `<at>name</at>` in the text (where `text` has `@name`, else before
        it) and a mention entity with their Teams user id."""
        activity = self._base(user, self._personal(user), "message")
        entities = []
        for person in mentions:
            tag = f"<at>{person.name}</at>"
            text = (
                text.replace(f"@{person.name}", tag)
                if f"@{person.name}" in text
                else f"{tag} {text}"
            )
            entities.append(
                {
                    "type": "mention",
                    "text": tag,
                    "mentioned": {"id": person.teams_id, "name": person.name},
                }
            )
        activity["text"] = text
        activity["textFormat"] = "plain"
        if entities:
            activity["entities"] = entities
        return self.post(activity, token)

    def mention(self, user: TeamsUser, channel: TeamsChannel, text: str) -> BotResponse:
        """`user` writes "@Netværksbot `text`" in a channel, as Teams delivers it."""
        conversation = {
            "id": f"{channel.id};messageid={uuid.uuid4().int % 10**13}",
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": self.cloud.tenant_id,
        }
        activity = self._base(user, conversation, "message")
        activity["text"] = f"<at>Netværksbot</at> {text}"
        activity["entities"] = [
            {
                "type": "mention",
                "text": "<at>Netværksbot</at>",
                "mentioned": {"id": f"28:{self.cloud.app_id}", "name": "Netværksbot"},
            }
        ]
        activity["channelData"] = {
            "tenant": {"id": self.cloud.tenant_id},
            "channel": {"id": channel.id},
            "team": {"id": channel.team_id},
        }
        return self.post(activity)

    def install(self, user: TeamsUser) -> BotResponse:
        """The tenant's app policy installs the app for `user` (personal scope)."""
        activity = self._base(user, self._personal(user), "installationUpdate")
        activity["action"] = "add"
        return self.post(activity)

    def invoke(
        self,
        user: TeamsUser,
        name: str,
        value: Any,
        reply_to: str | None = None,
        conversation_id: str | None = None,
    ) -> BotResponse:
        """An invoke from `user`'s 1:1 chat, or from the channel conversation (a thread of a
        channel, `19:…;messageid=…`) the card clicked is in, as Teams sends it from there."""
        if conversation_id and conversation_id.startswith("19:"):
            channel = conversation_id.split(";messageid=")[0]
            conversation = {
                "id": conversation_id,
                "conversationType": "channel",
                "isGroup": True,
                "tenantId": self.cloud.tenant_id,
            }
            activity = self._base(user, conversation, "invoke")
            activity["channelData"] = {
                "tenant": {"id": self.cloud.tenant_id},
                "channel": {"id": channel},
            }
        else:
            activity = self._base(user, self._personal(user), "invoke")
        activity["name"] = name
        activity["value"] = value
        if reply_to:
            activity["replyToId"] = reply_to
        return self.post(activity)

    # -- pressing what the bot rendered -------------------------------------------------

    def click(
        self, user: TeamsUser, title: str, message: PostedActivity | None = None
    ) -> BotResponse:
        """Press the button titled `title` on `message` (default: the newest one that has it).

        `Action.Execute` becomes an `adaptiveCard/action` invoke; an `Action.Submit` whose data
        asks for `task/fetch` opens a dialog (its card is kept in `last_dialog`).
        """
        message, action = self._find_action(user, title, message)
        if action["type"] == "Action.Execute":
            value = {
                "action": {
                    "type": "Action.Execute",
                    "verb": action.get("verb"),
                    "data": action.get("data", {}),
                },
                "trigger": "manual",
            }
            return self.invoke(
                user,
                "adaptiveCard/action",
                value,
                message.id if message else None,
                message.conversation_id if message else None,
            )
        data = dict(action.get("data") or {})
        if (data.get("msteams") or {}).get("type") == "task/fetch":
            return self.open_dialog(user, data, message.id if message else None)
        raise AssertionError(
            f"{title!r} is an {action['type']}, which Teams does not send to a bot"
        )

    def open_dialog(
        self, user: TeamsUser, data: Mapping[str, Any], reply_to: str | None = None
    ) -> BotResponse:
        self._submit_name, self._submit_context = "task/submit", None
        response = self.invoke(
            user, "task/fetch", {"data": dict(data), "context": {"theme": "default"}}, reply_to
        )
        if response.status == 200:
            task = (response.json() or {}).get("task") or {}
            if task.get("type") == "continue":
                self.last_dialog = task["value"]["card"]["content"]
        return response

    def message_action(
        self, user: TeamsUser, command_id: str, channel: TeamsChannel, author: TeamsUser, html: str
    ) -> BotResponse:
        """`user` picks the app's message action `command_id` ("…" → the app) on a message
        `author` wrote in `channel` (its body as Teams gives it, HTML): a
        `composeExtension/fetchTask` invoke from the channel's conversation; the dialog it
        opens is kept in `last_dialog`, and `submit_dialog` answers it as Teams does
        (`composeExtension/submitAction`)."""
        message_id = str(uuid.uuid4().int % 10**13)
        value = {
            "commandId": command_id,
            "commandContext": "message",
            "context": {"theme": "default"},
            "messagePayload": {
                "id": message_id,
                "messageType": "message",
                "from": {"user": {"id": author.aad_object_id, "displayName": author.name}},
                "body": {"contentType": "html", "content": html},
            },
        }
        conversation = f"{channel.id};messageid={message_id}"
        response = self.invoke(user, "composeExtension/fetchTask", value, None, conversation)
        self._submit_name, self._submit_context = "composeExtension/submitAction", command_id
        self._keep_dialog(response)
        return response

    def _keep_dialog(self, response: BotResponse) -> None:
        if response.status == 200:
            task = (response.json() or {}).get("task") or {}
            self.last_dialog = (
                task["value"]["card"]["content"] if task.get("type") == "continue" else None
            )

    def submit_dialog(self, user: TeamsUser, inputs: Mapping[str, Any]) -> BotResponse:
        """Fill the open dialog's inputs and press its submit button, as the Teams client does:
        the submit action's data and every input's value (by id) travel together, those not
        filled in with the value the dialog showed."""
        assert self.last_dialog is not None, "no dialog is open"
        card = self.last_dialog
        known = {i["id"] for i in card_inputs(card)}
        unknown = set(inputs) - known
        assert not unknown, f"the dialog has no inputs {sorted(unknown)}"
        submit = next(
            a for a in _walk_actions(card) if a["type"] in ("Action.Submit", "Action.Execute")
        )
        # Every input's value as it stands (its initial value unless `inputs` changes it).
        shown = {i["id"]: i["value"] for i in card_inputs(card) if "value" in i}
        data = {**dict(submit.get("data") or {}), **shown, **dict(inputs)}
        value: dict[str, Any] = {"data": data, "context": {"theme": "default"}}
        if self._submit_context is not None:  # a message action's dialog
            value.update(commandId=self._submit_context, commandContext="message")
        response = self.invoke(user, self._submit_name, value)
        self._keep_dialog(response)
        if self.last_dialog is None:
            self._submit_name, self._submit_context = "task/submit", None
        return response

    def _find_action(
        self, user: TeamsUser, title: str, message: PostedActivity | None
    ) -> tuple[PostedActivity | None, dict[str, Any]]:
        candidates = [message] if message else list(reversed(self.cloud.messages_to(user)))
        for candidate in candidates:
            for card in candidate.cards:
                for action in _walk_actions(card):
                    if action.get("title") == title:
                        return candidate, action
        raise AssertionError(f"no button {title!r} in the bot's messages to {user.name}")


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _walk_actions(card: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    return (n for n in _walk(card) if str(n.get("type", "")).startswith("Action."))


def card_inputs(card: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every input of a card (a dialog's fields), as the card has them."""
    return (n for n in _walk(card) if str(n.get("type", "")).startswith("Input.") and "id" in n)
