"""The chat port (bot/core/chat.py) on Teams: proactive 1:1 messages, channel posts, updates in
place and files as download links, over the Bot Connector's REST API — and how its answers are
classified into the port's failures.

Why a thin synchronous httpx client and not the Teams SDK's `ApiClient`: delivery is a pool of
synchronous threads (schedules/delivery.py), and `netvaerk tick` runs it without any server or
event loop. The SDK's client is asyncio and bound to the loop that created it; using it here
would mean a private loop per worker thread or handing every send to the server's loop (so
delivery would need the server running). The bot needs four REST calls (create conversation,
send, reply, update), each one POST or PUT with a bearer token; written directly they are a
few lines, with no hidden retry (delivery keeps its own retry state in the outbox: a retry
inside a client after a timeout could post twice) and the error classification in plain sight.

Addresses, as only this module knows them: a person is their Teams user id (`29:…`); their
1:1 conversation with the bot comes from `platform_identities` (learned from an activity) or is
created once here (`POST /v3/conversations`, one member, the tenant) and stored. A department
channel is `19:…@thread.tacv2`: a post starts a new thread in it (`POST /v3/conversations` with
the channel and the activity), and its `Sent.channel` is that thread's conversation id
(`19:…;messageid=…`), which is what an update and a reply need. Anything else is a
conversation id as it is (a `Sent.channel` handed back for a reply).

Crash safety: Teams keeps no history a bot can search, so `find` cannot ask Teams. The outbox
id travels in the activity (`channelData.netvaerk.outbox_id`, kept with the message), and the
moment Teams answers a send, a receipt (`delivery_receipts`) is committed; `find` reads the
receipts. What remains unknowable is a send whose answer never came (a timeout, a 5xx): `find`
returns None and delivery sends again — at-least-once in that one case, as Teams offers no
idempotency key.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from sqlmodel import col, delete, select

from bot.core import ui
from bot.core.chat import DeliveryError, Failure, Sent
from bot.core.clock import now
from bot.core.identity import person_for
from bot.core.settings import Settings
from platforms.microsoft.entra_token import ClientCredentials, TokenError
from platforms.teams import cards
from platforms.teams.downloads import Downloads
from platforms.teams.identity import PLATFORM, identity_of, remember
from storage.db import Database
from storage.models import DeliveryReceipt, PlatformIdentity

log = logging.getLogger(__name__)

RECEIPT_DAYS = 7  # longer than any retry of one outbox row lasts


def is_user(to: str) -> bool:
    """A Teams user id (a direct message goes to their 1:1 conversation)."""
    return to.startswith("29:")


def is_channel(to: str) -> bool:
    """A team channel (a post starts a new thread in it), not one of its threads."""
    return to.startswith("19:") and ";messageid=" not in to


def _code(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return f"http_{answer.status_code}"
    error = body.get("error") if isinstance(body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code or f"http_{answer.status_code}")


def classify(answer: httpx.Response, *, sending: bool) -> DeliveryError:
    """A Bot Connector refusal as the port's failure. `sending`: the call may have posted a
    message (a 5xx after a POST of an activity), so its outcome is unknown."""
    status = answer.status_code
    code = _code(answer)
    if status == 429:
        retry_after = answer.headers.get("Retry-After")
        try:
            wait = float(retry_after) if retry_after else 1.0
        except ValueError:
            wait = 1.0
        return DeliveryError(Failure.RATE_LIMITED, "ratelimited", retry_after=wait)
    if status >= 500:
        return DeliveryError(Failure.TRANSIENT, code, maybe_sent=sending)
    if status == 401:  # our token: nothing went out, and the message is not at fault
        return DeliveryError(Failure.TRANSIENT, "unauthorized", maybe_sent=False)
    # 403 (uninstalled, blocked, not in the team), 404 (conversation or activity gone), 413
    # (too big), 400 (a card Teams refuses): trying again will not help.
    return DeliveryError(Failure.PERMANENT, code)


def _network(error: httpx.HTTPError, *, sending: bool) -> DeliveryError:
    if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
        return DeliveryError(Failure.TRANSIENT, "connection_failed", maybe_sent=False)
    return DeliveryError(Failure.TRANSIENT, type(error).__name__, maybe_sent=sending)


@dataclass(frozen=True)
class _Conversation:
    id: str
    service_url: str


class TeamsChat:
    """The one Teams adapter of the chat port. Thread-safe: delivery shares it between workers."""

    platform = PLATFORM

    def __init__(
        self,
        settings: Settings,
        db: Database,
        credentials: ClientCredentials,
        *,
        http: httpx.Client | None = None,
        attachments: Downloads | None = None,
    ) -> None:
        assert settings.teams_client_id and settings.teams_tenant_id
        self.db = db
        self.credentials = credentials
        self.bot_id = f"28:{settings.teams_client_id}"
        self.tenant_id = settings.teams_tenant_id
        self.service_url = settings.teams_service_url.rstrip("/")
        self.http = http or httpx.Client(timeout=httpx.Timeout(15.0, connect=5.0), trust_env=True)
        self.attachments = attachments  # platforms/teams/downloads.py: files as links
        self._lock = threading.Lock()

    @staticmethod
    def owns(address: str) -> bool:
        """Every Teams id holds a colon (29:…, 19:…, a:…); Slack's never do."""
        return ":" in address

    # --- HTTP ------------------------------------------------------------------------------

    def _call(
        self, method: str, url: str, body: dict[str, Any], *, sending: bool
    ) -> dict[str, Any]:
        try:
            token = self.credentials.token()
        except TokenError as error:
            raise DeliveryError(Failure.TRANSIENT, "token_unavailable") from error
        try:
            answer = self.http.request(
                method, url, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError as error:
            raise _network(error, sending=sending) from error
        if answer.status_code == 401:
            self.credentials.forget()  # stale (or revoked); the next attempt fetches anew
        if answer.status_code >= 300:
            raise classify(answer, sending=sending)
        try:
            found = answer.json() if answer.content else {}
        except ValueError:
            found = {}
        return found if isinstance(found, dict) else {}

    # --- addresses -------------------------------------------------------------------------

    def _personal(self, user_id: str) -> _Conversation:
        """The person's 1:1 conversation: stored, or created once and stored."""
        with self.db.session() as session:
            row = identity_of(session, user_id)
            if row is not None and row.conversation_id:
                stored = row.service_url or self.service_url
                return _Conversation(row.conversation_id, stored.rstrip("/"))
        service_url = ((row.service_url if row is not None else None) or self.service_url).rstrip(
            "/"
        )
        body = {
            "bot": {"id": self.bot_id},
            "members": [{"id": user_id}],
            "isGroup": False,
            "tenantId": self.tenant_id,
            "channelData": {"tenant": {"id": self.tenant_id}},
        }
        created = self._call("POST", f"{service_url}/v3/conversations", body, sending=False)
        conversation = _Conversation(str(created["id"]), service_url)
        with self.db.session() as session:
            person = person_for(session, PLATFORM, user_id, active_only=False)
            if person is not None and person.id is not None:
                remember(
                    session,
                    person.id,
                    user_id,
                    conversation_id=conversation.id,
                    service_url=service_url,
                    tenant_id=self.tenant_id,
                )
                session.commit()
        return conversation

    def _service_url_of(self, conversation_id: str) -> str:
        """Where a conversation lives: a person's 1:1 at the service URL stored with it."""
        with self.db.session() as session:
            stored = session.exec(
                select(PlatformIdentity.service_url).where(
                    PlatformIdentity.platform == PLATFORM,
                    PlatformIdentity.conversation_id == conversation_id,
                )
            ).first()
        return (stored or self.service_url).rstrip("/")

    # --- the port --------------------------------------------------------------------------

    def send(self, to: str, message: ui.Message, *, thread: str | None = None) -> Sent:
        activity = cards.message_activity(message)
        if is_channel(to) and thread is None:
            sent = self._post_to_channel(to, activity)
        else:
            if is_user(to):
                conversation = self._personal(to)
                target = conversation.id
            else:
                conversation = _Conversation(to, self.service_url)
                target = f"{to};messageid={thread}" if is_channel(to) and thread else to
            url = f"{conversation.service_url}/v3/conversations/{quote(target, safe=':@;=')}"
            answer = self._call("POST", f"{url}/activities", activity, sending=True)
            sent = Sent(channel=target, ts=str(answer.get("id", "")))
        self._receipt(to, sent, message.metadata)
        return sent

    def _post_to_channel(self, channel: str, activity: dict[str, Any]) -> Sent:
        body = {
            "isGroup": True,
            "bot": {"id": self.bot_id},
            "tenantId": self.tenant_id,
            "channelData": {"channel": {"id": channel}, "tenant": {"id": self.tenant_id}},
            "activity": activity,
        }
        answer = self._call("POST", f"{self.service_url}/v3/conversations", body, sending=True)
        return Sent(channel=str(answer["id"]), ts=str(answer.get("activityId", "")))

    def update(self, sent: Sent, message: ui.Message) -> None:
        activity = {**cards.message_activity(message), "id": sent.ts}
        conversation = quote(sent.channel, safe=":@;=")
        url = f"{self._service_url_of(sent.channel)}/v3/conversations/{conversation}"
        url += f"/activities/{sent.ts}"
        self._call("PUT", url, activity, sending=False)

    def attach(self, to: str, attachment: ui.Attachment, *, thread: str | None = None) -> None:
        """Teams bots cannot put a file in a 1:1 chat without the file-consent flow: the file
        is served by the bot behind a signed, expiring link, sent as a card."""
        if self.attachments is None:
            raise DeliveryError(Failure.PERMANENT, "files_not_supported")
        message = self.attachments.message_for(to, attachment)
        self.send(to, message, thread=thread)

    def join(self, channel: str) -> None:
        """Nothing to do: a bot cannot join a channel in Teams; it is in every channel of a team
        the app is installed in, and a post elsewhere fails with 403 (reported as for Slack's
        `not_in_channel`)."""

    def find(self, to: str, key: str, value: str, since: datetime) -> Sent | None:
        """Our receipt of a message sent with metadata `key` = `value` since `since` (Teams has
        no history to search; see the module docstring)."""
        with self.db.session() as session:
            found = session.exec(
                select(DeliveryReceipt)
                .where(
                    DeliveryReceipt.platform == PLATFORM,
                    DeliveryReceipt.key == key,
                    DeliveryReceipt.value == value,
                    col(DeliveryReceipt.sent_at) >= since,
                )
                .order_by(col(DeliveryReceipt.id).desc())
            ).first()
        return Sent(found.conversation_id, found.activity_id) if found else None

    def fits(self, message: ui.Message) -> bool:
        return cards.fits(message)

    # --- receipts --------------------------------------------------------------------------

    def _receipt(self, to: str, sent: Sent, metadata: dict[str, str] | None) -> None:
        """Committed as soon as Teams took the message, so a crash before delivery records it
        leaves the receipt for `find`. Old receipts go at the same time."""
        if not metadata:
            return
        try:
            self._store_receipt(to, sent, metadata)
        except Exception:  # the message went out; delivery records it even without a receipt
            log.exception("could not store the receipt of a Teams message")

    def _store_receipt(self, to: str, sent: Sent, metadata: dict[str, str]) -> None:
        moment = now()
        with self.db.session() as session:
            person = person_for(session, PLATFORM, to, active_only=False) if is_user(to) else None
            for key, value in metadata.items():
                session.add(
                    DeliveryReceipt(
                        platform=PLATFORM,
                        key=key[:40],
                        value=str(value)[:100],
                        conversation_id=sent.channel,
                        activity_id=sent.ts,
                        person_id=person.id if person else None,
                        sent_at=moment,
                    )
                )
            session.exec(
                delete(DeliveryReceipt).where(
                    col(DeliveryReceipt.sent_at) < moment - timedelta(days=RECEIPT_DAYS)
                )
            )
            session.commit()
